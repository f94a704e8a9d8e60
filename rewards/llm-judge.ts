/**
 * LLMJudge: asks an OpenAI-compatible chat endpoint (POST {baseUrl}/chat/completions) to grade a
 * step. A judge that cannot give a score fails loudly with CodeActError — TIMEOUT for the time
 * limit, UPSTREAM for network/HTTP errors, bad JSON or a reply without a score — never a silent 0,
 * so an outage cannot be mistaken for a bad model.
 */
import { z } from "zod";
import { CodeActError } from "../errors/index.ts";
import { parseStrict } from "./parse-options.ts";
import { Rubric } from "./rubric.ts";
import { parseJudgeScore } from "./score-parser.ts";
import type { JsonObject, RubricAction, RubricObservation } from "./types.ts";

/** Placeholders filled from the step; `context` adds more (e.g. a task's reference solution). */
export const JUDGE_PLACEHOLDERS = [
  "code",
  "language",
  "stdout",
  "stderr",
  "value",
  "exit_code",
  "error",
  "tests",
  "prompt",
  "tool_name",
  "arguments",
  "result",
  "answer",
] as const;

export interface LLMJudgeOptions {
  /** e.g. "http://127.0.0.1:8000/v1" — "/chat/completions" is appended. */
  baseUrl: string;
  model: string;
  /** Sent as `Authorization: Bearer <apiKey>`; never part of stateDict(). */
  apiKey?: string;
  /** Text with `{placeholder}` slots (JUDGE_PLACEHOLDERS or keys of `context`); other braces are left alone. */
  promptTemplate: string;
  /** Extra placeholder values; `prompt` here overrides observation.prompt. */
  context?: Record<string, string>;
  /** Reply -> score in [0, 1], or undefined when the reply has none. Default parseJudgeScore. */
  scoreParser?: (reply: string) => number | undefined;
  timeoutMs: number;
  temperature?: number;
  maxTokens?: number;
}

const configSchema = z.strictObject({
  baseUrl: z.url({ protocol: /^https?$/ }),
  model: z.string().min(1),
  promptTemplate: z.string().min(1),
  context: z.record(z.string(), z.string()).optional(),
  timeoutMs: z.number().int().positive(),
  temperature: z.number().min(0).max(2).optional(),
  maxTokens: z.number().int().positive().optional(),
});
type JudgeConfig = z.output<typeof configSchema>;

const replySchema = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string() }) })).min(1),
});

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

function checkTemplate(config: JudgeConfig): void {
  const known = new Set<string>([...JUDGE_PLACEHOLDERS, ...Object.keys(config.context ?? {})]);
  for (const match of config.promptTemplate.matchAll(PLACEHOLDER)) {
    const name = match[1] ?? "";
    if (!known.has(name)) {
      throw new CodeActError(
        "INVALID_ARGUMENT",
        `LLMJudge promptTemplate uses unknown placeholder {${name}}; known: ${[...known].join(", ")}`,
      );
    }
  }
}

