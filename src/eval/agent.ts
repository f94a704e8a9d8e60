/**
 * A multi-turn CodeAct agent against any OpenAI-compatible chat endpoint (vLLM, llama.cpp server,
 * hosted APIs): the task prompt and tool list go in; code blocks of each reply run as steps; the
 * observations go back; until `submit`, the tests pass, the model stops writing code, or the
 * step budget runs out.
 */
import { CodeActError } from "../../errors/index.ts";
import type { Environment, Observation, StepResult, ToolInfo } from "../env/index.ts";

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface ChatClientOptions {
  baseUrl: string;
  model: string;
  apiKey?: string | undefined;
  timeoutMs?: number;
  temperature?: number;
}

/** One chat completion; HTTP and protocol failures are CodeActError("UPSTREAM"). */
export async function chatCompletion(options: ChatClientOptions, messages: ChatMessage[]): Promise<string> {
  const url = `${options.baseUrl.replace(/\/+$/, "")}/chat/completions`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
      },
      body: JSON.stringify({ model: options.model, messages, temperature: options.temperature ?? 0 }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 120_000),
    });
  } catch (error) {
    throw new CodeActError("UPSTREAM", `chat endpoint ${url} unreachable: ${fetchFailure(error)}`);
  }
  const text = await response.text();
  if (!response.ok)
    throw new CodeActError("UPSTREAM", `chat endpoint answered ${response.status}: ${text.slice(0, 300)}`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new CodeActError("UPSTREAM", `chat endpoint answered non-JSON: ${text.slice(0, 300)}`);
  }
  const content = (body as { choices?: Array<{ message?: { content?: unknown } }> }).choices?.[0]?.message
    ?.content;
  if (typeof content !== "string")
    throw new CodeActError("UPSTREAM", "chat reply has no choices[0].message.content");
  return content;
}

/** fetch's own message is "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, ...) is its cause. */
function fetchFailure(error: unknown): string {
  const message = (error as Error)?.message ?? String(error);
  const cause = (error as { cause?: { message?: unknown; code?: unknown } })?.cause;
  const detail = typeof cause?.message === "string" && cause.message ? cause.message : cause?.code;
  return typeof detail === "string" && detail && !message.includes(detail)
    ? `${message} (${detail})`
    : message;
}

const FENCE = /```([A-Za-z]*)[ \t]*\r?\n([\s\S]*?)```/g;

/** The code blocks of a reply (js/ts/javascript/typescript or unlabeled), in order. */
export function extractCode(reply: string): Array<{ code: string; language: "js" | "ts" | undefined }> {
  const blocks: Array<{ code: string; language: "js" | "ts" | undefined }> = [];
  for (const match of reply.matchAll(FENCE)) {
    const label = (match[1] ?? "").toLowerCase();
    if (label && !["js", "ts", "javascript", "typescript", "jsx", "tsx"].includes(label)) continue;
    const language = label.startsWith("t") ? "ts" : label ? "js" : undefined;
    blocks.push({ code: match[2] ?? "", language });
  }
  return blocks;
}

export function systemPrompt(tools: readonly ToolInfo[]): string {
  const toolLines = tools.map(
    (t) => `- ${t.name}(args): ${t.description} Input schema: ${JSON.stringify(t.input_schema)}`,
  );
  return [
    "You are a coding agent in a JavaScript/TypeScript REPL sandbox (CodeAct).",
    "Act by replying with exactly one fenced code block (```ts or ```js). It runs as a cell: top-level declarations persist into later cells, top-level await works, console output and the last expression's value come back to you.",
    "No Node APIs, network or file system: only the tools below, called as `await name({...})`.",
    "The task's hidden tests are run on your cells after each step; the results come back with each observation.",
    'When your solution is complete, call `await submit({ answer: "done" })` in a cell.',
    "Tools:",
    ...toolLines,
  ].join("\n");
}

