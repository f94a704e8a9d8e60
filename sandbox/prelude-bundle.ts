/**
 * The in-sandbox prelude, as one script for the engines (`EngineSessionConfig.prelude`).
 *
 * The script's completion value is `install(bridge, configJson) => runner` (protocol: engine.ts).
 * Inside the sandbox it provides: console (Node formatting, output limit), util.inspect-style
 * printing of the REPL value, virtual setTimeout/clearTimeout/setImmediate/queueMicrotask, a seeded
 * Math.random, a virtual clock behind Date/performance.now, host tools as async globals, `assert`
 * and `require("assert")`, and a Jest subset (describe/test/it/x*, hooks, .each, .skip, .only,
 * expect with the usual matchers, jest.fn/spyOn). WebAssembly, SharedArrayBuffer, Atomics,
 * process, fetch, setInterval and QuickJS's std/os are removed.
 *
 * ## Grading mode (`PreludeConfig.grading`), for grade.ts
 *
 * Every session runs under lockdown.ts (intrinsics frozen, global bindings read-only). In grading
 * the harness globals (describe, test, it, xit, xtest, xdescribe, fit, fdescribe, before/after
 * hooks, expect, jest, assert, require, and the tool functions) are locked too and their objects
 * frozen; `.only` is ignored (treated as a normal test) so solution
 * code cannot skip the hidden tests; expect.extend cannot replace a built-in matcher. The harness
 * calls only built-ins captured at install. Reports (`RawCellResult.reports`, in order):
 *
 * - `registered`  data: the number of tests registered by the cell, as a decimal string; sent when
 *                 the test run starts (after the cell body settled without error). Not sent when
 *                 the cell registered no tests.
 * - `test`        data: JSON `{name, status: "passed"|"failed"|"skipped", message?, duration_ms?}`,
 *                 one per registered test, sent as soon as the test finished.
 * - `run_end`     data: JSON `{passed, failed, skipped, total, cases}`, sent when every registered
 *                 test ran. Missing => the run was cut short (timeout, stuck, crash).
 * - `error`       data: JSON `{name, message}`; the first uncaught error of the cell (the body
 *                 threw/rejected, a timer callback threw outside a test, or the cell never settled).
 *
 * A program passes when: no `error` report; and, if it registered tests, `run_end` arrived, the
 * number of `test` reports equals `registered`, none failed (skipped ones come from `.skip`).
 * Tampering is prevented, not detected: see lockdown.ts. Trust the reports, not RunnerResult.tests alone (it is built by the same
 * harness but returned at the end, after agent code had its last chance to run).
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";
import { CodeActError } from "../errors/index.ts";

import { REPORT } from "./prelude/reports.ts";

export const PRELUDE_REPORT = REPORT;
export type PreludeReportKind = (typeof PRELUDE_REPORT)[keyof typeof PRELUDE_REPORT];

/** Data of a `test` report. */
export interface PreludeTestReport {
  name: string;
  status: "passed" | "failed" | "skipped";
  message?: string;
  duration_ms?: number;
}

const GLOBAL_NAME = "__codeactPrelude";
let cached: string | undefined;

function entryPath(): string {
  for (const ext of [".ts", ".js"]) {
    const path = fileURLToPath(new URL(`./prelude/entry${ext}`, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new CodeActError(
    "ENGINE_FAILURE",
    "prelude entry (prelude/entry.ts or prelude/entry.js) not found next to sandbox/prelude-bundle",
  );
}

/**
 * The prelude script every engine session evaluates (EngineSessionConfig.prelude), built once per
 * process with esbuild, then cached. Public for callers of getEngine who open raw engine sessions.
 */
export function getPrelude(): string {
  if (cached !== undefined) return cached;
  const result = buildSync({
    entryPoints: [entryPath()],
    bundle: true,
    write: false,
    format: "iife",
    globalName: GLOBAL_NAME,
    platform: "neutral",
    target: "es2020",
    // Whitespace and syntax only (~30% smaller, parsed faster by every new isolate); identifiers
    // are kept so function and class names stay what inspect() and stacks show.
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: "none",
    logLevel: "silent",
  });
  const code = result.outputFiles[0]?.text;
  if (code === undefined) throw new CodeActError("ENGINE_FAILURE", "esbuild produced no prelude output");
  // The IIFE's `var` would be a global binding; wrapping keeps it local and makes install the completion value.
  // install.harden: the snapshot step (entry.ts), for engines that snapshot the evaluated prelude.
  cached = `(function () {\n${code}\nconst install = ${GLOBAL_NAME}.install;\ninstall.harden = ${GLOBAL_NAME}.harden;\nreturn install;\n})();\n`;
  return cached;
}
