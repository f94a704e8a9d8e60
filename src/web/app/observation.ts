/** Renders observation frames and server error frames into the Observation panel. */
import { el, isRecord, json, num, pre, str } from "./dom.ts";

export interface RenderHooks {
  goToLine(line: number): void;
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
]);

function formatReward(reward: unknown): string {
  if (reward === null || reward === undefined) return "none";
  if (typeof reward === "number") return Number.isInteger(reward) ? String(reward) : reward.toFixed(4);
  return String(reward);
}

function rewardHeader(reward: unknown, done: boolean, obs: Record<string, unknown>): HTMLElement {
  const reason = str(obs.done_reason);
  return el(
    "div",
    { class: "reward" },
    el("span", {}, "Reward "),
    el("span", { class: "big", "data-testid": "reward" }, formatReward(reward)),
    el(
      "span",
      { class: `badge ${done ? "pass" : ""}` },
      done ? `done${reason ? ` (${reason})` : ""}` : "not done",
    ),
    obs.infra_error === true &&
      el("span", { class: "badge fail" }, "infrastructure error — not the agent's fault"),
    obs.state_lost === true && el("span", { class: "badge fail" }, "sandbox state was lost"),
  );
}

function rewardsTable(rewards: unknown): HTMLElement | null {
  if (!isRecord(rewards) || Object.keys(rewards).length === 0) return null;
  const rows = Object.entries(rewards).map(([path, score]) =>
    el(
      "tr",
      {},
      el("td", { class: "mono" }, path === "" ? "(root)" : path),
      el("td", { class: "num" }, formatReward(score)),
    ),
  );
  return el(
    "table",
    { "aria-label": "Rubric scores" },
    el(
      "thead",
      {},
      el("tr", {}, el("th", { scope: "col" }, "Rubric path"), el("th", { scope: "col" }, "Score")),
    ),
    el("tbody", {}, ...rows),
  );
}

function testsBlock(tests: unknown, title: string, testId: string): HTMLElement | null {
  if (!isRecord(tests)) return null;
  const cases = Array.isArray(tests.cases) ? tests.cases.filter(isRecord) : [];
  const passed = num(tests.passed) ?? 0;
  const failed = num(tests.failed) ?? 0;
  const total = num(tests.total) ?? cases.length;
  const items = cases.map((c) => {
    const status = str(c.status) ?? "unknown";
    const cls = status === "passed" ? "pass" : status === "failed" ? "fail" : "";
    const mark = status === "passed" ? "✓ passed" : status === "failed" ? "✗ failed" : status;
    return el(
      "li",
      { class: cls },
      el("strong", {}, `${mark}: `),
      str(c.name) ?? "(unnamed)",
      str(c.message) !== undefined && el("span", { class: "msg" }, str(c.message)),
    );
  });
  return el(
    "div",
    { "data-testid": testId },
    el(
      "h3",
      {},
      `${title} `,
      el("span", { class: `badge ${failed > 0 ? "fail" : "pass"}` }, `${passed}/${total} passed`),
    ),
    failed > 0 && el("p", { class: "fail" }, `${failed} failed`),
    el("ul", { class: "tests" }, ...items),
  );
}

function errorBlock(error: unknown, hooks: RenderHooks): HTMLElement | null {
  if (!isRecord(error)) return null;
  const line = num(error.line);
  const column = num(error.column);
  const where =
    line === undefined ? "" : ` at line ${line}${column === undefined ? "" : `, column ${column}`}`;
  const title = `${str(error.kind) ?? str(error.error_type) ?? "error"} error — ${str(error.name) ?? ""}${where}`;
  const button = el("button", { type: "button", class: "secondary" }, `Go to line ${line ?? ""}`);
  if (line !== undefined) button.addEventListener("click", () => hooks.goToLine(line));
  return el(
    "div",
    { class: "error-box", "data-testid": "error" },
    el("h3", {}, title),
    el("p", { class: "mono" }, str(error.message) ?? json(error)),
    line !== undefined && button,
    str(error.stack) !== undefined &&
      el("details", {}, el("summary", {}, "Stack"), pre(str(error.stack) ?? "")),
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

function outputBlock(obs: Record<string, unknown>): HTMLElement[] {
  const blocks: HTMLElement[] = [];
  for (const key of ["value", "stdout", "stderr"] as const) {
    const text = str(obs[key]);
    if (text === undefined || (text === "" && key !== "stdout")) continue;
    blocks.push(el("h3", {}, key), pre(text === "" ? "(empty)" : text, key));
  }
  const exit = num(obs.exit_code);
  if (exit !== undefined) blocks.push(el("p", { class: "hint" }, `exit code ${exit}`));
  return blocks;
}

function toolBlock(obs: Record<string, unknown>, hooks: RenderHooks): HTMLElement[] {
  const blocks: HTMLElement[] = [];
  if (str(obs.tool_name) !== undefined) {
    blocks.push(el("h3", {}, `Tool ${str(obs.tool_name)}`));
    blocks.push(errorBlock(obs.error, hooks) ?? pre(json(obs.result), "tool result"));
  }
  if (Array.isArray(obs.tools))
    blocks.push(el("p", { class: "hint" }, `${obs.tools.length} tools available`));
  return blocks;
}

/** Renders a `{observation, reward, done}` result; returns the error line to highlight, if any. */
export function renderResult(target: HTMLElement, data: unknown, hooks: RenderHooks): number | null {
  const result = isRecord(data) ? data : {};
  const obs = isRecord(result.observation) ? result.observation : {};
  const extra = Object.fromEntries(Object.entries(obs).filter(([k]) => !SHOWN_KEYS.has(k)));
  const body = el(
    "div",
    { class: "result" },
    rewardHeader(result.reward, result.done === true, obs),
    rewardsTable(obs.rewards) ?? "",
    ...(obs.tool_name === undefined ? [errorBlock(obs.error, hooks) ?? ""] : []),
    testsBlock(obs.tests, "Tests", "tests") ?? "",
    testsBlock(obs.cell_tests, "Tests defined in the cell", "cell-tests") ?? "",
    ...outputBlock(obs),
    ...toolBlock(obs, hooks),
    usageBlock(obs.usage) ?? "",
    obs.submitted !== undefined &&
      el(
        "p",
        {},
        `Submitted answer: ${json(isRecord(obs.submitted) ? obs.submitted.answer : obs.submitted)}`,
      ),
    Object.keys(extra).length > 0 && el("details", {}, el("summary", {}, "Other fields"), pre(json(extra))),
  );
  target.replaceChildren(body);
  const error = isRecord(obs.error) && obs.tool_name === undefined ? obs.error : undefined;
  return num(error?.line) ?? null;
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
