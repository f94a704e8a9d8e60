/**
 * Renders observation frames and server error frames into the Observation panel. The cell's own
 * result (error, value, stdout, stderr, type errors) comes first; grading is a summary line below.
 */

import { el, isRecord, json, num, pre, str } from "./dom.ts";
import type { CellDiagnostic } from "./editor.ts";
import { formatReward, gradingBlock, testsBlock } from "./grading.ts";

export interface RenderHooks {
  goToLine(line: number): void;
}

export interface Rendered {
  /** The error line to highlight in the editor, if any. */
  errorLine: number | null;
  diagnostics: CellDiagnostic[];
}

const SHOWN_KEYS = new Set([
  "stdout",
  "stderr",
  "exit_code",
  "value",
  "error",
  "tests",
  "cell_tests",
  "usage",
  "rewards",
  "state_lost",
  "infra_error",
  "done_reason",
  "submitted",
  "tool_name",
  "result",
  "tools",
  "prompt",
  "diagnostics",
]);

const KIND_TITLES: Record<string, string> = {
  syntax: "Syntax error",
  runtime: "Runtime error",
  timeout: "Time limit exceeded",
  memory: "Memory limit exceeded",
  output_limit: "Output limit exceeded",
  infra: "Infrastructure error",
};

function errorTitle(error: Record<string, unknown>, isTool: boolean): string {
  const line = num(error.line);
  const column = num(error.column);
  const where =
    line === undefined ? "" : ` at line ${line}${column === undefined ? "" : `, column ${column}`}`;
  const kind = str(error.kind);
  const head = isTool
    ? `Tool error${str(error.error_type) ? ` (${str(error.error_type)})` : ""}`
    : ((kind && KIND_TITLES[kind]) ?? (kind ? `${kind} error` : "Error"));
  const name = str(error.name);
  return `${head}${name ? `: ${name}` : ""}${where}`;
}

function errorBlock(error: unknown, hooks: RenderHooks, isTool = false): HTMLElement | null {
  if (!isRecord(error)) return null;
  const line = num(error.line);
  const button = el("button", { type: "button", class: "secondary" }, `Go to line ${line ?? ""}`);
  if (line !== undefined) button.addEventListener("click", () => hooks.goToLine(line));
  return el(
    "div",
    { class: "error-box", "data-testid": "error" },
    el("h3", {}, errorTitle(error, isTool)),
    el("p", { class: "mono" }, str(error.message) ?? json(error)),
    line !== undefined && button,
    str(error.stack) !== undefined &&
      el("details", {}, el("summary", {}, "Stack"), pre(str(error.stack) ?? "")),
  );
}

/** `diagnostics`: [{line, column, message, code?}] from a type check; malformed items are skipped. */
export function parseDiagnostics(value: unknown): CellDiagnostic[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isRecord).flatMap((d): CellDiagnostic[] => {
    const line = num(d.line);
    const message = str(d.message);
    if (line === undefined || message === undefined) return [];
    const code = typeof d.code === "number" ? `TS${d.code}` : str(d.code);
    return [{ line, column: num(d.column) ?? 1, message, ...(code === undefined ? {} : { code }) }];
  });
}

function diagnosticsBlock(list: CellDiagnostic[], hooks: RenderHooks): HTMLElement | null {
  if (list.length === 0) return null;
  const items = list.map((d) => {
    const go = el("button", { type: "button", class: "linklike" }, `line ${d.line}, col ${d.column}`);
    go.addEventListener("click", () => hooks.goToLine(d.line));
    return el(
      "li",
      {},
      go,
      `: ${d.message}`,
      d.code !== undefined && el("span", { class: "hint" }, ` ${d.code}`),
    );
  });
  return el(
    "div",
    { class: "diagnostics", "data-testid": "diagnostics" },
    el("h3", {}, `Type errors (${list.length})`),
    el("ul", {}, ...items),
  );
}

function usageBlock(usage: unknown): HTMLElement | null {
  if (!isRecord(usage)) return null;
  const heap = num(usage.heap_bytes);
  const text = [
    `wall ${num(usage.wall_ms)?.toFixed(1) ?? "?"} ms`,
    `cpu ${num(usage.cpu_ms)?.toFixed(1) ?? "?"} ms`,
    `heap ${heap === undefined ? "?" : `${(heap / 1_048_576).toFixed(2)} MiB`}`,
  ].join(" · ");
  return el("p", { class: "hint", "data-testid": "usage" }, `Usage: ${text}`);
}

function outputBlocks(obs: Record<string, unknown>): HTMLElement[] {
  const blocks: HTMLElement[] = [];
  for (const key of ["value", "stdout", "stderr"] as const) {
    const text = str(obs[key]);
    if (text === undefined || text === "") continue;
    blocks.push(el("div", { class: `output ${key}`, "data-testid": key }, el("h3", {}, key), pre(text, key)));
  }
  return blocks;
}

