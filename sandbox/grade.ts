/**
 * Grading a program against hidden tests so that it cannot be gamed: a fresh grading sandbox,
 * cell(s) 1.. = the program (sloppy REPL cells), last = the tests (strict, sealed: their declarations
 * stay local, out of reach of globals the program defined); the tally comes
 * from the prelude's host reports, made as each test settles, never from the cell's own result.
 */

import { boundCases } from "./cell/bounds.ts";
import { registersTests } from "./cell/test-shape.ts";
import { PRELUDE_REPORT } from "./prelude-bundle.ts";
import { type CellOutcome, createSandboxSession } from "./session.ts";
import type {
  EngineName,
  ExecError,
  Language,
  Limits,
  TestCaseResult,
  TestReport,
  ToolMap,
  Usage,
} from "./types.ts";

/** One step of a program graded as an episode's replay: a cell, or a direct call of a tool. */
export type ProgramStep =
  | {
      code: string;
      language: Language;
      /** A cell that failed in the episode: it is run for its effects, and may fail again. */
      mayFail?: boolean;
    }
  | { tool: string; args: unknown };

export interface GradeInput {
  /**
   * The agent's code: one cell (task prompt + completion), or an episode's actions in order:
   * cells, each run as its own sloppy REPL cell (so a later cell may re-declare an earlier one's
   * names), and direct tool calls, made on `tools` between them (their failures are the
   * episode's, and are ignored here as they were there).
   */
  program: string | readonly ProgramStep[];
  tests: string;
  language: Language;
  engine?: EngineName;
  limits?: Partial<Limits>;
  seed?: number;
  tools?: ToolMap;
}

export interface GradeResult {
  passed: boolean;
  tests: TestReport;
  error?: ExecError;
  /** Why the program did not pass, in one sentence. */
  reason?: string;
  /** The sandbox failed (not the program): callers must not count this as a failure. */
  infra: boolean;
  usage: Usage;
  stdout: string;
  stderr: string;
}

export async function gradeProgram(input: GradeInput): Promise<GradeResult> {
  return withWholeRunCase(await gradeUnreported(input));
}

/**
 * Tests that only throw (HumanEval-style asserts) register no test cases: their report is then one
 * case standing for the whole tests cell, so a pass scores 1 and a failure says why.
 */
function withWholeRunCase(result: GradeResult): GradeResult {
  if (result.tests.total > 0 || result.infra) return result;
  const status = result.passed ? "passed" : "failed";
  const message = result.passed ? undefined : (result.reason ?? result.error?.message);
  return {
    ...result,
    tests: {
      passed: result.passed ? 1 : 0,
      failed: result.passed ? 0 : 1,
      skipped: 0,
      total: 1,
      cases: [{ name: "tests", status, ...(message === undefined ? {} : { message }) }],
    },
  };
}

async function gradeUnreported(input: GradeInput): Promise<GradeResult> {
  const sandbox = await createSandboxSession({
    ...(input.engine === undefined ? {} : { engine: input.engine }),
    ...(input.limits === undefined ? {} : { limits: input.limits }),
    ...(input.seed === undefined ? {} : { seed: input.seed }),
    ...(input.tools === undefined ? {} : { tools: input.tools }),
    grading: true,
  });
  try {
    const cells =
      typeof input.program === "string" ? [{ code: input.program, language: input.language }] : input.program;
    const outcomes: CellOutcome[] = [];
    for (const cell of cells) {
      if ("tool" in cell) {
        await callQuietly(input.tools, cell.tool, cell.args);
        continue;
      }
      const outcome = await sandbox.runCell(cell.code, { language: cell.language });
      if (cell.mayFail === true && outcome.result.error?.kind !== "infra") continue;
      outcomes.push(outcome);
      if (!outcome.result.ok) {
        const why = outcome.result.error?.message ?? "error";
        return verdict(outcomes, emptyReport(), `the program failed before the tests ran: ${why}`);
      }
    }
    const tests = await sandbox.runCell(input.tests, { language: input.language, strict: true });
    return judge(outcomes, tests, (await registersTests(input.tests, input.language)) === true);
  } finally {
    await sandbox.dispose();
  }
}

/** A direct tool call replayed between cells: its result and failure were the episode's. */
async function callQuietly(tools: ToolMap | undefined, name: string, args: unknown): Promise<void> {
  const handler = tools?.[name];
  if (handler === undefined) return;
  try {
    await handler(args);
  } catch {
    // The agent saw this failure in the episode; the cells after it were written knowing it.
  }
}

