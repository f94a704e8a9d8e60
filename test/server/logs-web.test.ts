import { afterAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/server/log.ts";
import { taskTitle } from "../../src/server/tasks-routes.ts";
import { startServer, stopEngines } from "./helpers.ts";

afterAll(stopEngines);

describe("structured logs", () => {
  it("writes one JSON line per event at or above the level", () => {
    const lines: string[] = [];
    const logger = createLogger("info", (line) => lines.push(line));
    logger.log("debug", "hidden", {});
    logger.log("info", "step", { session_id: "s", latency_ms: 1.5 });
    logger.log("error", "boom", { code: "EXECUTION_ERROR" });
    expect(lines).toHaveLength(2);
    const first = JSON.parse(lines[0] ?? "") as Record<string, unknown>;
    expect(first).toMatchObject({ level: "info", event: "step", session_id: "s", latency_ms: 1.5 });
    expect(typeof first.time).toBe("string");
    expect(lines.every((l) => l.endsWith("\n") && !l.slice(0, -1).includes("\n"))).toBe(true);
    const silent: string[] = [];
    createLogger("silent", (line) => silent.push(line)).log("error", "x", {});
    expect(silent).toEqual([]);
  });
});

describe("task titles", () => {
  it("takes the first meaningful prompt line", () => {
    expect(
      taskTitle("/**\n * Returns the sum of a and b.\n * @param a\n */\nexport function add(a, b) {"),
    ).toBe("Returns the sum of a and b.");
    expect(taskTitle("\n\n// Reverse a string\nfunction r(s) {}")).toBe("Reverse a string");
  });

  it("takes a sentence, not a cut line; skips boilerplate the suite shares; prefers metadata.title", () => {
    const prompt =
      '/**\n * Compress runs: each run becomes the character\n * and its length. More text.\n *   f("aab") === "a2b"\n */';
    expect(taskTitle(prompt)).toBe("Compress runs: each run becomes the character and its length.");
    const shared = new Set(["The environment provides a file store"]);
    const files =
      "/**\n * The environment provides a file store:\n *   await read_file({ path })\n *\n * Read inputPath and write a report:\n */";
    expect(taskTitle(files, shared)).toBe("Read inputPath and write a report");
    expect(taskTitle(files)).toBe("The environment provides a file store");
    expect(taskTitle("/** Write two functions:\n * - a(): one\n */")).toBe("Write two functions");
    expect(taskTitle(prompt, new Set(), { title: "Run-length encoding" })).toBe("Run-length encoding");
    const long = `// ${"word ".repeat(60)}end.`;
    expect(taskTitle(long).length).toBeLessThanOrEqual(160);
    expect(taskTitle(long)).toMatch(/word…$/);
  });
});

describe("web page", () => {
  it("with web on, GET / redirects to /web/; without, / is 404", async () => {
    const on = await startServer({ web: true });
    const off = await startServer();
    try {
      const redirect = await fetch(`${on.url}/`, { redirect: "manual" });
      expect(redirect.status).toBeGreaterThanOrEqual(300);
      expect(redirect.status).toBeLessThan(400);
      expect(redirect.headers.get("location")).toMatch(/\/web\/$/);
      await redirect.text();
      const none = await fetch(`${off.url}/`);
      expect(none.status).toBe(404);
      await none.text();
    } finally {
      await on.close();
      await off.close();
    }
  });
});
