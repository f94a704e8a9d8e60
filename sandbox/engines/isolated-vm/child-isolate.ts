/**
 * Child side: building isolates. A "blank" is an isolate whose context has evaluated the prelude
 * (the costly part, done once per isolate, ahead of time for spares); installing it with a
 * session's PreludeConfig is one cheap call made when a session checks the blank out.
 */
import ivm from "isolated-vm";

/** Host side of the in-sandbox bridge. Both must return quickly and never throw host messages. */
export interface BridgeTarget {
  callTool(name: string, argsJson: string): number;
  report(kind: string, data: string): void;
}

export interface Blank {
  isolate: ivm.Isolate;
  context: ivm.Context;
  install: ivm.Reference;
}

/** An installed isolate: the runner's methods, bound to the runner, are the only handles kept. */
export interface Installed {
  isolate: ivm.Isolate;
  context: ivm.Context;
  begin: ivm.Reference;
  poll: ivm.Reference;
  resolveTool: ivm.Reference;
  finish: ivm.Reference;
}

const PRELUDE_TIMEOUT_MS = 5_000;
const PRELUDE_FILENAME = "codeact-prelude.js";
const INSTALL_TIMEOUT_MS = 2_000;
/** Compiled with the prelude (ahead of checkout): install with the config, bind the methods. */
const INSTALL_WRAPPER = `
const install = $0;
return (callTool, report, configJson) => {
const runner = install({ callTool, report }, configJson);
if (typeof runner !== "object" || runner === null) throw new TypeError("prelude install must return the runner");
return ["begin", "poll", "resolveTool", "finish"].map((name) => {
  const method = runner[name];
  if (typeof method !== "function") throw new TypeError("runner." + name + " is not a function");
  return method.bind(runner);
});
};`;

function onCatastrophicError(): void {
  // ivm's documented advice: the process is no longer trustworthy. The parent sees the exit,
  // answers the affected runs with "infra" and replaces this process.
  process.kill(process.pid, "SIGKILL");
}

/** `warm`: pre-compile the prelude (worth it for spares, not for a create that is waiting). */
export async function createBlank(
  preludeSource: string,
  memoryLimitMb: number,
  warm: boolean,
): Promise<Blank> {
  const isolate = new ivm.Isolate({ memoryLimit: memoryLimitMb, onCatastrophicError });
  try {
    if (warm) await warmUp(isolate, preludeSource);
    const context = await isolate.createContext();
    const prelude = await context.eval(preludeSource, {
      filename: PRELUDE_FILENAME,
      reference: true,
      timeout: PRELUDE_TIMEOUT_MS,
    });
    if (prelude.typeof !== "function") {
      throw new Error(`prelude must evaluate to a function, got ${prelude.typeof}`);
    }
    const install = (await context.evalClosure(INSTALL_WRAPPER, [prelude.derefInto()], {
      result: { reference: true },
      timeout: PRELUDE_TIMEOUT_MS,
    })) as ivm.Reference;
    prelude.release();
    return { isolate, context, install };
  } catch (error) {
    disposeIsolate(isolate);
    throw error;
  }
}

const WARMUP_CONFIG = JSON.stringify({
  seed: 0,
  realTime: false,
  startTimeMs: 0,
  toolNames: ["warmup"],
  grading: true,
});

/**
 * V8 compiles functions on their first call and keeps the bytecode per isolate (shared by its
 * contexts), so installing once in a scratch context moves most of the prelude's compile cost
 * from checkout (measured ~2.2 ms -> ~0.5 ms for the real prelude) to spare creation.
 */
async function warmUp(isolate: ivm.Isolate, preludeSource: string): Promise<void> {
  const scratch = await isolate.createContext();
  try {
    // Same origin as the real evaluation below, or V8's compilation cache does not match it.
    const install = await scratch.eval(preludeSource, {
      filename: PRELUDE_FILENAME,
      reference: true,
      timeout: PRELUDE_TIMEOUT_MS,
    });
    await scratch.evalClosure(
      "$0({ callTool: () => 0, report: () => {} }, $1);",
      [install.derefInto(), WARMUP_CONFIG],
      {
        timeout: PRELUDE_TIMEOUT_MS,
      },
    );
    install.release();
  } catch {
    // Only an optimization: a prelude that rejects the dummy config is compiled at checkout.
  } finally {
    scratch.release();
  }
}

function bridgeCallbacks(target: BridgeTarget): [ivm.Callback, ivm.Callback] {
  // Messages thrown here reach sandboxed code verbatim, so they are fixed strings.
  const callTool = new ivm.Callback((name: unknown, argsJson: unknown) => {
    if (typeof name !== "string" || typeof argsJson !== "string") {
      throw new TypeError("callTool(name, argsJson) takes two strings");
    }
    return target.callTool(name, argsJson);
  });
  const report = new ivm.Callback((kind: unknown, data: unknown) => {
    if (typeof kind !== "string" || typeof data !== "string") {
      throw new TypeError("report(kind, data) takes two strings");
    }
    target.report(kind, data);
  });
  return [callTool, report];
}

/** Calls the prelude's install(bridge, configJson) and keeps only the runner's bound methods. */
export function installBlank(blank: Blank, configJson: string, target: BridgeTarget): Installed {
  const { isolate, context } = blank;
  try {
    const [callTool, report] = bridgeCallbacks(target);
    const methods = blank.install.applySync(undefined, [callTool, report, configJson], {
      result: { reference: true },
      timeout: INSTALL_TIMEOUT_MS,
    }) as ivm.Reference<ivm.Reference[]>;
    blank.install.release();
    const [begin, poll, resolveTool, finish] = [0, 1, 2, 3].map(
      (i) => methods.getSync(i, { reference: true }) as ivm.Reference,
    ) as [ivm.Reference, ivm.Reference, ivm.Reference, ivm.Reference];
    methods.release();
    return { isolate, context, begin, poll, resolveTool, finish };
  } catch (error) {
    disposeIsolate(isolate);
    throw error;
  }
}

export function disposeIsolate(isolate: ivm.Isolate): void {
  if (isolate.isDisposed) return;
  try {
    isolate.dispose();
  } catch {
    // Already disposed by ivm (memory limit) between the check and the call.
  }
}
