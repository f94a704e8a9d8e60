/**
 * Child side: building isolates. A "blank" is an isolate whose context has evaluated the prelude
 * (the costly part, done once per isolate, ahead of time for spares); installing it with a
 * session's PreludeConfig is one cheap call, made when a session checks the blank out or, for
 * the most recent config, ahead of time too (see child-spares.ts).
 */
import ivm from "isolated-vm";

/** Host side of the in-sandbox bridge. Both must return quickly and never throw host messages. */
export interface BridgeTarget {
  callTool(name: string, argsJson: string): number;
  report(kind: string, data: string): void;
}

/**
 * The bridge an isolate is installed with. A spare is installed before any session owns it, so
 * the session is attached later; until then no cell runs there and tool calls are refused.
 */
export class BridgeSlot implements BridgeTarget {
  target: BridgeTarget | undefined;

  callTool(name: string, argsJson: string): number {
    if (this.target === undefined) throw new Error("tools can only be called while a cell runs");
    return this.target.callTool(name, argsJson);
  }

  report(kind: string, data: string): void {
    this.target?.report(kind, data);
  }
}

export interface Blank {
  isolate: ivm.Isolate;
  context: ivm.Context;
  install: ivm.Reference;
  /** The warm-up context, held (not released) for the isolate's life: see warmUp. */
  scratch: ivm.Context | undefined;
}

/** An installed isolate: the runner's methods, bound to the runner, are the only handles kept. */
export interface Installed {
  isolate: ivm.Isolate;
  context: ivm.Context;
  begin: ivm.Reference;
  poll: ivm.Reference;
  resolveTool: ivm.Reference;
  finish: ivm.Reference;
  /** poll(), then finish() in the same call when poll says "done"/"stuck" (returns its JSON). */
  pollFinish: ivm.Reference;
  /**
   * pollFinish(notAfterMs), queued right behind begin without waiting for it: runs only when that
   * begin returned normally by the real clock's `notAfterMs`, else answers AFTER_BEGIN_SKIPPED.
   */
  pollFinishAfterBegin: ivm.Reference;
  /**
   * evalBegin(source, cellOptionsJson, filename): begin(indirect eval of source); or NOT_EVALUATED
   * when it did not parse; or EVALUATED_TO + `{"threw":{name,message,stack}}` / `{"type":...}`.
   */
  evalBegin: ivm.Reference;
  bridge: BridgeSlot;
  scratch: ivm.Context | undefined;
  /**
   * Ends the session's use of the isolate. An isolate of its own is disposed; one borrowed from
   * the snapshot pool goes back to it when `reusable` (the session ended cleanly), else is disposed.
   */
  retire(reusable: boolean): void;
}

const PRELUDE_TIMEOUT_MS = 5_000;
export const PRELUDE_FILENAME = "codeact-prelude.js";
const INSTALL_TIMEOUT_MS = 2_000;
/** pollFinishAfterBegin's answer when it did not poll. */
export const AFTER_BEGIN_SKIPPED = "skipped";
/** evalBegin's answer when the source did not parse (nothing ran, nothing began). */
export const NOT_EVALUATED = "not-evaluated";
/** Prefix of evalBegin's answer, then JSON, when the script ran but gave no cell function. */
export const EVALUATED_TO = "evaluated:";
/** Compiled with the prelude (ahead of checkout): install with the config, bind the methods. */
export const INSTALL_WRAPPER = `
const install = $0;
// Taken before install gives Date the session's (possibly virtual) clock.
const realNow = Date.now;
// Called through a variable, eval is indirect: the cell script runs at global scope, as a script.
const evaluate = eval;
const syntaxErrorProto = SyntaxError.prototype;
const getProto = Object.getPrototypeOf;
return (callTool, report, configJson) => {
const runner = install({ callTool, report }, configJson);
if (typeof runner !== "object" || runner === null) throw new TypeError("prelude install must return the runner");
const methods = ["begin", "poll", "resolveTool", "finish"].map((name) => {
  const method = runner[name];
  if (typeof method !== "function") throw new TypeError("runner." + name + " is not a function");
  return method.bind(runner);
});
const poll = methods[1];
const finish = methods[3];
// One hop instead of two for the common end of a cell. "done"/"stuck" poll runs no cell code
// and queues no microtask, so finishing in the same call sees what a separate call would.
const pollFinish = () => {
  const state = poll();
  return state === "done" || state === "stuck" ? finish() : state;
};
// Queued behind begin, this runs after begin's microtasks drained (ivm drains them after every
// call), as a separate poll call would. The engine sizes its timeout before begin ran, so it only
// goes ahead when begin ended normally and promptly: the cell overruns its limit by 2 ms at most.
const begin = methods[0];
let begun = false;
methods[0] = (fn, optionsJson) => {
  begun = false;
  begin(fn, optionsJson);
  begun = true;
};
methods.push(pollFinish, (notAfterMs) => {
  const go = begun && realNow() <= notAfterMs;
  begun = false;
  return go ? pollFinish() : "${AFTER_BEGIN_SKIPPED}";
});
// Evaluates the cell script here and begins it in the same call: no compile on the engine's
// thread and one call fewer. Else it answers why nothing began (see NOT_EVALUATED and
// EVALUATED_TO): a parse error ran nothing, so the engine compiles the script itself to report
// where the error is; a script that ran is never run twice.
methods.push((source, optionsJson, filename) => {
  begun = false;
  let fn;
  try {
    fn = evaluate(source);
  } catch (error) {
    let info;
    try {
      const stack = String(error.stack);
      // A parse error is a SyntaxError naming no frame of the script (only a script that ran has
      // frames, and they name its sourceURL).
      if (getProto(error) === syntaxErrorProto && !stack.includes(filename + ":")) return "${NOT_EVALUATED}";
      // Cut here: a cell may throw a message of many MiB, which must not cross to the host.
      info = { name: String(error.name).slice(0, 256), message: String(error.message).slice(0, 8192), stack: stack.slice(0, 32768) };
    } catch {
      info = { name: "Error", message: "the cell script threw a value that cannot be read" };
    }
    return "${EVALUATED_TO}" + JSON.stringify({ threw: info });
  }
  if (typeof fn !== "function") return "${EVALUATED_TO}" + JSON.stringify({ type: typeof fn });
  methods[0](fn, optionsJson);
});
return methods;
};`;

