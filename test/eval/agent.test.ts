import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { extractCode } from "../../src/eval/index.ts";

const exec = promisify(execFile);
const CLI = resolve(import.meta.dirname, "../../src/cli/main.ts");

const task = {
  id: "agent/double",
  prompt: "Write a function double(n) that returns n * 2.",
  language: "js",
  tests:
    "test('doubles', () => { expect(double(2)).toBe(4); });\ntest('zero', () => { expect(double(0)).toBe(0); });",
  entry_point: "double",
};

/** A scripted OpenAI-compatible chat endpoint: the reply depends on how far the conversation is. */
const SCRIPT = [
  "Let me try.\n```js\nfunction double(n) { return n + 1; }\n```",
  "Fix it.\n```javascript\nfunction double(n) { return n * 2; }\n```",
  "Done.\n```js\nawait submit({ answer: 'done' })\n```",
];

let server: Server;
let baseUrl: string;
let dir: string;
const seenRequests: Array<{
  messages: Array<{ role: string; content: string }>;
  model: string;
  auth?: string;
}> = [];

async function body(req: IncomingMessage): Promise<string> {
  let text = "";
  for await (const chunk of req) text += chunk;
  return text;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "codeact-agent-"));
  await writeFile(join(dir, "suite.jsonl"), `${JSON.stringify(task)}\n`);
  server = createServer(async (req, res) => {
    const request = JSON.parse(await body(req));
    seenRequests.push({ ...request, auth: req.headers.authorization });
    if (req.url !== "/v1/chat/completions") {
      res.writeHead(404).end();
      return;
    }
    const turn = request.messages.filter((m: { role: string }) => m.role === "assistant").length;
    const content = SCRIPT[turn] ?? "I am finished.";
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ choices: [{ index: 0, message: { role: "assistant", content } }] }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  await rm(dir, { recursive: true, force: true });
});

it("extracts js/ts code blocks and ignores other languages", () => {
  const reply = "```python\nprint(1)\n```\n```ts\nconst a: number = 1\n```\n```\nplain()\n```";
  expect(extractCode(reply)).toEqual([
    { code: "const a: number = 1\n", language: "ts" },
    { code: "plain()\n", language: undefined },
  ]);
});

it("runs a multi-turn CodeAct agent against an OpenAI-compatible endpoint until submit", async () => {
  const transcripts = join(dir, "transcripts");
  const out = join(dir, "results.jsonl");
  const { stdout } = await exec(
    process.execPath,
    [
      CLI,
      "eval",
      "--agent",
      "openai",
      "--base-url",
      baseUrl,
      "--model",
      "scripted-1",
      "--api-key",
      "sk-test",
      "--suite",
      join(dir, "suite.jsonl"),
      "--max-steps",
      "5",
      "--transcripts",
      transcripts,
      "--out",
      out,
      "--json",
    ],
    { timeout: 60_000 },
  );
  const summary = JSON.parse(stdout);
  expect(summary).toMatchObject({ tasks: 1, samples: 1, passed: 1, failed: 0, infra_errors: 0 });
  // The model saw the task, the tools, and the failing hidden tests of its first try.
  expect(seenRequests).toHaveLength(3);
  expect(seenRequests[0]?.model).toBe("scripted-1");
  expect(seenRequests[0]?.auth).toBe("Bearer sk-test");
  expect(seenRequests[0]?.messages[0]?.content).toMatch(/submit/);
  expect(seenRequests[0]?.messages[1]?.content).toContain(task.prompt);
  expect(seenRequests[1]?.messages.at(-1)?.content).toMatch(/hidden tests: 0\/2 passed/);
  expect(seenRequests[2]?.messages.at(-1)?.content).toMatch(/hidden tests: 2\/2 passed/);
  const files = await readdir(transcripts);
  expect(files).toHaveLength(1);
  const transcript = JSON.parse(await readFile(join(transcripts, files[0] as string), "utf8"));
  expect(transcript).toMatchObject({ task_id: task.id, passed: true, done_reason: "submitted" });
  expect(transcript.steps).toHaveLength(3);
  const result = JSON.parse((await readFile(out, "utf8")).trim());
  expect(result).toMatchObject({ task_id: task.id, passed: true });
});

it("--resume keeps the episodes already in --out and runs only the rest", async () => {
  const out = join(dir, "resume.jsonl");
  const args = ["eval", "--agent", "openai", "--base-url", baseUrl, "--model", "scripted-1"];
  const more = ["--suite", join(dir, "suite.jsonl"), "--samples", "2", "--out", out, "--json"];
  const first = await exec(process.execPath, [CLI, ...args, ...more], { timeout: 60_000 });
  expect(JSON.parse(first.stdout)).toMatchObject({ samples: 2, passed: 2 });
  const lines = (await readFile(out, "utf8")).trim().split("\n");
  // The run was stopped while writing its second episode.
  await writeFile(out, `${lines[0]}\n${(lines[1] ?? "").slice(0, 40)}`);
  const before = seenRequests.length;
  const again = await exec(process.execPath, [CLI, ...args, ...more, "--resume"], { timeout: 60_000 });
  expect(JSON.parse(again.stdout)).toMatchObject({ samples: 2, passed: 2 });
  expect(again.stderr).toMatch(/resume\.jsonl:2: dropped an interrupted last line/);
  expect(again.stderr).toMatch(/resuming: 1 episodes already graded, 1 to go/);
  expect(seenRequests.length - before).toBe(3);
  const kept = (await readFile(out, "utf8")).trim().split("\n");
  expect(kept.map((l) => (JSON.parse(l) as { sample_index: number }).sample_index).sort()).toEqual([0, 1]);
});
