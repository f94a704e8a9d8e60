/** Shared pieces of the isolated-vm engine tests: session configs, cell requests, process probes. */
import type {
  CellRequest,
  EngineSessionConfig,
  PreludeConfig,
  ToolCallback,
} from "../../sandbox/engines/contract.ts";
import { getPrelude } from "../../sandbox/prelude-bundle.ts";

export const MiB = 1024 * 1024;

export function sessionConfig(
  overrides: Partial<PreludeConfig> = {},
  memoryLimitBytes = 64 * MiB,
): EngineSessionConfig {
  return {
    prelude: getPrelude(),
    preludeConfig: {
      seed: 7,
      realTime: false,
      startTimeMs: 0,
      toolNames: ["echo"],
      grading: false,
      ...overrides,
    },
    memoryLimitBytes,
    maxStackBytes: MiB,
  };
}

let cellCounter = 0;

/**
 * A cell whose body is `body`, in the rewriter's output form: a script evaluating to an async
 * function, which returns `{ value }` for the REPL value.
 */
export function cell(body: string, limits: { timeoutMs?: number; cpuTimeMs?: number } = {}): CellRequest {
  const filename = `cell-${++cellCounter}.js`;
  return {
    code: `(async function () {\n${body}\n})`,
    filename,
    timeoutMs: limits.timeoutMs ?? 5_000,
    cpuTimeMs: limits.cpuTimeMs ?? limits.timeoutMs ?? 5_000,
    cellOptions: { outputLimitBytes: MiB, filename },
  };
}

/** echo returns its arguments; `fail` rejects; `{ delayMs }` answers after a delay. */
export const echoTool: ToolCallback = async (name, argsJson) => {
  const args = JSON.parse(argsJson) as { fail?: string; delayMs?: number } | null;
  if (args?.delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, args.delayMs));
  if (args?.fail !== undefined) return JSON.stringify({ ok: false, message: args.fail });
  return JSON.stringify({ ok: true, value: { tool: name, args } });
};

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls until `check` holds (for process exits, which the OS reports asynchronously). */
export async function waitFor(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error("condition not reached in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
