/**
 * `codeact-env bench --only grader` end to end on a few HumanEval-X tasks (the suite used by path,
 * cut into a temporary dir): the rows a reader compares are there and hold real measurements.
 * Figures are printed, never asserted against targets (these machines are shared and noisy).
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINE_NAMES } from "../../sandbox/index.ts";

const exec = promisify(execFile);
const CLI = resolve(import.meta.dirname, "../../src/cli/main.ts");
const SUITE = resolve(import.meta.dirname, "../../../shared/suites/humaneval-x-js.jsonl");
const TASKS = 6;
/** The public suites live beside the checkout (../shared); a clone elsewhere has none. */
const hasSuite = existsSync(SUITE);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "codeact-bench-"));
  if (!hasSuite) return;
  const lines = (await readFile(SUITE, "utf8")).split("\n").slice(0, TASKS);
  await writeFile(join(dir, "humaneval-x-js.jsonl"), `${lines.join("\n")}\n`);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function bench(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [CLI, "bench", ...args], { timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("codeact-env bench --only grader", () => {
  it.skipIf(!hasSuite)(
    "grades the references on each engine, a node process per sample and empty samples; --json rows (needs ../shared/suites beside the checkout)",
    async () => {
      const { code, stdout } = await bench(["--quick", "--only", "grader", "--suites-dir", dir, "--json"]);
      expect(code).toBe(0);
      const rows = JSON.parse(stdout) as Array<{ part: string; name: string; value: number; note?: string }>;
      const byName = new Map(rows.map((r) => [r.name, r]));
      expect(rows.every((r) => r.part === "grader" && Number.isFinite(r.value) && r.value > 0)).toBe(true);
      const node = byName.get("grade: per sample, one node process each");
      expect(node?.note).toMatch(/^6 samples, concurrency \d+$/);
      for (const engine of ENGINE_NAMES) {
        const ours = byName.get(`grade (${engine}): per sample`);
        const empty = byName.get(`grade (${engine}): per empty sample`)?.value ?? Number.NaN;
        expect(ours?.note).toBe(`humaneval-x-js references: ${TASKS} samples, ${TASKS} passed`);
        const speedUp = byName.get(`grade (${engine}): speed-up vs node per sample`)?.value;
        expect(speedUp).toBeCloseTo((node?.value ?? Number.NaN) / (ours?.value ?? Number.NaN), 6);
        const ceiling = byName.get(`grade (${engine}): speed-up ceiling`)?.value;
        expect(ceiling).toBeCloseTo((node?.value ?? Number.NaN) / empty, 6);
      }
      expect(rows).toHaveLength(9);
    },
  );

  it.skipIf(!hasSuite)(
    "fork and batch parts: fork per child for each history and N, /grade over HTTP vs in process",
    async () => {
      const { code, stdout } = await bench([
        "--quick",
        "--only",
        "fork,batch",
        "--suites-dir",
        dir,
        "--json",
      ]);
      expect(code).toBe(0);
      const rows = JSON.parse(stdout) as Array<{ part: string; name: string; value: number; note?: string }>;
      expect(rows.every((r) => Number.isFinite(r.value) && r.value > 0)).toBe(true);
      const fork = rows.filter((r) => r.part === "fork");
      expect(fork.map((r) => r.name)).toEqual(
        [1, 10, 50].flatMap((h) => [
          ...[1, 8, 64].map((n) => `fork: ${h} cell(s) of history, ${n} child(ren)`),
          ...(h === 10 ? ["fork: 10 cells of history, 1 child, 200 ms apart"] : []),
        ]),
      );
      const batch = new Map(rows.filter((r) => r.part === "batch").map((r) => [r.name, r]));
      expect(batch.get("grade in process (eval's gradeSamples)")?.note).toMatch(/6 samples.*6 passed$/);
      expect(batch.get("grade over HTTP: POST /grade, one request")?.note).toBe("6 passed");
      expect(batch.get("grade over HTTP / in process (one request)")?.value).toBeGreaterThan(0);
    },
  );

  it("rejects an unknown part with exit 2, naming it", async () => {
    const { code, stderr, stdout } = await bench(["--only", "grader,grade"]);
    expect(code).toBe(2);
    expect(stderr).toContain(
      "--only takes sandbox, layers, grader, server, fork, batch, typecheck (got 'grade')",
    );
    expect(stdout).toBe("");
  });

  it("says the grader was skipped when the suite is not there", async () => {
    const { code, stderr, stdout } = await bench([
      "--only",
      "grader",
      "--suites-dir",
      join(dir, "none"),
      "--json",
    ]);
    expect(code).toBe(0);
    expect(stderr).toContain("grader skipped");
    expect(JSON.parse(stdout)).toEqual([]);
  });
});
