/**
 * Worker side: QuickJS instances. Each session owns a whole WebAssembly instance with a
 * fixed-size memory, so an out-of-memory (after which QuickJS's heap may be corrupt) costs only
 * that session: the instance is dropped, never reused. The .wasm is compiled once per worker;
 * a few spare instances with the prelude already evaluated make session creation cheap.
 *
 * Instances are never torn down with runtime.dispose(): dropping every reference lets the GC
 * reclaim the whole WebAssembly instance and its memory at once (measured: RSS stays flat over
 * hundreds of sessions), and QuickJS's JS_FreeRuntime aborts on objects leaked by an interrupted
 * cell. Handles are still disposed while an instance is in use.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import variantImport from "@jitl/quickjs-wasmfile-release-sync";
import {
  newQuickJSWASMModuleFromVariant,
  newVariant,
  type QuickJSContext,
  type QuickJSHandle,
  type QuickJSRuntime,
  type QuickJSSyncVariant,
} from "quickjs-emscripten-core";
import type { PreludeConfig } from "../../contract.ts";
import { INITIAL_PAGES, maxMemoryPages } from "../protocol.ts";
import { Budget } from "./budget.ts";

const PRELUDE_BUDGET_MS = 5_000;
const SPARES_PER_KEY = 4;
/** A spare waits while the worker is busy... */
const BUSY_POLL_MS = 2;
/** ...unless spares have been wanted this long (a busy worker must not run out for good). */
const MAX_DEFER_MS = 100;
const MAX_SPARE_KEYS = 2;

// The package's typings describe its CommonJS build (default = module.exports); Node's ESM
// resolution loads its .mjs build, whose default export is the variant itself.
const imported = variantImport as unknown as QuickJSSyncVariant & { default?: QuickJSSyncVariant };
const baseVariant: QuickJSSyncVariant = imported.default ?? imported;

let compiled: WebAssembly.Module | undefined;

function wasmModule(): WebAssembly.Module {
  if (compiled === undefined) {
    const url = import.meta.resolve("@jitl/quickjs-wasmfile-release-sync/wasm");
    compiled = new WebAssembly.Module(readFileSync(fileURLToPath(url)));
  }
  return compiled;
}

/** Host side of the bridge the prelude receives. */
export interface BridgeHooks {
  callTool(name: string, argsJson: string): number;
  report(kind: string, data: string): void;
}

/** An instance whose prelude script has been evaluated but not yet installed. */
export interface PreparedInstance {
  readonly key: string;
  readonly runtime: QuickJSRuntime;
  readonly context: QuickJSContext;
  readonly memory: WebAssembly.Memory;
  readonly maxBytes: number;
  readonly budget: Budget;
  install: QuickJSHandle;
}

/** An instance with the prelude installed: the runner and its methods. */
export interface LiveInstance extends Omit<PreparedInstance, "install"> {
  readonly runner: QuickJSHandle;
  readonly fns: Readonly<Record<"begin" | "poll" | "resolveTool" | "finish", QuickJSHandle>>;
}

function describe(context: QuickJSContext, error: QuickJSHandle): string {
  try {
    const value = context.dump(error) as { name?: unknown; message?: unknown } | undefined;
    return `${String(value?.name)}: ${String(value?.message)}`;
  } catch {
    return "unreadable error";
  } finally {
    error.dispose();
  }
}

async function prepare(key: string, prelude: string, memoryLimitBytes: number) {
  const pages = maxMemoryPages(memoryLimitBytes);
  const memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: pages });
  const variant = newVariant(baseVariant, { wasmModule: wasmModule(), wasmMemory: memory });
  const quickjs = await newQuickJSWASMModuleFromVariant(variant);
  const runtime = quickjs.newRuntime();
  runtime.setMemoryLimit(memoryLimitBytes);
  const budget = new Budget();
  runtime.setInterruptHandler(() => budget.interrupted());
  const context = runtime.newContext();
  budget.start(PRELUDE_BUDGET_MS, PRELUDE_BUDGET_MS);
  const result = context.evalCode(prelude, "prelude.js", { type: "global" });
  budget.stop();
  if (result.error) throw new Error(`prelude failed: ${describe(context, result.error)}`);
  const install = result.value;
  if (context.typeof(install) !== "function") {
    install.dispose();
    throw new Error("prelude did not evaluate to an install function");
  }
  hardenRealm(context, install, budget);
  const maxBytes = pages * 65_536;
  return { key, runtime, context, memory, maxBytes, budget, install } satisfies PreparedInstance;
}

/**
 * Runs the prelude's install.harden() (entry.ts): the realm's built-ins frozen while the spare is
 * prepared, off a session's path, so install only locks down the harness and the globals.
 */
