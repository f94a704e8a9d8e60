import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gradeSamples } from "../../src/eval/index.ts";
import type { GradedItem } from "../../src/server/index.ts";
import { makeSuite, type Task } from "../../tasks/index.ts";
import { postJson, startServer, stopEngines, type TestServer } from "./helpers.ts";

const add: Task = {
  id: "t/add",
  prompt: "function add(a, b) {\n",
  language: "js",
  tests: `test("small", () => { expect(add(1, 2)).toBe(3); });\ntest("big", () => { expect(add(10, 20)).toBe(30); });\ntest("neg", () => { expect(add(-1, -2)).toBe(-3); });`,
};
const suite = makeSuite("unit", [add]);
let server: TestServer;

beforeAll(async () => {
  server = await startServer({
    suite,
    batch: { concurrency: 4, limits: { timeoutMs: 1000, cpuTimeMs: 1000 } },
  });
});

afterAll(async () => {
  await server.close();
  await stopEngines();
});

async function grade(body: unknown, query = "") {
  const r = await postJson(`${server.url}/grade${query}`, body);
  return { status: r.status, json: r.json as { results: GradedItem[]; summary: Record<string, number> } };
}

describe("POST /grade", () => {
  it("grades many items in input order; a bad item is an error for that item only", async () => {
    const { status, json } = await grade({
      items: [
        { task_id: "t/add", completion: "  return a + b;\n}" },
        { task_id: "t/add", completion: "  return a > 5 ? a + b : 3;\n}" },
        { task_id: "t/add", program: "const add = (a, b) => b + a;" },
        { task_id: "no/such", completion: "" },
        { task_id: "t/add", completion: "x", program: "y" },
        {
          tests: "assert.equal(double(4), 8)",
          program: "function double(x: number): number { return 2 * x }",
          language: "ts",
        },
        { tests: "assert.equal(double(4), 8)", program: "while (true) {}" },
        42,
      ],
    });
    expect(status).toBe(200);
    const r = json.results;
    expect(r.map((x) => x.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(r[0]).toMatchObject({ task_id: "t/add", passed: true, reward: 1, infra_error: false });
    expect(r[0]?.tests).toEqual({ passed: 3, failed: 0, skipped: 0, total: 3 });
    expect(r[1]).toMatchObject({ passed: false, error_kind: "tests_failed" });
    expect(r[1]?.reward).toBeCloseTo(2 / 3);
    expect(r[1]?.cases?.find((c) => c.status === "failed")?.name).toBe("neg");
    expect(r[2]).toMatchObject({ passed: true, reward: 1 });
    expect(r[3]).toMatchObject({ passed: false, reward: null, error_kind: "invalid_item" });
    expect(r[3]?.error?.message).toMatch(/unknown task_id 'no\/such'/);
    expect(r[4]?.error?.message).toMatch(/exactly one of 'completion' or 'program'/);
    expect(r[5]).toMatchObject({ passed: true, reward: 1, task_id: null });
    expect(r[6]).toMatchObject({ passed: false, reward: 0, error_kind: "timeout", infra_error: false });
    expect(r[7]?.error).toBeDefined();
    expect(r[0]?.usage?.wall_ms).toBeGreaterThan(0);
    expect(json.summary).toMatchObject({ total: 8, passed: 3, infra_errors: 0, invalid: 3 });
  });

  it("binary rewards on request; the request itself is validated", async () => {
    const { json } = await grade({
      items: [{ task_id: "t/add", completion: "  return a > 5 ? a + b : 3;\n}" }],
      reward: "binary",
    });
    expect(json.results[0]?.reward).toBe(0);
    const bad = await postJson(`${server.url}/grade`, { items: "nope" });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.json)).toContain('"loc":["body","items"]');
    const notJson = await postJson(`${server.url}/grade`, "{oops");
    expect(notJson.status).toBe(422);
    const tooMany = await postJson(`${server.url}/grade`, { items: new Array(10_001).fill(1) });
    expect(tooMany.status).toBe(422);
  });

  it("answers OpenRLHF's remote-reward shape (query = prompt + response, label = task id)", async () => {
    const prompt = "<|user|>Complete add.<|assistant|>";
    const body = {
      query: [
        `${prompt}Here it is:\n\`\`\`js\nfunction add(a, b) { return a + b; }\n\`\`\``,
        `${prompt}\`\`\`js\nfunction add(a, b) { return a - b; }\n\`\`\``,
        `${prompt}  return a + b;\n}`,
        `${prompt}anything`,
      ],
      prompts: [prompt, prompt, prompt, prompt],
      labels: ["t/add", "t/add", "t/add", "unknown"],
    };
    const r = await postJson(`${server.url}/grade`, body);
    expect(r.status).toBe(200);
    const json = r.json as { rewards: number[]; scores: number[]; extra_logs: Record<string, number[]> };
    expect(json.rewards[0]).toBe(1);
    expect(json.rewards[1]).toBeCloseTo(0);
    expect(json.rewards[2]).toBe(1);
    expect(json.rewards[3]).toBe(0);
    expect(json.scores).toEqual(json.rewards);
    expect(json.extra_logs).toEqual({
      passed: [1, 0, 1, 0],
      infra_error: [0, 0, 0, 0],
      invalid: [0, 0, 0, 1],
    });
    const mismatched = await postJson(`${server.url}/grade`, { query: ["a"], labels: [] });
    expect(mismatched.status).toBe(422);
    expect(JSON.stringify(mismatched.json)).toMatch(/same length/);
  });

  it("gives the same verdicts as codeact-env eval's grader on the same samples", async () => {
    const completions = [
      "  return a + b;\n}",
      "  return a * b;\n}",
      "  throw new Error('no');\n}",
      "  return a + b",
    ];
    const local = await gradeSamples(
      completions.map((completion, index) => ({ task: add, index, completion })),
      { concurrency: 2 },
    );
    const { json } = await grade({
      items: completions.map((completion) => ({ task_id: "t/add", completion })),
    });
    expect(json.results.map((r) => [r.passed, r.tests, r.error_kind])).toEqual(
      local.map((l) => [l.passed, l.tests, l.error_kind]),
    );
  });
});
