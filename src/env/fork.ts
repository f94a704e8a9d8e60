/**
 * Fork: N new episodes equal to the parent at this moment (sandbox, tools' state, step count,
 * rubric state, random and clock state), built by replaying the parent's action log into fresh
 * sessions (action-log.ts). Nothing cheaper is exact here: a V8 isolate's heap cannot be copied,
 * but a session is deterministic, so replaying its cells and tool calls rebuilds it bit for bit
 * (each replayed result is checked against the parent's fingerprint).
 */

import { CodeActError } from "../../errors/index.ts";
import type { ExecResult, Sandbox } from "../../sandbox/index.ts";
import { type LoggedCell, replayActionLog } from "./action-log.ts";
import { Episode } from "./episode.ts";
import type { RubricFactory } from "./scoring.ts";
import type { ToolCallOutcome, ToolContext } from "./tool-registry.ts";

/** Upper bound of children per fork request (each holds a sandbox). */
export const MAX_FORK_COUNT = 256;

export function validateForkCount(count: unknown): number {
  if (typeof count !== "number" || !Number.isInteger(count) || count < 1 || count > MAX_FORK_COUNT) {
    throw new CodeActError(
      "INVALID_ARGUMENT",
      `fork count must be an integer from 1 to ${MAX_FORK_COUNT} (got ${JSON.stringify(count) ?? String(count)})`,
      { details: { errors: [{ type: "int_range", loc: ["n"], msg: `1..${MAX_FORK_COUNT}`, input: count }] } },
    );
  }
  return count;
}

/** Throws a clear error when `parent` cannot be forked (none yet, done, or not replayable). */
export function checkForkable(parent: Episode | null): asserts parent is Episode {
  if (parent === null) throw new CodeActError("NOT_RESET", "Cannot fork: no episode yet (call reset first)");
  if (parent.done) {
    throw new CodeActError(
      "EPISODE_DONE",
      `Cannot fork episode ${parent.id}: it is done (${parent.doneReason})`,
    );
  }
  if (parent.notReplayable !== undefined) {
    throw new CodeActError(
      "INVALID_ARGUMENT",
      `Cannot fork episode ${parent.id}: ${parent.notReplayable}, so replaying its actions would not rebuild it exactly`,
      { details: { reason: "not_replayable" } },
    );
  }
}

/** Why a cell's result makes its episode impossible to replay exactly, if it does. */
export function cellReplayProblem(result: ExecResult, actionNumber: number): string | undefined {
  const kind = result.error?.kind;
  if (kind === "infra") return `action ${actionNumber} (a cell) hit an infrastructure failure`;
  if (kind === "memory" || result.state_lost === true)
    return `action ${actionNumber} (a cell) hit the memory limit and the sandbox's state was lost`;
  if (kind === "timeout")
    return `action ${actionNumber} (a cell) timed out (how far a cell got is a matter of wall-clock time)`;
  return undefined;
}

export function toolReplayProblem(outcome: ToolCallOutcome, actionNumber: number): string | undefined {
  if (!outcome.ok && outcome.error.error_type === "timeout")
    return `action ${actionNumber} (a call of a tool) timed out (the tool may have changed state after)`;
  return undefined;
}

export interface ForkDeps {
  rubricFactory: RubricFactory;
  createSandbox(episode: Episode): Promise<Sandbox>;
  toolContext(episode: Episode): ToolContext;
  callTool(name: string, args: Record<string, unknown>, context: ToolContext): Promise<ToolCallOutcome>;
}

/** One child: a new episode (new id) rebuilt from `parent`'s log. Disposes its sandbox on failure. */
export async function forkEpisode(parent: Episode, deps: ForkDeps): Promise<Episode> {
  const rubric = deps.rubricFactory(parent.task);
  rubric.loadStateDict(structuredClone(parent.rubric.stateDict()));
  const child = new Episode({
    task: parent.task,
    seed: parent.seed,
    maxSteps: parent.maxSteps,
    rubric,
    typecheck: parent.typecheck,
  });
  child.forkedFrom = parent.id;
  child.sandbox = await deps.createSandbox(child);
  const sandbox = child.sandbox;
  const context = deps.toolContext(child);
  try {
    await replayActionLog(parent.actions, {
      runCell: (cell: LoggedCell) =>
        sandbox.run(cell.code, {
          language: cell.language,
          ...(cell.timeoutMs === undefined ? {} : { limits: { timeoutMs: cell.timeoutMs } }),
        }),
      callTool: (name, args) => deps.callTool(name, args, context),
    });
  } catch (error) {
    await child.disposeSandbox();
    throw error;
  }
  child.actions.push(...parent.actions);
  child.stepCount = parent.stepCount;
  child.budgetSteps = parent.budgetSteps;
  child.lastExitCode = parent.lastExitCode;
  child.lastTests = parent.lastTests === undefined ? undefined : structuredClone(parent.lastTests);
  child.pendingSubmit = undefined;
  return child;
}

/**
 * `count` children of `parent` (validated, forkable), built concurrently; if any fails, the others'
 * sandboxes are disposed and the first failure is thrown.
 */
export async function forkEpisodes(
  parent: Episode | null,
  count: number,
  deps: ForkDeps,
): Promise<Episode[]> {
  validateForkCount(count);
  checkForkable(parent);
  const built = await Promise.allSettled(Array.from({ length: count }, () => forkEpisode(parent, deps)));
  const failed = built.find((r) => r.status === "rejected");
  if (failed !== undefined) {
    await Promise.all(built.map((r) => (r.status === "fulfilled" ? r.value.disposeSandbox() : undefined)));
    throw failed.reason;
  }
  return built.map((r) => (r as PromiseFulfilledResult<Episode>).value);
}