function hardenRealm(context: QuickJSContext, install: QuickJSHandle, budget: Budget): void {
  const harden = context.getProp(install, "harden");
  try {
    if (context.typeof(harden) !== "function") return;
    budget.start(PRELUDE_BUDGET_MS, PRELUDE_BUDGET_MS);
    const result = context.callFunction(harden, context.undefined);
    budget.stop();
    if (result.error) throw new Error(`prelude harden failed: ${describe(context, result.error)}`);
    result.value.dispose();
  } finally {
    harden.dispose();
  }
}

function newBridge(context: QuickJSContext, hooks: BridgeHooks): QuickJSHandle {
  const bridge = context.newObject();
  const callTool = context.newFunction("callTool", (name, args) => {
    const id = hooks.callTool(context.getString(name), context.getString(args));
    return context.newNumber(id);
  });
  const report = context.newFunction("report", (kind, data) => {
    hooks.report(context.getString(kind), context.getString(data));
  });
  context.setProp(bridge, "callTool", callTool);
  context.setProp(bridge, "report", report);
  callTool.dispose();
  report.dispose();
  return bridge;
}

/** Calls the prelude's install(bridge, configJson); consumes `prepared`. */
export function installPrelude(
  prepared: PreparedInstance,
  config: PreludeConfig,
  hooks: BridgeHooks,
): LiveInstance {
  const { install, ...base } = prepared;
  const { context, budget } = base;
  const bridge = newBridge(context, hooks);
  const configJson = context.newString(JSON.stringify(config));
  budget.start(PRELUDE_BUDGET_MS, PRELUDE_BUDGET_MS);
  const result = context.callFunction(install, context.undefined, bridge, configJson);
  budget.stop();
  bridge.dispose();
  configJson.dispose();
  install.dispose();
  if (result.error) throw new Error(`prelude install failed: ${describe(context, result.error)}`);
  const runner = result.value;
  const names = ["begin", "poll", "resolveTool", "finish"] as const;
  const fns = Object.fromEntries(names.map((n) => [n, context.getProp(runner, n)]));
  return { ...base, runner, fns: fns as LiveInstance["fns"] };
}

interface SparePool {
  readonly prelude: string;
  readonly memoryLimitBytes: number;
  readonly items: PreparedInstance[];
  /** Preparing failed: stop refilling (takeInstance fails visibly instead). */
  failed: boolean;
}

const spares = new Map<string, SparePool>();
let refillTimer: NodeJS.Timeout | undefined;
/** When a spare was first wanted and not yet made; undefined while every pool is full. */
let wantedSince: number | undefined;
let isBusy: () => boolean = () => false;

/**
 * Preparing a spare evaluates the whole prelude (10-30 ms of blocking work), so it waits while the
 * worker is busy: refilling right after a session was created would delay that session's first
 * cell instead. The worker says what busy means (cells running, a new session's first cell due).
 */
export function setBusyCheck(check: () => boolean): void {
  isBusy = check;
}

function scheduleRefill(delayMs: number): void {
  refillTimer ??= setTimeout(refillOne, delayMs);
  // Spares are a cache: they never keep the worker alive on their own.
  refillTimer.unref();
}

/** Prepares one spare for the first pool short of them, when the worker has been quiet. */
async function refillOne(): Promise<void> {
  refillTimer = undefined;
  const now = performance.now();
  wantedSince ??= now;
  if (now - wantedSince < MAX_DEFER_MS && isBusy()) {
    scheduleRefill(BUSY_POLL_MS);
    return;
  }
  wantedSince = undefined;
  for (const [key, pool] of spares) {
    if (pool.failed || pool.items.length >= SPARES_PER_KEY) continue;
    try {
      const prepared = await prepare(key, pool.prelude, pool.memoryLimitBytes);
      if (spares.get(key) === pool) pool.items.push(prepared);
    } catch {
      pool.failed = true;
    }
    scheduleRefill(0);
    return;
  }
}

/** A prepared instance for this prelude and memory limit: a spare if one is ready. */
export async function takeInstance(prelude: string, memoryLimitBytes: number): Promise<PreparedInstance> {
  const key = `${memoryLimitBytes}:${prelude}`;
  let pool = spares.get(key);
  if (pool === undefined) {
    pool = { prelude, memoryLimitBytes, items: [], failed: false };
    spares.set(key, pool);
    for (const old of spares.keys()) {
      if (spares.size <= MAX_SPARE_KEYS) break;
      spares.delete(old);
    }
  }
  const spare = pool.items.pop();
  scheduleRefill(0);
  return spare ?? (await prepare(key, prelude, memoryLimitBytes));
}
