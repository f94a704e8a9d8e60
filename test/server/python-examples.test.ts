/**
 * The README's Python examples, run for real against a real server with whatever Python this
 * machine has: each ```python block, with the server address swapped in, must exit 0 (the blocks
 * assert what they show). A block is skipped, saying why, when no Python has the modules it
 * imports (Debian: `apt-get install python3-requests python3-websockets`; the OpenEnv client
 * example needs `pip install openenv-core`).
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSuite } from "../../tasks/index.ts";
import { startServer, stopEngines, type TestServer } from "./helpers.ts";

const exec = promisify(execFile);
const README = resolve(import.meta.dirname, "../../README.md");
const PYTHONS = ["/usr/bin/python3", "python3"];

function pythonBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```python\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
}

/** Top-level modules a block imports. */
function importsOf(block: string): string[] {
  const names = new Set<string>();
  for (const m of block.matchAll(/^\s*(?:import\s+([\w., ]+)|from\s+([\w.]+)\s+import)/gm)) {
    const list = m[1] ?? m[2] ?? "";
    for (const part of list.split(",")) names.add(part.trim().split(/[ .]/)[0] ?? "");
  }
  names.delete("");
  return [...names];
}

/** The first Python that imports every module, or why there is none. */
function pythonFor(modules: readonly string[]): { python: string } | { missing: string } {
  for (const python of PYTHONS) {
    try {
      execFileSync(python, ["-c", `import ${["sys", ...modules].join(", ")}`], { stdio: "ignore" });
      return { python };
    } catch {
      // next candidate
    }
  }
  return { missing: `no Python on this machine imports ${modules.join(", ")} (tried ${PYTHONS.join(", ")})` };
}

const blocks = pythonBlocks(await readFile(README, "utf8"));
let server: TestServer;
let dir: string;

beforeAll(async () => {
  server = await startServer({ suite: await loadSuite("builtin"), batch: { concurrency: 4 } });
  dir = await mkdtemp(join(tmpdir(), "codeact-py-"));
});

afterAll(async () => {
  await server.close();
  await stopEngines();
  await rm(dir, { recursive: true, force: true });
});

describe("README Python examples", () => {
  it("has the examples the README promises", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(6);
  });

  blocks.forEach((block, i) => {
    const modules = importsOf(block);
    const found = pythonFor(modules);
    const title = `block ${i + 1} (${modules.join(", ") || "stdlib"})`;
    if ("missing" in found) {
      it.skip(`${title}: skipped, ${found.missing}`, () => undefined);
      return;
    }
    it(title, { timeout: 120_000 }, async () => {
      const address = new URL(server.url).host;
      const file = join(dir, `example-${i + 1}.py`);
      await writeFile(file, block.replaceAll("127.0.0.1:8000", address));
      const { stdout } = await exec(found.python, [file], {
        timeout: 100_000,
        env: { ...process.env, NO_PROXY: "127.0.0.1,localhost", no_proxy: "127.0.0.1,localhost" },
      });
      expect(stdout.length).toBeGreaterThan(0);
    });
  });
});
