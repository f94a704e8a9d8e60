import { readFile, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, useTempDir } from "../cli-helpers.ts";

const tempDir = useTempDir("codeact-formats-");

/** Two records as nuprl/MultiPL-E's humaneval-js publishes them (keys and test shape). */
const multiplE = [0, 1].map((n) =>
  JSON.stringify({
    name: `HumanEval_${n}_add`,
    language: "js",
    prompt: `//Add ${n} to x.\nfunction add${n}(x){\n`,
    doctests: "transform",
    original: `HumanEval_${n}.py`,
    prompt_terminology: "reworded",
    tests: `const assert = require('node:assert');\n\n\nfunction test() {\n  let candidate = add${n};\n  assert.deepEqual(candidate(1),${1 + n});\n}\n\ntest();`,
    stop_tokens: ["\nfunction ", "\n/*", "\n//", "\nconsole.log"],
  }),
);

async function suiteFile(): Promise<string> {
  const path = join(tempDir(), "humaneval-js.jsonl");
  await writeFile(path, `${multiplE.join("\n")}\n`);
  return path;
}

describe("eval on a published MultiPL-E file with a sampling script's completions", () => {
  it("detects the format, names it in the summary, carries the lines' extra keys into the results", async () => {
    const suite = await suiteFile();
    const completions = join(tempDir(), "samples.jsonl");
    const out = join(tempDir(), "results.jsonl");
    const lines = [
      { task_id: "HumanEval_0_add", completion: "  return x;\n}\n", temperature: 0.8, model: "m1" },
      { task_id: "HumanEval_1_add", completion: "  return x + 1;\n}\n", temperature: 0.8, model: "m1" },
      { task_id: "HumanEval_1_add", completion: "  return x;\n}\n", sample_id: 7, logprob: -1.5 },
    ];
    await writeFile(completions, `${lines.map((l) => JSON.stringify(l)).join("\n")}\n`);
    const run = await cli(["eval", "--suite", suite, "--completions", completions, "--out", out]);
    expect(run.stderr).not.toMatch(/warning|error|invalid/i);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^suite humaneval-js \(multipl-e format, engine isolated-vm\): 2 tasks, 3 samples/,
    );
    expect(run.stdout).toMatch(/passed 2, failed 1/);
    const results = (await readFile(out, "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { task_id: string; sample_index: number; extra?: unknown });
    const byKey = new Map(results.map((r) => [`${r.task_id}#${r.sample_index}`, r]));
    expect(byKey.get("HumanEval_0_add#0")?.extra).toEqual({ temperature: 0.8, model: "m1" });
    expect(byKey.get("HumanEval_1_add#1")?.extra).toEqual({ sample_id: 7, logprob: -1.5 });
  });

  it("--format forces one; --json says which was read; a bad --format is a usage error", async () => {
    const suite = await suiteFile();
    const forced = await cli(["eval", "--suite", suite, "--format", "task", "--solutions", "wrong"]);
    expect(forced.code).toBe(1);
    expect(forced.stderr).toMatch(/humaneval-js\.jsonl:1: id: missing required field/);
    const json = await cli([
      "eval",
      "--suite",
      suite,
      "--format",
      "multipl-e",
      "--solutions",
      "wrong",
      "--json",
    ]);
    expect(JSON.parse(json.stdout)).toMatchObject({ format: "multipl-e", tasks: 2, failed: 2 });
    const bad = await cli(["eval", "--format", "csv"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--format must be auto, task, humaneval, multipl-e, exercism \(got 'csv'\)/);
  });

  it("a task file's own keys are kept with one warning; a typo is an error that says what was meant", async () => {
    const task = (id: string, extra: object) =>
      JSON.stringify({
        id,
        prompt: "",
        language: "js",
        tests: "assert.ok(true);",
        canonical_solution: "",
        ...extra,
      });
    const kept = join(tempDir(), "kept.jsonl");
    await writeFile(kept, `${task("a", { difficulty: 1 })}\n${task("b", { difficulty: 2 })}\n`);
    const ok = await cli(["eval", "--suite", kept, "--json"]);
    expect(ok.code).toBe(0);
    const warnings = ok.stderr.split("\n").filter((l) => l.startsWith("warning"));
    expect(warnings).toEqual([`warning: ${kept}: unknown keys kept in metadata: "difficulty" (2 lines)`]);
    const typo = join(tempDir(), "typo.jsonl");
    await writeFile(typo, `${task("a", { entrypoint: "f" })}\n`);
    const bad = await cli(["eval", "--suite", typo]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`${typo}:1: unknown key "entrypoint" (did you mean "entry_point"?)`);
  });
});

describe("eval --resume after an interrupted write", () => {
  it("drops the cut-off last line and grades its sample again, losing nothing else", async () => {
    const out = join(tempDir(), "resume.jsonl");
    const first = await cli([
      "eval",
      "--suite",
      "builtin",
      "--tasks",
      "builtin/slugify,builtin/compress-runs",
      "--out",
      out,
    ]);
    expect(first.code).toBe(0);
    const whole = await readFile(out, "utf8");
    const [line1, line2] = whole.trim().split("\n") as [string, string];
    // The second result was being written when the run stopped.
    await writeFile(out, `${line1}\n${line2.slice(0, Math.floor(line2.length / 2))}`);
    const again = await cli([
      "eval",
      "--suite",
      "builtin",
      "--tasks",
      "builtin/slugify,builtin/compress-runs",
      "--out",
      out,
      "--resume",
    ]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/resume\.jsonl:2: dropped an interrupted last line \(\d+ bytes/);
    expect(again.stdout).toMatch(/resuming: 1 samples already graded, 1 to go/);
    expect(again.stdout).toMatch(/2 tasks, 2 samples/);
    const lines = (await readFile(out, "utf8")).split("\n");
    expect(lines.at(-1)).toBe("");
    const parsed = lines.filter(Boolean).map((l) => JSON.parse(l) as { task_id: string });
    expect(parsed.map((r) => r.task_id).sort()).toEqual(["builtin/compress-runs", "builtin/slugify"]);
  });
});

describe("eval --agent against an endpoint that is down", () => {
  it("prints why the samples are infra errors", async () => {
    const port = await closedPort();
    const run = await cli([
      "eval",
      "--agent",
      "openai",
      "--base-url",
      `http://127.0.0.1:${port}/v1`,
      "--model",
      "m",
      "--tasks",
      "builtin/slugify",
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/infra errors 1/);
    expect(run.stdout).toContain(
      `infra error (1×): chat endpoint http://127.0.0.1:${port}/v1/chat/completions unreachable: fetch failed (connect ECONNREFUSED 127.0.0.1:${port})`,
    );
  });
});

/** A loopback port nothing listens on: bound, then released. */
function closedPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}
