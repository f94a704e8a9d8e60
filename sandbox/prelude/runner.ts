/**
 * The runner the engine drives: begin(fn, optionsJson) / poll() / resolveTool(id, json) / finish().
 * One cell at a time; every callback checks the cell generation so late work from an abandoned
 * (timed-out) cell cannot write into the next cell's result.
 */

import { BOUNDS, boundCases, clip } from "../cell/bounds.ts";
import type { CellOptions, RunnerResult } from "../engines/contract.ts";
import type { TestCaseResult, TestReport } from "../types.ts";
import {
  A,
  type Any,
  apply,
  ErrorCtor,
  isError,
  J,
  O,
  promiseResolve,
  promiseThen,
  S,
  safeGet,
} from "./intrinsics.ts";
import { resetAssertionState } from "./jest/expect.ts";
import { registry, resetRegistry } from "./jest/harness.ts";
import { guard, TestRun } from "./jest/testrun.ts";
import { inspect } from "./node/inspect.ts";
import { clearAllTimers, fireNext, pendingTimers, uncaught } from "./node/timers.ts";
import { output, resetOutput } from "./output.ts";
import { REPORT } from "./reports.ts";
import { cellMark, cleanStack, mapStackText, rawStackOf, registerCell } from "./stack.ts";
import { abandonTools, pendingTools, resetToolCount, resolveTool } from "./tool-calls.ts";

/** Timers a cell fires one per poll, as Node orders them (microtasks drained between any two). */
const EXACT_TIMERS = 256;
/**
 * Past that, timers fire in bursts inside one poll, BURST_TICKS microtask turns apart (chains up
 * to that deep still settle between two timers, as in Node), for at most BURST_SLICE_MS of real
 * time: a timer storm then costs the engine a call per slice instead of one per timer.
 */
const BURST_TICKS = 64;
const BURST_SLICE_MS = 20;
const realNow = Date.now;
/**
 * Bursts are for V8 (isolated-vm), where each call into the isolate costs a thread hop and a timer
 * of its own. QuickJS's host runs the job queue itself between two polls, cheaply, and its jobs
 * are slow enough that 64 turns per timer would cost 10x (Error.captureStackTrace is V8's).
 */
const BURSTS = typeof (ErrorCtor as Any).captureStackTrace === "function";

export type Report = (kind: string, data: string) => void;

export interface RunnerHooks {
  grading: boolean;
  report: Report;
}

type ErrorInfo = NonNullable<RunnerResult["error"]>;

function errorInfo(e: unknown): ErrorInfo {
  try {
    if (isError(e)) {
      const info: ErrorInfo = {
        name: clip(S.String((e as Any).name), BOUNDS.errorNameChars),
        message: clip(S.String((e as Any).message), BOUNDS.errorMessageChars),
      };
      // The engine's positions: the host maps them (the cell's own reads get them mapped already).
      const stack = rawStackOf(e, safeGet(e, "stack") ?? (e as Any).stack);
      if (typeof stack === "string")
        info.stack = clip(cleanStack(clip(stack, 4 * BOUNDS.errorStackChars)), BOUNDS.errorStackChars);
      return info;
    }
    return { name: "Error", message: clip(`Uncaught ${inspect(e)}`, BOUNDS.errorMessageChars) };
  } catch {
    return { name: "Error", message: "Uncaught exception (unprintable)" };
  }
}