function judge(program: readonly CellOutcome[], tests: CellOutcome, registering: boolean): GradeResult {
  const tally = tallyReports(tests.reports);
  const cells = [...program, tests];
  const { report } = tally;
  if (!tests.result.ok) {
    return verdict(
      cells,
      report,
      `the tests cell did not complete: ${tests.result.error?.message ?? "error"}`,
    );
  }
  if (tally.problems.length > 0) {
    return verdict(cells, report, `the harness reports were malformed: ${tally.problems.join(", ")}`);
  }
  if (tally.error !== undefined) return verdict(cells, report, `uncaught error: ${tally.error}`);
  if (report.failed > 0) return verdict(cells, report, `${report.failed} of ${report.total} tests failed`);
  if (tally.registered > 0) {
    if (!tally.runEnded) return verdict(cells, report, "the test run was cut short");
    if (tally.reported !== tally.registered) {
      return verdict(cells, report, `${tally.registered} tests registered but ${tally.reported} reported`);
    }
    if (report.passed === 0) return verdict(cells, report, "no test passed");
  } else if (registering) {
    return verdict(cells, report, "the tests register test cases but none was registered");
  }
  return { ...verdict(cells, report, undefined), passed: true };
}

interface Tally {
  report: TestReport;
  /** Test reports received (the report lists at most BOUNDS.testCases of them). */
  reported: number;
  registered: number;
  runEnded: boolean;
  error: string | undefined;
  problems: string[];
}

/** Builds the tally from the prelude's reports alone (see sandbox/prelude/index.ts). */
export function tallyReports(reports: ReadonlyArray<readonly [string, string]>): Tally {
  const cases: TestCaseResult[] = [];
  const problems: string[] = [];
  let registered = 0;
  let runEnded = false;
  let error: string | undefined;
  for (const [kind, data] of reports) {
    if (kind === PRELUDE_REPORT.registered) registered += Number.parseInt(data, 10) || 0;
    else if (kind === PRELUDE_REPORT.runEnd) runEnded = true;
    else if (kind === PRELUDE_REPORT.error) error ??= errorMessage(data);
    else if (kind === PRELUDE_REPORT.test) {
      const parsed = parseCase(data);
      if (parsed) cases.push(parsed);
      else problems.push("malformed test report");
    }
  }
  const count = (s: TestCaseResult["status"]) => cases.filter((c) => c.status === s).length;
  const report: TestReport = {
    passed: count("passed"),
    failed: count("failed"),
    skipped: count("skipped"),
    total: Math.max(cases.length, registered),
    cases: boundCases(cases),
  };
  return { report, reported: cases.length, registered, runEnded, error, problems };
}

function errorMessage(data: string): string {
  try {
    const e = JSON.parse(data) as { name?: unknown; message?: unknown };
    return `${String(e.name ?? "Error")}: ${String(e.message ?? "")}`;
  } catch {
    return "malformed error report";
  }
}

function parseCase(data: string): TestCaseResult | undefined {
  try {
    const v = JSON.parse(data) as Partial<TestCaseResult>;
    if (typeof v.name !== "string" || !["passed", "failed", "skipped"].includes(String(v.status)))
      return undefined;
    const c: TestCaseResult = { name: v.name, status: v.status as TestCaseResult["status"] };
    if (typeof v.message === "string") c.message = v.message;
    if (typeof v.duration_ms === "number") c.duration_ms = v.duration_ms;
    return c;
  } catch {
    return undefined;
  }
}

function verdict(cells: readonly CellOutcome[], tests: TestReport, reason: string | undefined): GradeResult {
  const usage: Usage = { wall_ms: 0, cpu_ms: 0, heap_bytes: 0 };
  let stdout = "";
  let stderr = "";
  let error: ExecError | undefined;
  let infra = false;
  for (const { result } of cells) {
    usage.wall_ms += result.usage.wall_ms;
    usage.cpu_ms += result.usage.cpu_ms;
    usage.heap_bytes = Math.max(usage.heap_bytes, result.usage.heap_bytes);
    stdout += result.stdout;
    stderr += result.stderr;
    if (result.error && !error) error = result.error;
    if (result.error?.kind === "infra") infra = true;
  }
  const out: GradeResult = { passed: false, tests, infra, usage, stdout, stderr };
  if (error) out.error = error;
  if (reason !== undefined) out.reason = infra ? `infrastructure failure: ${error?.message ?? ""}` : reason;
  return out;
}

function emptyReport(): TestReport {
  return { passed: 0, failed: 0, skipped: 0, total: 0, cases: [] };
}
