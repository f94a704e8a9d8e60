import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isCodeActError } from "../../errors/index.ts";
import { LLMJudge, parseJudgeScore } from "../../rewards/index.ts";

interface Received {
  url: string | undefined;
  authorization: string | undefined;
  body: { model: string; temperature?: number; messages: Array<{ role: string; content: string }> };
}

/**
 * An OpenAI-compatible stand-in served on 127.0.0.1: the model name picks the behaviour
 * ("echo:<text>" answers <text>, "fail" answers 500, "slow" never answers in time, "garbage" is not JSON).
 */
const received: Received[] = [];
const pendingTimers = new Set<NodeJS.Timeout>();
let server: Server;
let baseUrl: string;

function handle(req: IncomingMessage, res: ServerResponse, raw: string): void {
  const body = JSON.parse(raw) as Received["body"];
  received.push({ url: req.url, authorization: req.headers.authorization, body });
  const model = body.model;
  if (model === "fail") {
    res.writeHead(500, { "content-type": "text/plain" }).end("model overloaded");
  } else if (model === "garbage") {
    res.writeHead(200, { "content-type": "application/json" }).end("<html>");
  } else if (model === "slow") {
    const timer = setTimeout(() => res.end(), 5_000);
    pendingTimers.add(timer);
    req.on("close", () => {
      clearTimeout(timer);
      pendingTimers.delete(timer);
    });
  } else {
    const content = model.startsWith("echo:") ? model.slice(5) : "";
    res
      .writeHead(200, { "content-type": "application/json" })
      .end(JSON.stringify({ choices: [{ index: 0, message: { role: "assistant", content } }] }));
  }
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk: Buffer) => {
      raw += chunk.toString();
    });
    req.on("end", () => handle(req, res, raw));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  for (const timer of pendingTimers) clearTimeout(timer);
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const template =
  'Task: {prompt}\nCode ({language}):\n{code}\nOutput: {stdout}\nTests: {tests}\nReply {"score": x}';

function judge(model: string, extra: Partial<ConstructorParameters<typeof LLMJudge>[0]> = {}): LLMJudge {
  return new LLMJudge({ baseUrl, model, promptTemplate: template, timeoutMs: 2_000, ...extra });
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (isCodeActError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error("expected the judge to fail");
}

describe("LLMJudge", () => {
  it("posts the rendered prompt and parses the score from the reply", async () => {
    const rubric = judge("echo:The code is mostly right. Score: 0.75", {
      apiKey: "k-123",
      temperature: 0,
      context: { prompt: "add two numbers" },
    });
    const tests = { passed: 3, failed: 1, skipped: 0, total: 4, cases: [] };
    const score = await rubric.call({ code: "add(1, 2)", language: "ts" }, { stdout: "3\n", tests });
    expect(score).toBe(0.75);
    expect(rubric.lastReply).toBe("The code is mostly right. Score: 0.75");
    const last = received.at(-1);
    expect(last?.url).toBe("/v1/chat/completions");
    expect(last?.authorization).toBe("Bearer k-123");
    expect(last?.body.temperature).toBe(0);
    expect(last?.body.messages).toEqual([
      {
        role: "user",
        content:
          'Task: add two numbers\nCode (ts):\nadd(1, 2)\nOutput: 3\n\nTests: 3/4 passed, 1 failed, 0 skipped\nReply {"score": x}',
      },
    ]);
  });

  it("normalizes x/10 replies and accepts a custom parser", async () => {
    expect(await judge("echo:I'd give it 7/10.").call({ code: "" }, {})).toBeCloseTo(0.7, 12);
    const custom = judge("echo:GRADE=B", { scoreParser: (reply) => (reply.endsWith("B") ? 0.8 : undefined) });
    expect(await custom.call({ code: "" }, {})).toBe(0.8);
  });

  it("fails with UPSTREAM on a reply without a score, never a silent 0", async () => {
    const rubric = judge("echo:I cannot judge this.");
    const error = await failure(rubric.call({ code: "" }, {}));
    expect(error.code).toBe("UPSTREAM");
    expect(error.message).toContain("no score in [0, 1]");
    expect(rubric.lastScore).toBeUndefined();
  });

  it("fails with UPSTREAM on HTTP 500, naming the status and body", async () => {
    const error = await failure(judge("fail").call({ code: "" }, {}));
    expect(error.code).toBe("UPSTREAM");
    expect(error.message).toContain("HTTP 500: model overloaded");
  });

  it("fails with UPSTREAM on a non-JSON body", async () => {
    const error = await failure(judge("garbage").call({ code: "" }, {}));
    expect(error).toMatchObject({ code: "UPSTREAM" });
    expect(error.message).toContain("non-JSON");
  });

  it("fails with TIMEOUT when the server does not answer in time", async () => {
    const error = await failure(judge("slow", { timeoutMs: 150 }).call({ code: "" }, {}));
    expect(error.code).toBe("TIMEOUT");
    expect(error.message).toContain("within 150 ms");
  });

  it("fails with UPSTREAM when nothing listens", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const rubric = new LLMJudge({
      baseUrl: `http://127.0.0.1:${port}`,
      model: "m",
      promptTemplate: "{code}",
      timeoutMs: 2_000,
    });
    expect((await failure(rubric.call({ code: "" }, {}))).code).toBe("UPSTREAM");
  });

  it("validates options, including unknown template placeholders", () => {
    expect(() => judge("m", { promptTemplate: "rate {cod}" })).toThrow("unknown placeholder {cod}");
    expect(() => judge("m", { timeoutMs: 0 })).toThrow("timeoutMs");
    expect(() => judge("m", { baseUrl: "ftp://x" })).toThrow("baseUrl");
    expect(() => judge("m", { temperature: 5 })).toThrow("temperature");
    expect(() =>
      judge("m", { promptTemplate: "{code} vs {reference}", context: { reference: "a+b" } }),
    ).not.toThrow();
  });

  it("keeps config but not the API key in stateDict", () => {
    const rubric = judge("m", { apiKey: "secret" });
    const state = rubric.stateDict();
    expect(JSON.stringify(state)).not.toContain("secret");
    expect(state[""]).toMatchObject({ model: "m", timeoutMs: 2_000 });
    const other = judge("other");
    other.loadStateDict(state);
    expect(other.stateDict()).toEqual(state);
  });
});

describe("parseJudgeScore", () => {
  it.each([
    ["Score: 0.8", 0.8],
    ["score = 7/10", 0.7],
    ["Reasoning (3 points)... Final score: **1**", 1],
    ["I rate it 8/10.", 0.8],
    ["first 0.5, on reflection 0.25.", 0.25],
    ['{"score": 0.6}', 0.6],
  ])("%s -> %d", (reply, expected) => {
    expect(parseJudgeScore(reply)).toBeCloseTo(expected, 12);
  });

  it.each(["no number here", "Score: 8", "in 2024 it was 5"])("%s -> undefined", (reply) => {
    expect(parseJudgeScore(reply)).toBeUndefined();
  });
});
