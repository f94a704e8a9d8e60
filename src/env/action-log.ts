/**
 * The episode's action log and its replay: the ONE place that replays what an agent did (cells
 * and direct tool calls, in order) into a fresh sandbox and fresh tool state. `fork` uses it to
 * rebuild a parent's episode in each child; grading can use it to rebuild the agent's program.
 *
 * Replay is exact because a session is deterministic: Math.random is seeded, the clock is virtual
 * (it moves only with virtual timers and readings), and tools see only the state earlier actions
 * made. Each entry keeps a fingerprint of what it produced, so a replay that comes out different
 * (a custom tool that reads the real world, say) is reported instead of silently diverging.
 */
import { createHash } from "node:crypto";
import { CodeActError } from "../../errors/index.ts";
import type { ErrorKind, ExecResult, Language, ProgramStep } from "../../sandbox/index.ts";
import type { ToolCallOutcome } from "./tool-registry.ts";

export interface LoggedCell {
  kind: "cell";
  code: string;
  language: Language;
  timeoutMs?: number;
  /** Why the cell failed, when it did. */
  errorKind?: ErrorKind;
  /** Fingerprint of the cell's result (output, value, error), never of its timings. */
  fingerprint: string;
}

export interface LoggedToolCall {
  kind: "tool";
  name: string;
  arguments: Record<string, unknown>;
  fingerprint: string;
}

export type LoggedAction = LoggedCell | LoggedToolCall;

/** Where a replay runs: a fresh sandbox and the fresh tool state of the episode being rebuilt. */
export interface ReplayTarget {
  runCell(cell: LoggedCell): Promise<ExecResult>;
  callTool(name: string, args: Record<string, unknown>): Promise<ToolCallOutcome>;
}

export function cellFingerprint(result: ExecResult): string {
  const e = result.error;
  return digest([
    result.exit_code,
    result.stdout,
    result.stderr,
    result.value ?? null,
    e ? [e.kind, e.name, e.message] : null,
  ]);
}

export function toolFingerprint(outcome: ToolCallOutcome): string {
  return digest(outcome.ok ? [true, outcome.value] : [false, outcome.error]);
}

function digest(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("base64url");
}

export function logCell(
  code: string,
  language: Language,
  result: ExecResult,
  timeoutMs?: number,
): LoggedCell {
  return {
    kind: "cell",
    code,
    language,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    ...(result.error === undefined ? {} : { errorKind: result.error.kind }),
    fingerprint: cellFingerprint(result),
  };
}

export function logToolCall(
  name: string,
  args: Record<string, unknown>,
  outcome: ToolCallOutcome,
): LoggedToolCall {
  return { kind: "tool", name, arguments: structuredClone(args), fingerprint: toolFingerprint(outcome) };
}

/**
 * Replays `log` in order into `target`. With `verify` (the default) every entry must produce the
 * fingerprint it had the first time; the first that does not throws ENGINE_FAILURE naming it.
 */
export async function replayActionLog(
  log: readonly LoggedAction[],
  target: ReplayTarget,
  options: { verify?: boolean } = {},
): Promise<void> {
  const verify = options.verify !== false;
  for (let i = 0; i < log.length; i++) {
    const entry = log[i] as LoggedAction;
    const fingerprint =
      entry.kind === "cell"
        ? cellFingerprint(await target.runCell(entry))
        : toolFingerprint(await target.callTool(entry.name, structuredClone(entry.arguments)));
    if (verify && fingerprint !== entry.fingerprint) {
      const what = entry.kind === "cell" ? "cell" : `call of tool '${entry.name}'`;
      throw new CodeActError(
        "ENGINE_FAILURE",
        `Replay diverged at action ${i + 1} of ${log.length} (a ${what}): it produced a different result than the first time, so the episode cannot be rebuilt exactly (a tool that reads outside state?)`,
        { details: { action_index: i } },
      );
    }
  }
}

/** Failures after which what a cell left behind depends on timing or was lost: not replayed. */
const UNREPLAYED: ReadonlySet<ErrorKind | undefined> = new Set<ErrorKind | undefined>([
  "timeout",
  "memory",
  "infra",
  "crash",
]);

/**
 * The program grading replays for an episode: every direct tool call and every cell, in order,
 * so the tests see the state the agent saw (a file written by a tool call, then read by a cell).
 * Cells that failed are replayed for their effects and may fail again; cells stopped by a limit
 * or lost with their sandbox are left out.
 */
export function gradingProgram(log: readonly LoggedAction[]): ProgramStep[] {
  const steps: ProgramStep[] = [];
  for (const entry of log) {
    if (entry.kind === "tool") steps.push({ tool: entry.name, args: structuredClone(entry.arguments) });
    else if (entry.errorKind === undefined) steps.push({ code: entry.code, language: entry.language });
    else if (!UNREPLAYED.has(entry.errorKind))
      steps.push({ code: entry.code, language: entry.language, mayFail: true });
  }
  return steps;
}
