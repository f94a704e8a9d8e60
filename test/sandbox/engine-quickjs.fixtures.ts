/** Fixtures of the QuickJS engine tests: cell requests and host tools. */
import type { CellRequest, ToolCallback } from "../../sandbox/engines/contract.ts";

let cellCount = 0;

/**
 * A cell whose body is `body`, in the shape the rewriter produces: a script evaluating to an async
 * function that resolves to `{ value }` (here: whatever the body returns).
 */
export function cell(body: string, timeoutMs = 10_000): CellRequest {
  const filename = `cell-${++cellCount}.js`;
  return {
    code: `(async () => ({ value: await (async () => {\n${body}\n})() }))`,
    filename,
    timeoutMs,
    // Wall time is what these cells test; a CPU limit as tight would race it on a busy machine.
    cpuTimeMs: timeoutMs * 4,
    cellOptions: { outputLimitBytes: 1_000_000, filename },
  };
}

export interface PendingTool {
  release(): void;
}

/**
 * echo: returns its arguments; fail: always rejects; later: settles only when the test releases
 * it (so nothing is left pending after a test).
 */
export function echoTools(pending: PendingTool[]): ToolCallback {
  return async (name, argsJson) => {
    if (name === "echo") return JSON.stringify({ ok: true, value: JSON.parse(argsJson) });
    if (name === "later") {
      await new Promise<void>((resolve) => pending.push({ release: resolve }));
      return JSON.stringify({ ok: true, value: null });
    }
    return JSON.stringify({ ok: false, message: "tool refused" });
  };
}