export function onCatastrophicError(): void {
  // ivm's documented advice: the process is no longer trustworthy. The parent sees the exit,
  // answers the affected runs with "infra" and replaces this process.
  process.kill(process.pid, "SIGKILL");
}

/**
 * V8 code cache of one prelude, shared by every isolate of this process. Produced from an isolate
 * whose prelude already ran install (V8 then has bytecode for the lazily compiled functions too),
 * so a new isolate neither parses the prelude nor compiles install on its first call.
 */
export interface PreludeCache {
  data?: ivm.ExternalCopy<ArrayBuffer>;
}

export interface BlankOptions {
  /** Install once in a scratch context with this config (spares: off the hot path). */
  warmConfig?: string;
  cache: PreludeCache;
}

export async function createBlank(
  source: string,
  memoryLimitMb: number,
  options: BlankOptions,
): Promise<Blank> {
  const isolate = new ivm.Isolate({ memoryLimit: memoryLimitMb, onCatastrophicError });
  try {
    const script = await compilePrelude(isolate, source, options.cache);
    let scratch: ivm.Context | undefined;
    if (options.warmConfig !== undefined) {
      scratch = await warmUp(isolate, script, options.warmConfig);
      if (options.cache.data === undefined) await produceCache(isolate, source, options.cache);
    }
    const context = await isolate.createContext();
    const prelude = await script.run(context, { reference: true, timeout: PRELUDE_TIMEOUT_MS });
    script.release();
    if (prelude.typeof !== "function") {
      throw new Error(`prelude must evaluate to a function, got ${prelude.typeof}`);
    }
    const install = (await context.evalClosure(INSTALL_WRAPPER, [prelude.derefInto()], {
      result: { reference: true },
      timeout: PRELUDE_TIMEOUT_MS,
    })) as ivm.Reference;
    // After the wrapper took the real Date.now: the realm's built-ins are frozen here, ahead of
    // checkout, so install (on a session's path) only locks down the harness and the globals.
    await context.evalClosure('if (typeof $0.harden === "function") $0.harden();', [prelude.derefInto()], {
      timeout: PRELUDE_TIMEOUT_MS,
    });
    prelude.release();
    return { isolate, context, install, scratch };
  } catch (error) {
    disposeIsolate(isolate);
    throw error;
  }
}

/** ivm sets these on the compiled Script (its typings leave them out). */
type CompiledScript = ivm.Script & {
  cachedData?: ivm.ExternalCopy<ArrayBuffer>;
  cachedDataRejected?: boolean;
};

async function compilePrelude(
  isolate: ivm.Isolate,
  source: string,
  cache: PreludeCache,
): Promise<ivm.Script> {
  const cachedData = cache.data;
  if (cachedData === undefined) return isolate.compileScript(source, { filename: PRELUDE_FILENAME });
  const script: CompiledScript = await isolate.compileScript(source, {
    filename: PRELUDE_FILENAME,
    cachedData,
  });
  // V8 rejects a cache of another V8 version or flags: compiled normally, produced again.
  if (script.cachedDataRejected === true && cache.data === cachedData) delete cache.data;
  return script;
}

