/**
 * Compiles: does the cell parse (and, for TS, strip) under the sandbox's own transpiler? When the
 * observation comes from the sandbox running this cell, the sandbox already answered (a `syntax`
 * error, or it ran), and that verdict is reused: no second esbuild pass per step. Otherwise
 * (an observation made elsewhere, or one that stopped before compiling) esbuild decides.
 */
import { z } from "zod";
import { parseStrict } from "./parse-options.ts";
import { Rubric } from "./rubric.ts";
import type { JsonObject, RubricAction, RubricObservation } from "./types.ts";

const compilesSchema = z.strictObject({ nonCodeScore: z.number().finite().default(0) });

/**
 * 1 when esbuild can transform `action.code` with the loader of `action.language` (default
 * "js"), else 0. Top-level await is accepted (cells may use it). Actions without code (tool calls,
 * tool discovery) score `nonCodeScore` (default 0).
 */
export class Compiles extends Rubric {
  nonCodeScore: number;
  /** esbuild's first error message of the last failing check (for logs). */
  lastError: string | undefined = undefined;

  constructor(options: { nonCodeScore?: number } = {}) {
    super();
    this.nonCodeScore = parseStrict(compilesSchema, options, "Compiles options").nonCodeScore;
  }

  async forward(action: RubricAction, observation: RubricObservation): Promise<number> {
    this.lastError = undefined;
    if (typeof action.code !== "string") return this.nonCodeScore;
    const verdict = sandboxVerdict(observation);
    if (verdict !== undefined) {
      if (verdict === 0) this.lastError = (observation.error as { message?: string }).message;
      return verdict;
    }
    // esbuild (and its child process) loads on first use, so importing codeact-env/rewards stays light.
    const { transform } = await import("esbuild");
    try {
      await transform(action.code, { loader: action.language === "ts" ? "ts" : "js", logLevel: "silent" });
      return 1;
    } catch (error) {
      // esbuild reports syntax errors as a rejection carrying `errors`; anything else is a real failure.
      if (!isEsbuildFailure(error)) throw error;
      this.lastError = error.errors[0]?.text;
      return 0;
    }
  }

  protected override ownState(): JsonObject {
    return { nonCodeScore: this.nonCodeScore };
  }

  protected override loadOwnState(state: JsonObject): void {
    this.nonCodeScore = parseStrict(compilesSchema.required(), state, "Compiles state").nonCodeScore;
  }
}

/** Error kinds a sandbox reports only after it compiled the cell. */
const COMPILED_KINDS = new Set(["runtime", "timeout", "memory", "output_limit", "stack_overflow", "crash"]);

/**
 * 1 or 0 when the observation is the sandbox's result of running this cell (it has the sandbox's
 * `exit_code` and `usage`) and says whether the cell compiled; undefined when it cannot tell
 * (no sandbox result, or the cell stopped before compiling: too big, infrastructure).
 */
function sandboxVerdict(observation: RubricObservation): 0 | 1 | undefined {
  if (typeof observation.exit_code !== "number" || observation.usage === undefined) return undefined;
  const error = observation.error;
  if (error === undefined || error === null) return 1;
  if (!("kind" in error)) return undefined;
  if (error.kind === "syntax") return 0;
  return COMPILED_KINDS.has(error.kind) ? 1 : undefined;
}

function isEsbuildFailure(error: unknown): error is { errors: Array<{ text: string }> } {
  return typeof error === "object" && error !== null && Array.isArray((error as { errors?: unknown }).errors);
}
