/** Compiles: does the cell parse (and, for TS, strip) under esbuild, the sandbox's own transpiler? */
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

  async forward(action: RubricAction, _observation: RubricObservation): Promise<number> {
    this.lastError = undefined;
    if (typeof action.code !== "string") return this.nonCodeScore;
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

function isEsbuildFailure(error: unknown): error is { errors: Array<{ text: string }> } {
  return typeof error === "object" && error !== null && Array.isArray((error as { errors?: unknown }).errors);
}