function toolBlocks(obs: Record<string, unknown>, hooks: RenderHooks): HTMLElement[] {
  const blocks: HTMLElement[] = [];
  if (str(obs.tool_name) !== undefined) {
    blocks.push(el("h3", {}, `Tool ${str(obs.tool_name)}`));
    blocks.push(errorBlock(obs.error, hooks, true) ?? pre(json(obs.result), "tool result"));
  }
  if (Array.isArray(obs.tools))
    blocks.push(el("p", { class: "hint" }, `${obs.tools.length} tools available`));
  return blocks;
}

/** What the cell itself did, before any grading. */
function ownResult(obs: Record<string, unknown>, diagnostics: CellDiagnostic[], hooks: RenderHooks) {
  const isTool = obs.tool_name !== undefined;
  const own = [
    ...(isTool ? toolBlocks(obs, hooks) : [errorBlock(obs.error, hooks)]),
    diagnosticsBlock(diagnostics, hooks),
    ...outputBlocks(obs),
    testsBlock(obs.cell_tests, "Tests defined in the cell", "cell-tests"),
  ].filter((n): n is HTMLElement => n !== null);
  const ranCode = obs.exit_code !== undefined && !isTool && !Array.isArray(obs.tools);
  if (own.length === 0 && ranCode)
    own.push(el("p", { class: "hint", "data-testid": "no-output" }, "No output."));
  if (!isTool && Array.isArray(obs.tools)) own.push(...toolBlocks(obs, hooks));
  return own;
}

/** Renders a `{observation, reward, done}` result. */
export function renderResult(target: HTMLElement, data: unknown, hooks: RenderHooks): Rendered {
  const result = isRecord(data) ? data : {};
  const obs = isRecord(result.observation) ? result.observation : {};
  const extra = Object.fromEntries(Object.entries(obs).filter(([k]) => !SHOWN_KEYS.has(k)));
  const diagnostics = parseDiagnostics(obs.diagnostics);
  const exit = num(obs.exit_code);
  const body = el(
    "div",
    { class: "result" },
    el("div", { class: "own", "data-testid": "own-result" }, ...ownResult(obs, diagnostics, hooks)),
    gradingBlock(result, obs),
    obs.submitted !== undefined &&
      el(
        "p",
        {},
        `Submitted answer: ${json(isRecord(obs.submitted) ? obs.submitted.answer : obs.submitted)}`,
      ),
    usageBlock(obs.usage) ?? "",
    exit !== undefined && exit !== 0 && el("p", { class: "hint" }, `exit code ${exit}`),
    Object.keys(extra).length > 0 && el("details", {}, el("summary", {}, "Other fields"), pre(json(extra))),
  );
  target.replaceChildren(body);
  const error = isRecord(obs.error) && obs.tool_name === undefined ? obs.error : undefined;
  return { errorLine: num(error?.line) ?? null, diagnostics };
}

/** One sentence for screen readers: the announcer reads this, not the whole panel. */
export function summarize(data: unknown): string {
  const result = isRecord(data) ? data : {};
  const obs = isRecord(result.observation) ? result.observation : {};
  const parts = [`Reward ${formatReward(result.reward)}`];
  if (result.done === true) parts.push("episode done");
  if (isRecord(obs.tests))
    parts.push(`tests ${num(obs.tests.passed) ?? 0} of ${num(obs.tests.total) ?? 0} passed`);
  if (isRecord(obs.error)) {
    const line = num(obs.error.line);
    parts.push(
      `${str(obs.error.name) ?? str(obs.error.error_type) ?? "error"}${line === undefined ? "" : ` at line ${line}`}`,
    );
  }
  if (str(obs.tool_name) !== undefined) parts.unshift(`Tool ${str(obs.tool_name)}`);
  return `${parts.join(", ")}.`;
}

/** A readable account of an error frame (VALIDATION_ERROR lists each issue by its location). */
export function renderErrorFrame(target: HTMLElement, data: unknown, context: string): void {
  const frame = isRecord(data) ? data : {};
  const issues = Array.isArray(frame.errors) ? frame.errors.filter(isRecord) : [];
  const items = issues.map((issue) => {
    const loc = Array.isArray(issue.loc) ? issue.loc.join(".") : "";
    return el("li", {}, el("code", {}, loc === "" ? "(action)" : loc), `: ${str(issue.msg) ?? json(issue)}`);
  });
  const extra = Object.fromEntries(
    Object.entries(frame).filter(([k]) => !["message", "code", "errors"].includes(k)),
  );
  target.replaceChildren(
    el(
      "div",
      { class: "error-box", "data-testid": "server-error" },
      el("h3", {}, `Server refused the ${context}: ${str(frame.code) ?? "ERROR"}`),
      el("p", {}, str(frame.message) ?? "(no message)"),
      items.length > 0 && el("ul", {}, ...items),
      Object.keys(extra).length > 0 && pre(json(extra)),
    ),
  );
}

export function renderProblem(target: HTMLElement, message: string): void {
  target.replaceChildren(
    el("div", { class: "error-box", "data-testid": "server-error" }, el("p", {}, message)),
  );
}

/** A neutral message in the same place (e.g. what Stop did). */
export function renderNote(target: HTMLElement, message: string): void {
  target.replaceChildren(el("div", { class: "note-box", "data-testid": "note" }, el("p", {}, message)));
}
