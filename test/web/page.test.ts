/**
 * The human-agent page in a real Chromium against the real server and environment: pick a task,
 * fail its tests, fix it, use the tool form and inspector, survive a server restart.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { shutdownEngines } from "../../sandbox/index.ts";
import { CodeActEnv } from "../../src/env/index.ts";
import { type CodeActServer, createServer } from "../../src/server/index.ts";
import { loadSuite, type Suite, type Task } from "../../tasks/index.ts";

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Installs Chromium when missing; gives the reason the browser test must be skipped, if any. */
function ensureChromium(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  try {
    execFileSync("apt-get", ["update"], { stdio: "ignore", timeout: 300_000 });
    execFileSync("apt-get", ["install", "-y", "chromium"], { stdio: "ignore", timeout: 600_000 });
  } catch (error) {
    return `${CHROMIUM} is missing and 'apt-get install -y chromium' failed: ${(error as Error).message}`;
  }
  return existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is still missing after apt-get install chromium`;
}

const skipReason = ensureChromium();
if (skipReason !== undefined) console.warn(`[test/web/page] skipped: ${skipReason}`);

function startServer(
  suite: Suite,
  port: number,
): Promise<{ server: CodeActServer; url: string; port: number }> {
  const server = createServer({
    createEnv: () => new CodeActEnv({ suite }),
    suite,
    port,
    web: true,
    logLevel: "silent",
  });
  return server.start().then((address) => ({ server, ...address }));
}

/** Replaces the editor's text; insertText avoids auto-indent and bracket closing. */
async function typeCell(page: Page, code: string): Promise<void> {
  await page.locator(".cm-content").click();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(code);
}

/** Steps start sandboxes and run graders on 2 busy cores: give the page time to show results. */
function poll<T>(read: () => Promise<T>) {
  return expect.poll(read, { timeout: 20_000, interval: 100 });
}

function pickTask(suite: Suite): Task & { entry_point: string; canonical_solution: string } {
  const task = suite.tasks.find((t) => t.language === "js" && t.entry_point && t.canonical_solution);
  if (!task?.entry_point || typeof task.canonical_solution !== "string")
    throw new Error("builtin suite has no js task with a solution");
  return { ...task, entry_point: task.entry_point, canonical_solution: task.canonical_solution };
}

describe.skipIf(skipReason !== undefined)("web page (Chromium, real server)", () => {
  let suite: Suite;
  let browser: BrowserContext;
  let userDataDir: string;
  let running: { server: CodeActServer; url: string; port: number } | undefined;
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    suite = await loadSuite("builtin");
    running = await startServer(suite, 0);
    userDataDir = await mkdtemp(join(tmpdir(), "codeact-chromium-"));
    // a fresh profile directory (Playwright passes it as --user-data-dir)
    browser = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 1000 },
    });
  });

  afterAll(async () => {
    await browser?.close();
    await running?.server.close();
    await shutdownEngines();
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
  });

  it("plays an episode: wrong cell, error line, fix, tools, inspector, reconnect", {
    timeout: 180_000,
  }, async () => {
    const task = pickTask(suite);
    const page = await browser.newPage();
    page.on("console", (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) cspViolations.push(m.text());
    });
    page.on("pageerror", (e) => pageErrors.push(String(e)));
    onTestFailed(async () => {
      console.error("[test/web/page] observation panel:", await page.locator("#observation").textContent());
      await page.screenshot({ path: "test-results/web-failure.png", fullPage: true }).catch(() => undefined);
    });
    if (running === undefined) throw new Error("server not started");
    await page.goto(`${running.url}/web`);
    expect(page.url()).toBe(`${running.url}/web/`);
    await poll(() => page.locator("#conn-status").textContent()).toBe("Connected");

    // pick the task by searching for its id
    await page.fill("#task-search", task.id);
    await page.locator(`[data-task-id="${task.id}"]`).click();
    await poll(() => page.locator("#task-prompt").textContent()).toBe(task.prompt);
    await poll(() => page.locator("#state").textContent()).toContain(task.id);

    // a wrong solution: every hidden test fails, reward 0 (run with the keyboard shortcut)
    await typeCell(page, `function ${task.entry_point}() {\n  throw new Error("not done yet");\n}`);
    await page.keyboard.press("ControlOrMeta+Enter");
    const tests = page.locator('[data-testid="tests"]');
    await poll(() => tests.locator("li.fail").count()).toBeGreaterThan(0);
    expect(await tests.locator("li.pass").count()).toBe(0);
    expect(await page.locator('[data-testid="reward"]').textContent()).toBe("0");
    expect(await page.locator("#observation table").textContent()).toContain("(root)");
    expect(await page.locator('[data-testid="usage"]').textContent()).toMatch(
      /wall [\d.]+ ms · cpu [\d.]+ ms · heap/,
    );

    // a runtime error on line 2: shown with kind/name/message and the line marked in the editor
    await typeCell(page, "const fine = 1;\nnull.boom;\n");
    await page.click("#run-button");
    await poll(() => page.locator('[data-testid="error"]').textContent()).toMatch(
      /runtime error — TypeError at line 2/,
    );
    await poll(() => page.locator(".cm-error-line").getAttribute("data-error-line")).toBe("2");

    // the fix: the prompt completed with the canonical solution; reward 1
    await typeCell(page, task.prompt + task.canonical_solution);
    await page.click("#run-button");
    await poll(() => page.locator('[data-testid="reward"]').textContent()).toBe("1");
    expect(await tests.locator("li.fail").count()).toBe(0);
    expect(await tests.locator("li.pass").count()).toBeGreaterThan(0);
    await poll(() => page.locator("#history li").count()).toBe(3);
    await poll(() => page.locator("#state").textContent()).toMatch(/step_count\s*3/);
    await mkdir("test-results", { recursive: true });
    await page.screenshot({ path: "test-results/web-episode.png", fullPage: true });

    // narrow screens get a single column
    await page.setViewportSize({ width: 600, height: 900 });
    const columns = await page.locator(".layout").evaluate((n) => getComputedStyle(n).gridTemplateColumns);
    expect(columns.trim().split(/\s+/)).toHaveLength(1);
    await page.setViewportSize({ width: 1280, height: 1000 });

    // history: loading step 1 puts the wrong cell back into the editor
    await page.locator('#history button[data-step="1"]').click();
    expect(await page.locator(".cm-content").textContent()).toContain("not done yet");

    // tool form generated from the tools' JSON Schemas, and the inspector
    const toolNames = await page.locator("#tool-select option").allTextContents();
    expect(toolNames.length).toBeGreaterThan(0);
    expect(await page.locator("#inspector details[data-tool]").count()).toBe(toolNames.length);
    for (const key of ["action", "observation", "state"]) {
      expect(await page.locator(`#inspector details[data-schema="${key}"] pre`).textContent()).toContain("{");
    }
    expect(await page.locator("#inspector").textContent()).toContain("codeact");
    expect(toolNames).toEqual(expect.arrayContaining(["submit", "write_file"]));

    // write_file through the generated form: a missing required field is refused in the page
    await page.selectOption("#tool-select", "write_file");
    await page.click("#tool-call");
    await poll(() => page.locator("#tool-fields .err:visible").first().textContent()).toBe(
      "path is required",
    );
    await page.getByLabel("path").fill("notes.txt");
    await page.getByLabel("content").fill("hello");
    await page.click("#tool-call");
    await poll(() => page.locator("#observation").textContent()).toContain("Tool write_file");
    expect(await page.locator("#observation pre").first().textContent()).toMatch(/"bytes": 5/);

    // submit ends the episode; a further step gets a server error frame, shown readably
    await page.selectOption("#tool-select", "submit");
    await page.getByLabel("answer").fill("42");
    await page.click("#tool-call");
    await poll(() => page.locator("#observation .reward").textContent()).toContain("done (submitted)");
    await page.click("#run-button");
    const refusal = page.locator('[data-testid="server-error"]');
    await poll(() => refusal.textContent()).toMatch(
      /Server refused the step: EXECUTION_ERROR.*episode is done/,
    );

    // reconnect: the server goes away and comes back on the same port; the page says the episode is lost
    const { port } = running;
    await running.server.close();
    running = undefined;
    await poll(() => page.locator("#notice-text").textContent()).toMatch(
      /connection to the server was lost/i,
    );
    running = await startServer(suite, port);
    await poll(() => page.locator("#notice-text").textContent()).toMatch(/Reconnected.*episode was lost/);
    await poll(() => page.locator("#conn-status").textContent()).toBe("Connected");
    await page.click("#notice-reset");
    await poll(() => page.locator("#notice").isHidden()).toBe(true);
    await poll(() => page.locator("#state").textContent()).toMatch(/step_count\s*0/);

    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