export function createRunner(hooks: RunnerHooks): Record<string, unknown> {
  let gen = 0;
  let active = false;
  let bodyDone = false;
  let testsDone = false;
  let stuck = false;
  let value: string | undefined;
  let error: ErrorInfo | undefined;
  let cases: TestCaseResult[] = [];
  let fired = 0;

  const report = (kind: string, data: string): void => {
    if (hooks.grading) apply(hooks.report, undefined, [kind, data]);
  };
  const recordError = (e: unknown): void => {
    if (error !== undefined) return;
    error = errorInfo(e);
    report(REPORT.error, J.stringify({ name: error.name, message: error.message }));
  };
  uncaught.handler = (e) => {
    if (!active) return;
    if (guard.abort !== undefined) guard.abort(e);
    else recordError(e);
  };
  const onCase = (c: TestCaseResult): void => {
    A.push(cases, c);
    report(REPORT.test, J.stringify(c));
  };
  const runTests = (myGen: number): void => {
    if (registry.count === 0) {
      testsDone = true;
      return;
    }
    report(REPORT.registered, S.String(registry.count));
    const run = new TestRun((c) => {
      if (myGen === gen) onCase(c);
    });
    promiseThen(
      run.run(),
      () => {
        if (myGen !== gen) return;
        testsDone = true;
        report(REPORT.runEnd, J.stringify(tally(cases)));
      },
      (e) => {
        if (myGen !== gen) return;
        testsDone = true;
        recordError(e);
      },
    );
  };

  const begin = (fn: unknown, optionsJson: string): void => {
    const options = J.parse(optionsJson) as CellOptions;
    gen++;
    const myGen = gen;
    active = true;
    bodyDone = false;
    testsDone = false;
    stuck = false;
    value = undefined;
    error = undefined;
    cases = [];
    fired = 0;
    resetToolCount();
    resetOutput(typeof options.outputLimitBytes === "number" ? options.outputLimitBytes : 1_000_000);
    resetAssertionState();
    const filename = typeof options.filename === "string" ? options.filename : "";
    registerCell(
      filename,
      typeof options.displayName === "string" ? options.displayName : filename,
      options.positions,
    );
    let p: Promise<Any>;
    try {
      if (typeof fn !== "function")
        throw new ErrorCtor("runner.begin: the cell script did not evaluate to a function");
      p = promiseResolve(apply(fn as () => unknown, undefined, [cellMark]));
    } catch (e) {
      p = Promise.reject(e);
    }
    promiseThen(
      p,
      (result) => {
        if (myGen !== gen) return;
        const v = result !== null && typeof result === "object" ? safeGet(result, "value") : undefined;
        if (v !== undefined) value = clip(mapStackText(inspect(v)), BOUNDS.valueChars);
        bodyDone = true;
        runTests(myGen);
      },
      (e) => {
        if (myGen !== gen) return;
        recordError(e);
        bodyDone = true;
        testsDone = true;
      },
    );
  };

  const poll = (): string => {
    if (!active || (bodyDone && testsDone && pendingTimers() === 0 && pendingTools() === 0)) return "done";
    if (pendingTools() > 0) return "tools";
    if (fireNext()) {
      if (BURSTS && ++fired > EXACT_TIMERS) burst(gen, realNow() + BURST_SLICE_MS);
      return "timer";
    }
    if (guard.abort !== undefined) {
      guard.abort(
        new ErrorCtor(
          "The test never settled: it awaited a promise that nothing can resolve (no timers or tool calls pending)",
        ),
      );
      return "timer";
    }
    stuck = true;
    if (!bodyDone)
      recordError(
        new ErrorCtor(
          "The cell never settled: it awaited a promise that nothing can resolve (no timers or tool calls pending)",
        ),
      );
    return "stuck";
  };

  /** Fires the next timers from microtasks, until the slice ends or something else needs the host. */
  const burst = (myGen: number, untilMs: number): void => {
    afterTicks(BURST_TICKS, () => {
      if (myGen !== gen || !active || pendingTools() > 0 || realNow() > untilMs) return;
      if (fireNext()) burst(myGen, untilMs);
    });
  };

  const finish = (): string => {
    const result: RunnerResult = {
      stdout: output.stdout,
      stderr: output.stderr,
      outputLimitHit: output.limitHit,
    };
    if (value !== undefined) result.value = value;
    if (error !== undefined) result.error = error;
    if (registry.count > 0 || cases.length > 0) {
      const all = tally(cases);
      result.tests = { ...all, cases: boundCases(all.cases) };
    }
    if (stuck) result.stuck = true;
    gen++;
    active = false;
    guard.abort = undefined;
    clearAllTimers();
    abandonTools();
    resetRegistry();
    return J.stringify(result);
  };

  return O.freeze({ begin, poll, resolveTool, finish });
}

const settled = promiseResolve(undefined);

/** Runs fn after `n` microtask turns. */
function afterTicks(n: number, fn: () => void): void {
  promiseThen(settled, n <= 1 ? fn : () => afterTicks(n - 1, fn));
}

function tally(cases: TestCaseResult[]): TestReport {
  const r: TestReport = { passed: 0, failed: 0, skipped: 0, total: cases.length, cases };
  for (let i = 0; i < cases.length; i++) {
    const s = (cases[i] as TestCaseResult).status;
    if (s === "passed") r.passed++;
    else if (s === "failed") r.failed++;
    else r.skipped++;
  }
  return r;
}
