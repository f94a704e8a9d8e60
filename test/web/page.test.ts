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

  /** Screenshots at the desktop and the phone size the issue names; the page ends at desktop size. */
  async function bothSizes(page: Page, name: string): Promise<string[]> {
    const paths = await screenshots(page, name);
    await page.setViewportSize({ width: 390, height: 844 });
    paths.push(...(await screenshots(page, name)));
    await page.setViewportSize({ width: 1280, height: 800 });
    return paths;
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
    shots.push(...(await bothSizes(page, "web-scratch")));

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
    shots.push(...(await bothSizes(page, "web-done")));
    const columns = await page.locator(".layout").evaluate((n) => getComputedStyle(n).gridTemplateColumns);
    expect(columns.trim().split(/\s+/)).toHaveLength(2);

    // Reset from the status line starts over in the same task
    await page.click("#episode-action");
    await poll(() => episodeStatus(page)).toBe("live");
    await poll(() => page.locator("#state").textContent()).toMatch(/step_count\s*0/);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("is a playground: Tab indents, raw frames, code kept across a reload, Stop", {
    timeout: 180_000,
  }, async () => {
    const task = pickTask(suite);
    const page = await openPage();
    await choose(page, task.id);
    // the editor's lines, joined (textContent of the whole editor loses the line breaks)
    const editorText = async () => (await page.locator(".cm-line").allTextContents()).join("\n");

    // Tab indents inside the editor; Escape then Tab leaves it
    await typeCell(page, "");
    await page.keyboard.press("Tab");
    await page.keyboard.insertText("indented");
    expect(await editorText()).toMatch(/^\s+indented/);
    // (the first Escape closes the completion list that typing opened, as in any code editor)
    await page.keyboard.press("Escape");
    await page.keyboard.press("Escape");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.closest(".cm-editor") === null)).toBe(true);

    // raw frames: the request and reply of the step on show; an edited frame carries timeout_ms
    await typeCell(page, "1 + 1");
    await page.click("#run-button");
    await poll(() => page.locator('[data-testid="value"]').textContent()).toContain("2");
    await page.check("#raw-toggle");
    const frames = page.locator("#raw-frames pre");
    expect(JSON.parse((await frames.nth(0).textContent()) ?? "")).toEqual({
      type: "step",
      data: { code: "1 + 1", language: "js" },
    });
    expect(JSON.parse((await frames.nth(1).textContent()) ?? "")).toMatchObject({
      type: "observation",
      data: { observation: { value: "2" }, done: false },
    });
    await page.fill("#raw-request", "{not json");
    await page.click("#raw-send");
    expect(await page.locator("#raw-error").textContent()).toMatch(/Not valid JSON/);
    const edited = { type: "step", data: { code: "'slow ok'", language: "js", timeout_ms: 20_000 } };
    await page.fill("#raw-request", JSON.stringify(edited));
    await page.click("#raw-send");
    await poll(() => page.locator("#history li").count()).toBe(2);
    expect(await page.locator("#history li").nth(1).textContent()).toMatch(/^raw \{/);
    expect(JSON.parse((await frames.nth(0).textContent()) ?? "")).toEqual(edited);
    expect(await page.locator('[data-testid="value"]').textContent()).toContain("slow ok");
    await page.uncheck("#raw-toggle");

    // tool forms: a path is one line, a content a text box; a failing tool's error reads plainly
    await page.selectOption("#tool-select", "write_file");
    expect(await page.getByLabel("path").evaluate((n) => n.tagName)).toBe("INPUT");
    expect(await page.getByLabel("content").evaluate((n) => n.tagName)).toBe("TEXTAREA");
    await page.selectOption("#tool-select", "read_file");
    await page.getByLabel("path").fill("missing.txt");
    await page.click("#tool-call");
    await poll(() => page.locator('[data-testid="error"] h3').textContent()).toMatch(/^Tool error \(\w+\)$/);

    // the cell is kept per task across a reload, which also brings the task back
    const kept = `// kept across reloads\nconst keep = "${task.entry_point}";`;
    await typeCell(page, kept);
    await page.reload();
    await poll(() => page.locator("#conn-status").textContent()).toBe("Connected");
    await poll(editorText).toBe(kept);
    await poll(() => page.locator('#task-list [aria-selected="true"]').getAttribute("data-task-id")).toBe(
      task.id,
    );
    await poll(() => page.locator("#state").textContent()).toContain(task.id);
    await poll(() => episodeStatus(page)).toBe("live");
    // ...and per task: another task shows its own prompt, coming back shows the kept cell
    const other = suite.tasks.find((t) => t.id !== task.id && t.language === "js");
    if (other === undefined) throw new Error("builtin suite has a single js task");
    await choose(page, other.id);
    expect(await editorText()).toBe(other.prompt);
    await choose(page, task.id);
    expect(await editorText()).toBe(kept);

    // Stop: a cell that never ends is cut off; the earlier steps are replayed into a new episode
    await typeCell(page, "globalThis.before = 41;");
    await page.click("#run-button");
    await poll(() => page.locator("#history li button").count()).toBe(1);
    await typeCell(page, "while (true) {}");
    await page.click("#run-button");
    await poll(() => page.locator("#stop-button").isVisible()).toBe(true);
    await page.click("#stop-button");
    await poll(() => page.locator("#problem").textContent()).toMatch(/^Stopped\./);
    await poll(() => episodeStatus(page)).toBe("live");
    await poll(() => page.locator("#state").textContent()).toMatch(/step_count\s*1/);
    expect(await page.locator("#stop-button").isHidden()).toBe(true);
    // the replayed step rebuilt the sandbox's state
    await typeCell(page, "before + 1");
    await page.click("#run-button");
    await poll(() => page.locator('[data-testid="value"]').textContent()).toContain("42");
    expect(problems).toEqual([]);
    await page.close();
  });

  it("survives a server restart: Run disabled while down, task list reloaded, replay offered", {
    timeout: 180_000,
  }, async () => {
    const task = pickTask(suite);
    const page = await openPage();
    await choose(page, task.id);
    await typeCell(page, "globalThis.seen = 'kept';");
    await page.click("#run-button");
    await poll(() => page.locator("#history li button").count()).toBe(1);

    if (running === undefined) throw new Error("server not started");
    const { port } = running;
    await running.server.close();
    running = undefined;
    await poll(() => page.locator("#notice-text").textContent()).toMatch(
      /connection to the server was lost/i,
    );
    await poll(() => episodeStatus(page)).toBe("offline");
    expect(await page.locator("#run-button").isDisabled()).toBe(true);
    // a search while the server is down fails...
    await page.fill("#task-search", "");
    await poll(() => page.locator("#task-count").textContent()).toMatch(/Task list unavailable/);
    await page.setViewportSize({ width: 390, height: 844 });
    shots.push(...(await screenshots(page, "web-offline")));
    await page.setViewportSize({ width: 1280, height: 800 });

    running = await startServer(suite, port);
    // ...and the list comes back with the connection; the lost episode can be replayed
    await poll(() => page.locator("#task-count").textContent()).toMatch(/^\d+ tasks found/);
    await poll(() => page.locator("#conn-status").textContent()).toBe("Connected");
    await poll(() => page.locator("#notice-text").textContent()).toMatch(/Reconnected.*was lost/);
    expect(await page.locator("#problem").textContent()).toBe("");
    expect(await page.locator("#run-button").isDisabled()).toBe(true);
    expect(await page.locator("#notice-replay").textContent()).toBe(
      `Reset into ${task.id} and replay 1 step`,
    );
    shots.push(...(await screenshots(page, "web-reconnected")));
    await page.click("#notice-replay");
    await poll(() => page.locator("#notice").isHidden()).toBe(true);
    await poll(() => episodeStatus(page)).toBe("live");
    await poll(() => page.locator("#state").textContent()).toMatch(/step_count\s*1/);
    expect(await page.locator("#state").textContent()).toContain(task.id);
    await typeCell(page, "seen");
    await page.click("#run-button");
    await poll(() => page.locator('[data-testid="value"]').textContent()).toContain("kept");
    expect(problems.filter((p) => !/Failed to load resource|404|ERR_CONNECTION_REFUSED/.test(p))).toEqual([]);
    await page.close();
  });
});