/** The observation as the model reads it: output, value, error, test summary. */
export function describeObservation(result: StepResult): string {
  const o = result.observation as Observation & Record<string, unknown>;
  const parts: string[] = [];
  if (typeof o.stdout === "string" && o.stdout) parts.push(`stdout:\n${clip(o.stdout)}`);
  if (typeof o.stderr === "string" && o.stderr) parts.push(`stderr:\n${clip(o.stderr)}`);
  if (typeof o.value === "string") parts.push(`value: ${clip(o.value)}`);
  const error = o.error as
    | { kind?: string; name?: string; message?: string; line?: number }
    | null
    | undefined;
  if (error?.message)
    parts.push(
      `error (${error.kind}): ${error.name}: ${error.message}${error.line ? ` at line ${error.line}` : ""}`,
    );
  if (o.tests) {
    const failing = o.tests.cases.filter((c) => c.status === "failed").slice(0, 5);
    parts.push(
      `hidden tests: ${o.tests.passed}/${o.tests.total} passed${failing.map((c) => `\n  FAIL ${c.name}: ${clip(c.message ?? "", 300)}`).join("")}`,
    );
  }
  if ("tool_name" in o)
    parts.push(`tool ${String(o.tool_name)}: ${clip(JSON.stringify(o.result ?? o.error))}`);
  parts.push(`reward: ${result.reward ?? "none"}${result.done ? " (episode done)" : ""}`);
  return parts.join("\n");
}

function clip(text: string, max = 4000): string {
  return text.length > max ? `${text.slice(0, max)}\n... (${text.length - max} more characters)` : text;
}

export interface EpisodeTranscript {
  task_id: string;
  sample_index: number;
  model: string;
  messages: ChatMessage[];
  steps: Array<{ action: unknown; observation: unknown; reward: number | null; done: boolean }>;
  final_reward: number | null;
  passed: boolean;
  done_reason: string | null;
  error: string | null;
}

/** Runs one episode of the agent on a task; never throws for model or sandbox failures. */
export async function runAgentEpisode(
  env: Environment,
  chat: ChatClientOptions,
  task: { id: string; index: number; maxSteps: number },
): Promise<EpisodeTranscript> {
  const first = await env.reset({ task_id: task.id, seed: task.index });
  const prompt = (first.observation as { prompt?: string }).prompt ?? "";
  const transcript: EpisodeTranscript = {
    task_id: task.id,
    sample_index: task.index,
    model: chat.model,
    messages: [
      { role: "system", content: systemPrompt(env.tools()) },
      { role: "user", content: `Task:\n${prompt}` },
    ],
    steps: [],
    final_reward: null,
    passed: false,
    done_reason: null,
    error: null,
  };
  try {
    await agentLoop(env, chat, task.maxSteps, transcript);
  } catch (error) {
    transcript.error = (error as Error).message;
  }
  return transcript;
}

async function agentLoop(env: Environment, chat: ChatClientOptions, maxSteps: number, t: EpisodeTranscript) {
  for (let turn = 0; turn < maxSteps; turn++) {
    const reply = await chatCompletion(chat, t.messages);
    t.messages.push({ role: "assistant", content: reply });
    const block = extractCode(reply)[0];
    if (!block) {
      t.done_reason = "no_code";
      return;
    }
    const action = { code: block.code, ...(block.language ? { language: block.language } : {}) };
    const result = await env.step(action);
    t.steps.push({ action, observation: result.observation, reward: result.reward, done: result.done });
    t.final_reward = result.reward;
    const tests = result.observation.tests;
    t.passed = tests !== undefined && tests.total > 0 && tests.failed === 0 && tests.passed > 0;
    if (result.done) {
      t.done_reason = (result.observation as { done_reason?: string }).done_reason ?? "done";
      return;
    }
    t.messages.push({ role: "user", content: `Observation:\n${describeObservation(result)}` });
  }
  t.done_reason = "step_budget";
}