function text(value: unknown): string {
  if (value === undefined || value === null) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

function stepValues(action: RubricAction, obs: RubricObservation): Record<string, string> {
  const tests = obs.tests;
  return {
    code: text(action.code),
    language: text(action.language),
    stdout: text(obs.stdout),
    stderr: text(obs.stderr),
    value: text(obs.value),
    exit_code: text(obs.exit_code),
    error: obs.error
      ? `${"name" in obs.error ? obs.error.name : obs.error.error_type}: ${obs.error.message}`
      : "",
    tests: tests
      ? `${tests.passed}/${tests.total} passed, ${tests.failed} failed, ${tests.skipped} skipped`
      : "",
    prompt: text(obs.prompt),
    tool_name: text(action.tool_name ?? obs.tool_name),
    arguments: text(action.arguments),
    result: text(obs.result),
    answer: obs.submitted ? text(obs.submitted.answer) : "",
  };
}

export class LLMJudge extends Rubric {
  #config: JudgeConfig;
  readonly #apiKey: string | undefined;
  readonly #parse: (reply: string) => number | undefined;
  /** The judge's last raw reply (for logging why it scored what it did). */
  lastReply: string | undefined = undefined;

  constructor(options: LLMJudgeOptions) {
    super();
    const { apiKey, scoreParser, ...config } = options;
    this.#config = parseStrict(configSchema, config, "LLMJudge options");
    checkTemplate(this.#config);
    if (apiKey !== undefined && typeof apiKey !== "string") {
      throw new CodeActError("INVALID_ARGUMENT", "invalid LLMJudge options: apiKey must be a string");
    }
    if (scoreParser !== undefined && typeof scoreParser !== "function") {
      throw new CodeActError("INVALID_ARGUMENT", "invalid LLMJudge options: scoreParser must be a function");
    }
    this.#apiKey = apiKey;
    this.#parse = scoreParser ?? parseJudgeScore;
  }

  /** The prompt that would be sent for this step. */
  renderPrompt(action: RubricAction, observation: RubricObservation): string {
    const values = { ...stepValues(action, observation), ...this.#config.context };
    return this.#config.promptTemplate.replace(PLACEHOLDER, (whole, name: string) => values[name] ?? whole);
  }

  async forward(action: RubricAction, observation: RubricObservation): Promise<number> {
    this.lastReply = undefined;
    const reply = await this.#complete(this.renderPrompt(action, observation));
    this.lastReply = reply;
    const score = this.#parse(reply);
    if (typeof score !== "number" || !Number.isFinite(score) || score < 0 || score > 1) {
      throw new CodeActError(
        "UPSTREAM",
        `LLM judge reply has no score in [0, 1]: ${JSON.stringify(reply.slice(0, 200))}`,
        {
          details: { reply },
        },
      );
    }
    return score;
  }

  async #complete(prompt: string): Promise<string> {
    const { baseUrl, model, temperature, maxTokens, timeoutMs } = this.#config;
    const url = `${baseUrl.replace(/\/+$/, "")}/chat/completions`;
    const body = {
      model,
      messages: [{ role: "user", content: prompt }],
      ...(temperature === undefined ? {} : { temperature }),
      ...(maxTokens === undefined ? {} : { max_tokens: maxTokens }),
    };
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (this.#apiKey !== undefined) headers.authorization = `Bearer ${this.#apiKey}`;
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const response = await fetch(url, { method: "POST", headers, body: JSON.stringify(body), signal });
      const raw = await response.text();
      if (!response.ok) {
        throw new CodeActError(
          "UPSTREAM",
          `LLM judge ${url} answered HTTP ${response.status}: ${raw.slice(0, 200)}`,
          {
            details: { status: response.status },
          },
        );
      }
      return parseReply(raw, url);
    } catch (error) {
      if (error instanceof CodeActError) throw error;
      if (signal.aborted) {
        throw new CodeActError("TIMEOUT", `LLM judge ${url} did not answer within ${timeoutMs} ms`, {
          cause: error,
        });
      }
      throw new CodeActError("UPSTREAM", `LLM judge ${url} failed: ${String(error)}`, { cause: error });
    }
  }

  protected override ownState(): JsonObject {
    return JSON.parse(JSON.stringify(this.#config)) as JsonObject;
  }

  protected override loadOwnState(state: JsonObject): void {
    const config = parseStrict(configSchema, state, "LLMJudge state");
    checkTemplate(config);
    this.#config = config;
  }
}

function parseReply(raw: string, url: string): string {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    throw new CodeActError("UPSTREAM", `LLM judge ${url} sent non-JSON: ${raw.slice(0, 200)}`, {
      cause: error,
    });
  }
  const parsed = replySchema.safeParse(json);
  if (!parsed.success) {
    throw new CodeActError("UPSTREAM", `LLM judge ${url} sent no choices[0].message.content`, {
      cause: parsed.error,
    });
  }
  return parsed.data.choices[0]?.message.content ?? "";
}
