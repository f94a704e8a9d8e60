/**
 * The human-agent page in a real Chromium against the real server and environment: an episode
 * from the first cell to submit (output first, life cycle, raw frames), the playground basics
 * (Tab, code kept across a reload, Stop), and a server restart in the middle of an episode.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { shutdownEngines } from "../../sandbox/index.ts";
import { loadSuite, type Suite } from "../../tasks/index.ts";
import {
  CHROMIUM,
  CHROMIUM_ARGS,
  ensureChromium,
  episodeStatus,
  OUT_DIR,
  pickTask,
  poll,
  type Running,
  screenshots,
  startServer,
  typeCell,
} from "./browser.ts";

const skipReason = ensureChromium();
if (skipReason !== undefined) console.warn(`[test/web/page] skipped: ${skipReason}`);

describe.skipIf(skipReason !== undefined)("web page (Chromium, real server)", () => {
  let suite: Suite;
  let browser: BrowserContext;
  let userDataDir: string;
  let running: Running | undefined;
  const problems: string[] = [];
  const shots: string[] = [];

  beforeAll(async () => {
    suite = await loadSuite("builtin");
    running = await startServer(suite, 0);
    userDataDir = await mkdtemp(join(tmpdir(), "codeact-chromium-"));
    browser = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 800 },
    });
  });

  afterAll(async () => {
    await browser?.close();
    await running?.server.close();
    await shutdownEngines();
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
    if (shots.length > 0) console.info(`[test/web/page] screenshots:\n  ${shots.join("\n  ")}`);
  });

  /** A fresh page with empty storage; CSP violations, page errors and 404s are collected. */
  async function openPage(): Promise<Page> {
    const page = await browser.newPage();
    page.on("console", (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
    });
    page.on("pageerror", (e) => problems.push(String(e)));
    page.on("response", (r) => {
      if (r.status() === 404) problems.push(`404 ${r.url()}`);
    });
    onTestFailed(async () => {
      console.error("[test/web/page] observation:", await page.locator("#observation").textContent());
      console.error("[test/web/page] problem:", await page.locator("#problem").textContent());
      await page.screenshot({ path: `${OUT_DIR}/web-failure.png`, fullPage: true }).catch(() => undefined);
    });
    if (running === undefined) throw new Error("server not started");
    await page.goto(`${running.url}/web/`);
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await poll(() => page.locator("#conn-status").textContent()).toBe("Connected");
    return page;
  }

  async function choose(page: Page, taskId: string): Promise<void> {
    await page.fill("#task-search", taskId);
    await page.locator(`[data-task-id="${taskId}"]`).click();
    await poll(() => page.locator("#state").textContent()).toContain(taskId);
    await poll(() => episodeStatus(page)).toBe("live");
  }

  it("plays an episode: no episode, output first, errors, all pass, submit, done", {
    timeout: 180_000,
  }, async () => {
    const task = pickTask(suite);
    const page = await openPage();
    const run = page.locator("#run-button");

    // no episode yet: Run is disabled and Ctrl+Enter runs nothing
    await poll(() => episodeStatus(page)).toBe("none");
    expect(await run.isDisabled()).toBe(true);
    await page.locator(".cm-content").click();
    await page.keyboard.press("ControlOrMeta+Enter");
    await poll(() => page.locator("#problem").textContent()).toMatch(/No episode yet/);
    expect(await page.locator("#history li.empty").count()).toBe(1);

    // the task list is one tab stop; arrow keys move through it
    await poll(() => page.locator('#task-list [role="option"]').count()).toBeGreaterThan(40);
    expect(await page.locator('#task-list [tabindex="0"]').count()).toBe(1);
    await page.focus("#task-search");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("task-option-1");
    // titles are sentences, and the file-store tasks no longer share one
    const titles = await page.locator("#task-list .title").allTextContents();
    expect(new Set(titles).size).toBe(titles.length);

    // picking a task starts an episode in it and puts its prompt in the editor
    await choose(page, task.id);
    expect(await page.locator(".cm-content").textContent()).toContain(task.entry_point);
    expect(await run.isEnabled()).toBe(true);

    // a scratch cell: its own value and stdout come first, the failing tests fold into a summary
    await typeCell(page, 'console.log("hello from the cell");\n6 * 7');
    await page.keyboard.press("ControlOrMeta+Enter");
    await poll(() => page.locator('[data-testid="value"]').textContent()).toContain("42");
    const order = await page
      .locator(
        '#observation [data-testid="value"], #observation [data-testid="stdout"], #observation [data-testid="grading"]',
      )
      .evaluateAll((nodes) => nodes.map((n) => n.getAttribute("data-testid")));
    expect(order).toEqual(["value", "stdout", "grading"]);
    const grading = page.locator('[data-testid="grading"]');
    expect(await grading.getAttribute("open")).toBeNull();
    expect(await grading.locator("summary").textContent()).toMatch(/Reward\s*0.*tests 0\/\d+ passed/);
    const folded = grading.locator("li.folded");
    expect(await folded.count()).toBeGreaterThan(0);
    expect(Number(await folded.first().getAttribute("data-count"))).toBeGreaterThan(1);
    expect(await folded.first().textContent()).toMatch(/is not defined/);
    await page.setViewportSize({ width: 390, height: 844 });
    shots.push(...(await screenshots(page, "web-scratch")));
    await page.setViewportSize({ width: 1280, height: 800 });

    // a runtime error on line 2: named plainly, the line marked in the editor
    await typeCell(page, "const fine = 1;\nnull.boom;\n");
    await run.click();
    await poll(() => page.locator('[data-testid="error"] h3').textContent()).toBe(
      "Runtime error: TypeError at line 2, column 6",
    );
    await poll(() => page.locator(".cm-error-line").getAttribute("data-error-line")).toBe("2");

    // two cells with the same first line are told apart in the history
    await typeCell(page, "const fine = 1;\n'second'");
    await run.click();
    await poll(() => page.locator("#history li").count()).toBe(3);
    expect(await page.locator("#history li").nth(2).locator(".second").textContent()).toBe(
      "line 2: 'second'",
    );

    // the fix: every test passes, and the page says to submit
    await typeCell(page, task.prompt + task.canonical_solution);
    await run.click();
    await poll(() => page.locator('[data-testid="reward"]').textContent()).toBe("1");
    await poll(() => episodeStatus(page)).toBe("passing");
    expect(await page.locator("#episode-status").textContent()).toContain("All tests pass: submit to finish");
    shots.push(...(await screenshots(page, "web-passing")));

    // "Submit…" leads to the submit form; submitting ends the episode and disables Run
    await page.click("#episode-action");
    expect(await page.locator("#tool-select").inputValue()).toBe("submit");
    await page.getByLabel("answer").fill("42");
    await page.click("#tool-call");
    await poll(() => episodeStatus(page)).toBe("done");
    expect(await page.locator("#episode-status").textContent()).toMatch(/Episode done \(submitted\): reset/);
    expect(await run.isDisabled()).toBe(true);
    expect(await page.locator("#tool-call").isDisabled()).toBe(true);
    // the final observation stays; Ctrl+Enter is refused without replacing it
    await page.locator(".cm-content").click();
    await page.keyboard.press("ControlOrMeta+Enter");
    await poll(() => page.locator("#problem").textContent()).toMatch(/Episode done/);
    expect(await page.locator('[data-testid="done"]').textContent()).toBe("done (submitted)");
    expect(await page.locator("#observation").textContent()).toContain("Tool submit");
    await page.setViewportSize({ width: 390, height: 844 });
    shots.push(...(await screenshots(page, "web-done")));
    await page.setViewportSize({ width: 1280, height: 800 });
    const columns = await page.locator(".layout").evaluate((n) => getComputedStyle(n).gridTemplateColumns);
    expect(columns.trim().split(/\s+/)).toHaveLength(2);

    // Reset from the status line starts over in the same task
    await page.click("#episode-action");
    await poll(() => episodeStatus(page)).toBe("live");
    await poll(() => page.locator("#state").textContent()).toMatch(/step_count\s*0/);
    expect(problems).toEqual([]);
    await page.close();
  });
});
