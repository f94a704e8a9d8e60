/**
 * Limits: defaults, validation and the one place where session options and per-run overrides
 * are merged.
 */
import { CodeActError } from "../errors/index.ts";
import type { Limits } from "./types.ts";

const MiB = 1024 * 1024;

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  timeoutMs: 5000,
  cpuTimeMs: 5000,
  memoryLimitBytes: 128 * MiB,
  outputLimitBytes: 1 * MiB,
  maxSourceBytes: 256 * 1024,
  maxStackBytes: 1 * MiB,
});

/** Sane bounds per field: a typo like `timeoutMs: 5e9` must not silently disable a limit. */
const BOUNDS: Readonly<Record<keyof Limits, readonly [min: number, max: number]>> = {
  timeoutMs: [1, 10 * 60_000],
  cpuTimeMs: [1, 10 * 60_000],
  memoryLimitBytes: [8 * MiB, 4096 * MiB],
  outputLimitBytes: [256, 64 * MiB],
  maxSourceBytes: [16, 16 * MiB],
  maxStackBytes: [64 * 1024, 64 * MiB],
};

const LIMIT_KEYS = Object.keys(DEFAULT_LIMITS) as Array<keyof Limits>;

/** Throws CodeActError("INVALID_ARGUMENT") naming the first bad field of a partial Limits. */
export function validateLimits(limits: unknown, where = "limits"): Partial<Limits> {
  if (limits === undefined) return {};
  if (limits === null || typeof limits !== "object" || Array.isArray(limits)) {
    throw new CodeActError("INVALID_ARGUMENT", `${where} must be an object`);
  }
  const out: Partial<Limits> = {};
  for (const [key, value] of Object.entries(limits)) {
    if (!(LIMIT_KEYS as string[]).includes(key)) {
      throw new CodeActError("INVALID_ARGUMENT", `${where}.${key} is not a known limit`, {
        details: { field: `${where}.${key}` },
      });
    }
    if (value === undefined) continue;
    const field = key as keyof Limits;
    const [min, max] = BOUNDS[field];
    if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
      throw new CodeActError(
        "INVALID_ARGUMENT",
        `${where}.${field} must be a finite number between ${min} and ${max}, got ${String(value)}`,
        { details: { field: `${where}.${field}` } },
      );
    }
    out[field] = value;
  }
  return out;
}

/** Defaults <- session limits <- per-run limits; each layer validated. */
export function mergeLimits(session?: Partial<Limits>, run?: Partial<Limits>): Limits {
  return {
    ...DEFAULT_LIMITS,
    ...validateLimits(session, "limits"),
    ...validateLimits(run, "run.limits"),
  };
}

/** Validates a number option (seed, startTimeMs). */
export function validateNumber(value: unknown, field: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
    throw new CodeActError("INVALID_ARGUMENT", `${field} must be a finite number between ${min} and ${max}`, {
      details: { field },
    });
  }
  return value;
}
