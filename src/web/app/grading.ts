/**
 * The grading part of an observation (hidden tests, rubric scores, reward, done) as one summary
 * line that expands: the cell's own output comes first, grading is context. Identical failures
 * fold into one entry (a scratch cell fails every hidden test with the same "X is not defined").
 */
import { el, isRecord, num, str } from "./dom.ts";

export function formatReward(reward: unknown): string {
  if (reward === null || reward === undefined) return "none";
  if (typeof reward === "number") return Number.isInteger(reward) ? String(reward) : reward.toFixed(4);
  return String(reward);
}

interface Case {
  name: string;
  status: string;
  message: string | undefined;
}

function caseItem(c: Case): HTMLElement {
  const cls = c.status === "passed" ? "pass" : c.status === "failed" ? "fail" : "";
  const mark = c.status === "passed" ? "✓ passed" : c.status === "failed" ? "✗ failed" : c.status;
  return el(
    "li",
    { class: cls },
    el("strong", {}, `${mark}: `),
    c.name,
    c.message !== undefined && el("span", { class: "msg" }, c.message),
  );
}

/** Failed cases sharing a message become one item naming them all; the rest stay one per case. */
function foldedItems(cases: Case[]): HTMLElement[] {
  const byMessage = new Map<string, Case[]>();
  for (const c of cases) {
    if (c.status !== "failed" || c.message === undefined) continue;
    byMessage.set(c.message, [...(byMessage.get(c.message) ?? []), c]);
  }
  const emitted = new Set<string>();
  const items: HTMLElement[] = [];
  for (const c of cases) {
    const group = c.status === "failed" && c.message !== undefined ? byMessage.get(c.message) : undefined;
    if (group === undefined || group.length < 2 || c.message === undefined) {
      items.push(caseItem(c));
      continue;
    }
    if (emitted.has(c.message)) continue;
    emitted.add(c.message);
    items.push(
      el(
        "li",
        { class: "fail folded", "data-count": String(group.length) },
        el("strong", {}, `✗ ${group.length} tests failed the same way: `),
        el("span", { class: "msg" }, c.message),
        el("span", { class: "names" }, group.map((g) => g.name).join(" · ")),
      ),
    );
  }
  return items;
}

export function testsBlock(tests: unknown, title: string, testId: string): HTMLElement | null {
  if (!isRecord(tests)) return null;
  const cases: Case[] = (Array.isArray(tests.cases) ? tests.cases.filter(isRecord) : []).map((c) => ({
    name: str(c.name) ?? "(unnamed)",
    status: str(c.status) ?? "unknown",
    message: str(c.message),
  }));
  const passed = num(tests.passed) ?? 0;
  const failed = num(tests.failed) ?? 0;
  const total = num(tests.total) ?? cases.length;
  return el(
    "div",
    { "data-testid": testId },
    el(
      "h3",
      {},
      `${title} `,
      el("span", { class: `badge ${failed > 0 ? "fail" : "pass"}` }, `${passed}/${total} passed`),
    ),
    el("ul", { class: "tests" }, ...foldedItems(cases)),
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

function statusBadge(done: boolean, obs: Record<string, unknown>, allPass: boolean): HTMLElement {
  const reason = str(obs.done_reason);
  if (done)
    return el("span", { class: "badge pass", "data-testid": "done" }, `done${reason ? ` (${reason})` : ""}`);
  return el(
    "span",
    { class: "badge", "data-testid": "done" },
    allPass ? "not done: submit to finish" : "not done",
  );
}

/** Whether every hidden test passed (and there was at least one). */
export function allTestsPass(obs: Record<string, unknown>): boolean {
  const tests = obs.tests;
  if (!isRecord(tests)) return false;
  const total = num(tests.total) ?? 0;
  return total > 0 && (num(tests.failed) ?? 0) === 0 && (num(tests.passed) ?? 0) === total;
}

let openByUser = false;

/** One line (reward, tests, done) that expands into the test list and the rubric table. */
export function gradingBlock(result: Record<string, unknown>, obs: Record<string, unknown>): HTMLElement {
  const tests = isRecord(obs.tests) ? obs.tests : undefined;
  const failed = num(tests?.failed) ?? 0;
  const testsText =
    tests === undefined
      ? "no hidden tests"
      : `tests ${num(tests.passed) ?? 0}/${num(tests.total) ?? 0} passed${failed > 0 ? `, ${failed} failed` : ""}`;
  const testList = testsBlock(obs.tests, "Tests", "tests");
  const table = rewardsTable(obs.rewards);
  const details = el(
    "details",
    { class: "grading", "data-testid": "grading", open: openByUser },
    el(
      "summary",
      {},
      el("span", {}, "Reward "),
      el("span", { class: "big", "data-testid": "reward" }, formatReward(result.reward)),
      el("span", { class: `badge ${tests === undefined ? "" : failed > 0 ? "fail" : "pass"}` }, testsText),
      statusBadge(result.done === true, obs, allTestsPass(obs)),
      obs.infra_error === true &&
        el("span", { class: "badge fail" }, "infrastructure error — not the agent's fault"),
      obs.state_lost === true && el("span", { class: "badge fail" }, "sandbox state was lost"),
    ),
    testList ?? el("p", { class: "hint" }, "This step ran no hidden tests."),
    table ?? "",
  );
  details.addEventListener("toggle", () => {
    openByUser = details.open;
  });
  return details;
}
