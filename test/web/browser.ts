/**
 * Shared by the browser tests: Debian's Chromium (installed when missing) driven by playwright-core
 * against a real server on a loopback port.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import type { Page } from "playwright-core";
import { expect } from "vitest";
import { CodeActEnv } from "../../src/env/index.ts";
import { type CodeActServer, createServer } from "../../src/server/index.ts";
import type { Suite, Task } from "../../tasks/index.ts";

export const CHROMIUM = "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
/** The test output folder (gitignored): screenshots a person looks at. */
export const OUT_DIR = "test-results";

/** Installs Chromium when missing; gives the reason the browser test must be skipped, if any. */
export function ensureChromium(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  try {
    execFileSync("apt-get", ["update"], { stdio: "ignore", timeout: 300_000 });
    execFileSync("apt-get", ["install", "-y", "chromium"], { stdio: "ignore", timeout: 600_000 });
  } catch (error) {
    return `${CHROMIUM} is missing and 'apt-get install -y chromium' failed: ${(error as Error).message}`;
  }
  return existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is still missing after apt-get install chromium`;
}

export interface Running {
  server: CodeActServer;
  url: string;
  port: number;
}

export function startServer(suite: Suite, port: number): Promise<Running> {
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
export async function typeCell(page: Page, code: string): Promise<void> {
  await page.locator(".cm-content").click();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.press("Delete");
  if (code !== "") await page.keyboard.insertText(code);
}

/** Steps start sandboxes and run graders on 2 busy cores: give the page time to show results. */
export function poll<T>(read: () => Promise<T>) {
  return expect.poll(read, { timeout: 20_000, interval: 100 });
}

export function pickTask(suite: Suite): Task & { entry_point: string; canonical_solution: string } {
  const task = suite.tasks.find((t) => t.language === "js" && t.entry_point && t.canonical_solution);
  if (!task?.entry_point || typeof task.canonical_solution !== "string")
    throw new Error("builtin suite has no js task with a solution");
  return { ...task, entry_point: task.entry_point, canonical_solution: task.canonical_solution };
}

/** Screenshots of the viewport and of the whole page at one size; returns their paths. */
export async function screenshots(page: Page, name: string): Promise<string[]> {
  await mkdir(OUT_DIR, { recursive: true });
  const { width, height } = page.viewportSize() ?? { width: 0, height: 0 };
  const view = `${OUT_DIR}/${name}-${width}x${height}.png`;
  const full = `${OUT_DIR}/${name}-${width}x${height}-full.png`;
  await page.screenshot({ path: view });
  await page.screenshot({ path: full, fullPage: true });
  return [view, full];
}

/** Text of the episode status line under the Run button. */
export function episodeStatus(page: Page): Promise<string | null> {
  return page.locator("#episode-status").getAttribute("data-state");
}
