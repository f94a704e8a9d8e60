import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { nodeVersionProblem } from "../../src/cli/main.ts";
import { builtinTasks } from "../../tasks/index.ts";
import { cli, useTempDir } from "../cli-helpers.ts";

const tempDir = useTempDir("codeact-eval-");

const summaryKeys = ["suite", "tasks", "samples", "passed", "failed", "infra_errors", "skipped", "pass_at_k"];

describe("codeact-env eval", () => {
  it("--solutions canonical: every built-in reference passes; --json summary on stdout", async () => {
    const { code, stdout } = await cli(["eval", "--suite", "builtin", "--solutions", "canonical", "--json"]);
    expect(code).toBe(0);
    const summary = JSON.parse(stdout);
    for (const key of summaryKeys) expect(summary).toHaveProperty(key);
    expect(summary.tasks).toBe(builtinTasks.length);
    expect(summary.passed).toBe(builtinTasks.length);
    expect(summary.failed).toBe(0);
    expect(summary.pass_at_k).toEqual({ "1": 1 });
  });

  it("--solutions wrong: every built-in task fails on an empty body", async () => {
    const { code, stdout } = await cli(["eval", "--suite", "builtin", "--solutions", "wrong", "--json"]);
    expect(code).toBe(0);
    const summary = JSON.parse(stdout);
    expect(summary.passed).toBe(0);
    expect(summary.failed).toBe(builtinTasks.length);
  });

  it("grades a completions file with several samples per task, reports bad lines by number, resumes", async () => {
    const [a, b] = builtinTasks as [(typeof builtinTasks)[0], (typeof builtinTasks)[0]];
    const lines = [
      JSON.stringify({ task_id: a.id, completion: a.canonical_solution }),
      JSON.stringify({ task_id: a.id, completion: "" }),
      "{not json",
      JSON.stringify({ task_id: "nope/none", completion: "1" }),
      JSON.stringify({ task_id: b.id, completion: b.canonical_solution }),
    ];
    const completions = join(tempDir(), "completions.jsonl");
    const out = join(tempDir(), "results.jsonl");
    await writeFile(completions, `${lines.join("\n")}\n`);
    const first = await cli(["eval", "--completions", completions, "--out", out, "--k", "1,2", "--json"]);
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(/completions\.jsonl:3: /);
    expect(first.stderr).toMatch(/completions\.jsonl:4: unknown task_id 'nope\/none'/);
    const summary = JSON.parse(first.stdout);
    expect(summary).toMatchObject({ samples: 3, passed: 2, failed: 1, input_errors: 2 });
    expect(summary.pass_at_k["1"]).toBeCloseTo((0.5 + 1) / 2, 6);
    expect(summary.pass_at_k["2"]).toBe(1);
    const written = (await readFile(out, "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(written).toHaveLength(3);
    expect(written[0]).toHaveProperty("tests");
    expect(written[0]).toHaveProperty("usage");
    const again = await cli(["eval", "--completions", completions, "--out", out, "--resume", "--json"]);
    expect(again.stderr).toMatch(/resuming: 3 samples already graded, 0 to go/);
    expect(JSON.parse(again.stdout)).toMatchObject({ samples: 3, passed: 2 });
  });

  it("rejects bad flags with exit 2 and a clear message", async () => {
    const r = await cli(["eval", "--engine", "v8"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--engine must be isolated-vm or quickjs/);
    const s = await cli(["eval", "--bogus"]);
    expect(s.code).toBe(2);
    const t = await cli(["eval", "--resume"]);
    expect(t.stderr).toMatch(/--resume needs --out/);
  });
});

describe("codeact-env on an old Node", () => {
  it("names the Node it needs before any command runs", () => {
    expect(nodeVersionProblem("20.20.2")).toMatch(/^Node >= 22 is needed \(this is 20\.20\.2\)/);
    expect(nodeVersionProblem("22.23.3")).toBeUndefined();
    expect(nodeVersionProblem("24.21.0")).toBeUndefined();
  });
});

describe("codeact-env run", () => {
  it("runs files as successive cells of one session; --json prints one observation per line", async () => {
    const first = join(tempDir(), "a.ts");
    const second = join(tempDir(), "b.js");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the cell itself uses a template literal
    await writeFile(first, "const greet = (n: string): string => `hi ${n}`;\nconsole.log(greet('a'));\n");
    await writeFile(second, "greet('b')\n");
    const text = await cli(["run", first, second]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/hi a/);
    expect(text.stdout).toMatch(/=> 'hi b'/);
    const json = await cli(["run", first, second, "--json"]);
    const observations = json.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(observations).toHaveLength(2);
    expect(observations[1].value).toBe("'hi b'");
    const failing = join(tempDir(), "c.js");
    await writeFile(failing, "\n\nnull.x\n");
    const bad = await cli(["run", failing]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/error \[runtime\] TypeError: .* \(line 3/);
  });
});
