/**
 * reset/step/state on one environment, shared by every transport: reset options are filtered the
 * way OpenEnv filters kwargs, each call is timed, logged and counted.
 */
import { CodeActError } from "../../errors/index.ts";
import { typecheckModeSchema } from "../env/index.ts";
import type { Environment, ResetOptions, StepResult } from "../env/types.ts";
import { describeFailure } from "./errors.ts";
import type { Logger } from "./log.ts";
import type { Metrics } from "./metrics.ts";
import type { Profile } from "./wire.ts";

export interface OpsContext {
  readonly profile: Profile;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/** Keeps only the kwargs our reset accepts (OpenEnv drops the rest silently). */
export function resetOptions(data: Readonly<Record<string, unknown>> | undefined): ResetOptions {
  const options: ResetOptions = {};
  if (data === undefined) return options;
  if (data.seed !== undefined && data.seed !== null) {
    if (typeof data.seed !== "number" || !Number.isSafeInteger(data.seed) || data.seed < 0) {
      const errors = [
        { type: "int_type", loc: ["seed"], msg: "Input should be an integer >= 0", input: data.seed },
      ];
      throw new CodeActError("INVALID_ARGUMENT", "Invalid reset seed", { details: { errors } });
    }
    options.seed = data.seed;
  }
  if (typeof data.episode_id === "string") options.episode_id = data.episode_id;
  if (typeof data.task_id === "string") options.task_id = data.task_id;
  if (data.typecheck !== undefined && data.typecheck !== null) {
    const mode = typecheckModeSchema.safeParse(data.typecheck);
    if (!mode.success) {
      const errors = [
        {
          type: "enum",
          loc: ["typecheck"],
          msg: "Input should be 'off', 'report' or 'enforce'",
          input: data.typecheck,
        },
      ];
      throw new CodeActError("INVALID_ARGUMENT", "Invalid reset typecheck", { details: { errors } });
    }
    options.typecheck = mode.data;
  }
  return options;
}

export function actionKind(action: unknown): string {
  if (typeof action === "object" && action !== null && "type" in action) {
    const type = (action as { type: unknown }).type;
    if (type === "call_tool" || type === "list_tools") return type;
    return "invalid";
  }
  if (typeof action === "object" && action !== null && "tool_name" in action && !("code" in action))
    return "call_tool";
  return "code";
}

export async function runReset(
  ctx: OpsContext,
  env: Environment,
  data: Readonly<Record<string, unknown>> | undefined,
  where: Record<string, unknown>,
): Promise<StepResult> {
  return timed(ctx, "reset", where, () => env.reset(resetOptions(data)));
}

export async function runStep(
  ctx: OpsContext,
  env: Environment,
  action: unknown,
  where: Record<string, unknown>,
): Promise<StepResult> {
  return timed(ctx, actionKind(action), where, () => env.step(action));
}

async function timed(
  ctx: OpsContext,
  kind: string,
  where: Record<string, unknown>,
  fn: () => Promise<StepResult>,
): Promise<StepResult> {
  const started = performance.now();
  try {
    const result = await fn();
    const latencyMs = performance.now() - started;
    const observation = result.observation as unknown as Record<string, unknown>;
    ctx.metrics.step(kind, latencyMs, observation);
    const errorKind = (observation.error as { kind?: string } | null | undefined)?.kind;
    ctx.logger.log("info", kind === "reset" ? "reset" : "step", {
      ...where,
      kind,
      latency_ms: Math.round(latencyMs * 1000) / 1000,
      reward: result.reward,
      done: result.done,
      ...(errorKind === undefined ? {} : { error_kind: errorKind }),
    });
    return result;
  } catch (error) {
    // Counted in metrics by the transport that reports it (once per error reply).
    const failure = describeFailure(error);
    ctx.logger.log(failure.status >= 500 ? "error" : "warn", "step_failed", {
      ...where,
      kind,
      code: failure.wire,
      message: failure.message,
    });
    throw error;
  }
}
