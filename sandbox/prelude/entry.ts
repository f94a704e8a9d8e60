/**
 * The bundle entry: install(bridge, configJson) sets up the sandbox's globals and returns the
 * runner. Nothing of the bridge or of install stays reachable from the global object.
 */
import type { PreludeConfig } from "../engines/contract.ts";
import { installIntl } from "./intl/install.ts";
import { A, type Any, apply, ErrorCtor, globalObject, J, O, ownKeys } from "./intrinsics.ts";
import { createExpect, setOverridable } from "./jest/expect.ts";
import { createHarnessGlobals, registry } from "./jest/harness.ts";
import { fn, forEachMock, spyOn } from "./jest/mock.ts";
import { hardenIntrinsics, lockdown } from "./lockdown.ts";
import { createAssert } from "./node/assert.ts";
import { configureClock, prepareClock } from "./node/clock.ts";
import { installConsole } from "./node/console.ts";
import { installSort } from "./node/sort.ts";
import { timerGlobals } from "./node/timers.ts";
import { createRunner } from "./runner.ts";
import { learnPreludeFile } from "./stack.ts";
import { makeTool } from "./tool-calls.ts";

const REMOVED = [
  "WebAssembly",
  "SharedArrayBuffer",
  "Atomics",
  "std",
  "os",
  "process",
  "fetch",
  "setInterval",
  "clearInterval",
  "require",
  "module",
  "exports",
  "Deno",
  "Bun",
];

function define(name: string, value: unknown, locked: boolean): void {
  O.defineProperty(globalObject, name, {
    value,
    writable: !locked,
    enumerable: false,
    configurable: !locked,
  });
}

function parseConfig(json: string): PreludeConfig {
  const c = J.parse(json) as Partial<PreludeConfig>;
  const bad = (f: string) => new ErrorCtor(`prelude install: config.${f} is missing or of the wrong type`);
  if (typeof c.seed !== "number") throw bad("seed");
  if (typeof c.realTime !== "boolean") throw bad("realTime");
  if (typeof c.startTimeMs !== "number") throw bad("startTimeMs");
  if (!A.isArray(c.toolNames)) throw bad("toolNames");
  if (typeof c.grading !== "boolean") throw bad("grading");
  return c as PreludeConfig;
}

function makeJest(): Any {
  const noop = () => jest;
  const jest: Any = {
    fn,
    spyOn,
    clearAllMocks: () => {
      forEachMock("mockClear");
      return jest;
    },
    resetAllMocks: () => {
      forEachMock("mockReset");
      return jest;
    },
    restoreAllMocks: () => {
      forEachMock("mockRestore");
      return jest;
    },
    setTimeout: noop,
    useFakeTimers: noop,
    useRealTimers: noop,
    isMockFunction: (f: Any) => typeof f === "function" && f._isMockFunction === true,
  };
  return jest;
}

function makeRequire(assert: Any): (name: unknown) => unknown {
  return function require(name: unknown): unknown {
    if (name === "assert" || name === "node:assert") return assert;
    if (name === "assert/strict" || name === "node:assert/strict") return assert.strict;
    const err: Any = new ErrorCtor(
      `Cannot find module '${String(name)}' (only 'assert' is available in the sandbox)`,
    );
    err.code = "MODULE_NOT_FOUND";
    throw err;
  };
}

function removeHostTraces(values: unknown[]): void {
  const keys = ownKeys(globalObject);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as PropertyKey;
    const d = O.getOwnPropertyDescriptor(globalObject, k);
    if (d && "value" in d && A.indexOf(values, d.value) !== -1) delete globalObject[k];
  }
  for (let i = 0; i < REMOVED.length; i++) delete globalObject[REMOVED[i] as string];
}

export function install(bridge: Any, configJson: string): Record<string, unknown> {
  // Here, not in harden: the frames it learns as internal are those below install at run time.
  learnPreludeFile();
  const config = parseConfig(configJson);
  const callTool = bridge.callTool as (name: string, args: string) => number;
  const report = bridge.report as (kind: string, data: string) => void;
  removeHostTraces([bridge, install, callTool, report, harden]);
  prepareRealm();
  configureClock(config);
  installConsole(globalObject);
  for (const name of O.keys(timerGlobals)) define(name, timerGlobals[name], false);
  for (const name of config.toolNames) {
    define(
      name,
      makeTool(name, (n, a) => apply(callTool, bridge, [n, a])),
      config.grading,
    );
  }
  const grading = config.grading;
  // A realm hardened ahead of time already has the (frozen) grading harness.
  const harness = grading && gradingHarness !== undefined ? gradingHarness : buildHarness(grading);
  registry.honourOnly = !grading;
  setOverridable(!grading);
  for (const name of O.keys(harness)) define(name, harness[name], grading);
  // Last, before any agent code: everything shared is frozen and every global binding read-only
  // (console stays the agent's; outside grading so do the harness and tool names, which cells may
  // shadow with their own helpers).
  lockdown(grading ? ["console"] : A.concat(["console"], O.keys(harness), config.toolNames));
  return createRunner({ grading, report: (kind, data) => apply(report, bridge, [kind, data]) });
}

let realmPrepared = false;

/** What every session of a realm gets, whatever its config (the built-ins these replace, the clock). */
function prepareRealm(): void {
  if (realmPrepared) return;
  realmPrepared = true;
  prepareClock();
  // QuickJS only: Intl and V8-ordered sorts.
  installIntl();
  installSort();
}

/** The harness globals (describe, test, expect, assert, require, ...); frozen for grading. */
function buildHarness(grading: boolean): Record<string, unknown> {
  const assert = createAssert(grading);
  const harness: Record<string, unknown> = {
    ...createHarnessGlobals(),
    expect: createExpect(grading),
    jest: makeJest(),
    assert,
    require: makeRequire(assert),
  };
  if (grading) for (const name of O.keys(harness)) deepFreeze(harness[name]);
  return harness;
}

/** The grading harness built by harden(), for the grading sessions of this realm. */
let gradingHarness: Record<string, unknown> | undefined;

/**
 * Ahead of any session (in isolated-vm's V8 startup snapshot of the evaluated prelude, in a spare
 * being prepared): prepares the realm, builds the grading harness and freezes the built-ins and
 * that harness, once, so install only locks down what V8 adds per context and the globals.
 */
export function harden(): void {
  prepareRealm();
  gradingHarness = buildHarness(true);
  const harness = gradingHarness;
  // The timers become globals at install: frozen here, install has a dozen objects fewer to walk.
  const timers = O.keys(timerGlobals).map((name) => timerGlobals[name]);
  hardenIntrinsics(
    A.concat(
      O.keys(harness).map((name) => harness[name]),
      timers,
    ),
  );
}

/** Freezes a harness object and the functions/objects hanging off it (test.each, assert.strict, ...). */
function deepFreeze(v: Any): void {
  if (v === null || (typeof v !== "object" && typeof v !== "function") || O.isFrozen(v)) return;
  O.freeze(v);
  const keys = O.keys(v);
  for (let i = 0; i < keys.length; i++) deepFreeze(v[keys[i] as string]);
}
