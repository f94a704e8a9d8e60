/**
 * The answers an engine's host side gives for a run its worker (process or thread) could not
 * answer, shared by both engines so blame is assigned the same way everywhere:
 * - the run whose own deadline passed while its worker stopped answering wedged it: a timeout
 *   (the agent's doing, scored like any timeout — an "infra" here would let an agent escape a
 *   reward by wedging its sandbox on purpose);
 * - every other run lost with the worker: infra (never the agent's fault; trainers mask it); a run
 *   that was executing when its worker died on its own is marked `suspect`, and the sandbox
 *   session re-runs it in quarantine to tell a crash it caused from one it suffered.
 */
import type { RawCellResult } from "./contract.ts";

export const WEDGED_TIMEOUT_MESSAGE =
  "the sandbox stopped answering past the time limit and was replaced; the state of earlier cells is lost";

export function infraResult(message: string, wallMs: number, suspect = false): RawCellResult {
  return {
    status: "infra",
    error: { name: "InfraError", message },
    reports: [],
    usage: { wallMs, cpuMs: 0, heapBytes: 0 },
    stateLost: true,
    ...(suspect ? { suspect: true } : {}),
  };
}

export function wedgedResult(wallMs: number): RawCellResult {
  return {
    status: "timeout",
    error: { name: "TimeoutError", message: WEDGED_TIMEOUT_MESSAGE },
    reports: [],
    // The worker's CPU clock died with it.
    usage: { wallMs, cpuMs: 0, heapBytes: 0 },
    stateLost: true,
  };
}