async function produceCache(isolate: ivm.Isolate, source: string, cache: PreludeCache): Promise<void> {
  // Same source and origin: V8's per-isolate compilation cache returns the script that just ran.
  const script: CompiledScript = await isolate.compileScript(source, {
    filename: PRELUDE_FILENAME,
    produceCachedData: true,
  });
  if (cache.data === undefined && script.cachedData !== undefined) cache.data = script.cachedData;
  script.release();
}

/**
 * V8 compiles functions on their first call and keeps the bytecode per isolate (shared by its
 * contexts), so installing once in a scratch context, and running one cell there through the
 * runner (console, REPL value printing, finish), moves that compile cost from checkout and from
 * the session's first cell to spare creation (and into the code cache).
 *
 * The scratch context is returned to be kept, not released: releasing a context makes V8's next
 * GC a full one, which then lands in the session's first cell (measured: first cell ~0.35 ms
 * kept vs 2-4 ms released). It costs well under 1 MiB of the session's heap, unreachable from
 * the session's own context.
 */
async function warmUp(
  isolate: ivm.Isolate,
  script: ivm.Script,
  configJson: string,
): Promise<ivm.Context | undefined> {
  const scratch = await isolate.createContext();
  const options = { timeout: PRELUDE_TIMEOUT_MS };
  try {
    const install = await script.run(scratch, { reference: true, ...options });
    const runner = (await scratch.evalClosure(
      "return $0({ callTool: () => 0, report: () => {} }, $1);",
      [install.derefInto(), configJson],
      { result: { reference: true }, ...options },
    )) as ivm.Reference;
    install.release();
    // Separate calls, as the engine makes them: microtasks drain between begin and poll.
    await scratch.evalClosure(WARM_CELL, [runner.derefInto(), WARM_CELL_OPTIONS], options);
    await scratch.evalClosure("$0.poll(); $0.finish();", [runner.derefInto()], options);
    runner.release();
    return scratch;
  } catch {
    // Only an optimization: a prelude that rejects the config is compiled at checkout.
    scratch.release();
    return undefined;
  }
}

const WARM_CELL = `$0.begin(async () => {
  console.log("warm", 1, { a: [1, "b"] });
  return { value: { n: 1, s: "x", list: [1, 2], f() {} } };
}, $1);`;
const WARM_CELL_OPTIONS = JSON.stringify({ outputLimitBytes: 4096, filename: "warm-up.js" });

export function bridgeCallbacks(target: BridgeTarget): [ivm.Callback, ivm.Callback] {
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

/**
 * Calls the prelude's install(bridge, configJson) and keeps only the runner's bound methods.
 * `sync` for a create that is waiting (saves a thread hop); spares install on the isolate's
 * thread so this process's main thread keeps serving runs meanwhile.
 */
export async function installBlank(blank: Blank, configJson: string, sync: boolean): Promise<Installed> {
  const { isolate, context } = blank;
  try {
    const bridge = new BridgeSlot();
    const args = [...bridgeCallbacks(bridge), configJson];
    const options = { result: { reference: true }, timeout: INSTALL_TIMEOUT_MS } as const;
    const methods = (
      sync
        ? blank.install.applySync(undefined, args, options)
        : await blank.install.apply(undefined, args, options)
    ) as ivm.Reference<ivm.Reference[]>;
    blank.install.release();
    return withMethods(isolate, context, methods, bridge, blank.scratch, () => disposeIsolate(isolate));
  } catch (error) {
    disposeIsolate(isolate);
    throw error;
  }
}

/**
 * Takes the runner's methods out of the array INSTALL_WRAPPER's installer returned. `retire` is
 * also handed those method handles, for a caller that must release them (a reused isolate).
 */
export function withMethods(
  isolate: ivm.Isolate,
  context: ivm.Context,
  methods: ivm.Reference<ivm.Reference[]>,
  bridge: BridgeSlot,
  scratch: ivm.Context | undefined,
  retire: (reusable: boolean, methodRefs: readonly ivm.Reference[]) => void,
): Installed {
  const refs = [0, 1, 2, 3, 4, 5, 6].map((i) => methods.getSync(i, { reference: true }) as ivm.Reference);
  methods.release();
  const [begin, poll, resolveTool, finish, pollFinish, pollFinishAfterBegin, evalBegin] = refs as [
    ivm.Reference,
    ivm.Reference,
    ivm.Reference,
    ivm.Reference,
    ivm.Reference,
    ivm.Reference,
    ivm.Reference,
  ];
  return {
    isolate,
    context,
    begin,
    poll,
    resolveTool,
    finish,
    pollFinish,
    pollFinishAfterBegin,
    evalBegin,
    bridge,
    scratch,
    retire: (reusable) => retire(reusable, refs),
  };
}

export function disposeIsolate(isolate: ivm.Isolate): void {
  if (isolate.isDisposed) return;
  try {
    isolate.dispose();
  } catch {
    // Already disposed by ivm (memory limit) between the check and the call.
  }
}
