/**
 * `POST /grade`: many completions graded in one request, stateless, on the server's sandbox pool
 * (the same grader as `codeact-env eval`: a fresh hardened grading session per item, an infra
 * failure retried once then reported as `infra_error`, never as the model's failure).
 *
 * Two request shapes:
 * - ours: `{"items": [{"task_id", "completion" | "program"} | {"tests", "program", "language"?}],
 *   "reward"?: "fraction" | "binary"}` -> `{"results": [...], "summary": {...}}`, in input order; a
 *   bad item is an error for that item only;
 * - OpenRLHF's remote reward: `{"query": [...], "prompts": [...], "labels": [...]}` where each label
 *   names a task -> `{"rewards": [...], "scores": [...], "extra_logs": {...}}` (`?reward=binary`).
 */
import type { Context, Hono } from "hono";
import { z } from "zod";
import { CodeActError } from "../../errors/index.ts";
import type { EngineName, Limits } from "../../sandbox/index.ts";
import type { Suite, Task } from "../../tasks/index.ts";
import { extractCode, gradeSample, type SampleResult } from "../eval/index.ts";
import { failureResponse } from "./http.ts";
import { JsonDepthError, parseJson } from "./json.ts";
import type { Limiter } from "./limiter.ts";
import type { OpsContext } from "./ops.ts";
import { type WireIssue, zodIssues } from "./wire.ts";

export interface BatchContext extends OpsContext {
  readonly suite: Suite | undefined;
  readonly limiter: Limiter;
  readonly engine: EngineName | undefined;
  readonly limits: Partial<Limits> | undefined;
}

/** Items per request; bigger batches should be split (the body limit applies too). */
export const MAX_GRADE_ITEMS = 10_000;

const taskItem = z
  .object({
    task_id: z.string().min(1),
    completion: z.string().optional().describe("Appended to the task's prompt (HumanEval convention)"),
    program: z.string().optional().describe("The whole program, instead of prompt + completion"),
  })
  .strict()
  .refine((i) => (i.completion === undefined) !== (i.program === undefined), {
    message: "give exactly one of 'completion' or 'program'",
  });
const inlineItem = z
  .object({
    tests: z.string(),
    program: z.string(),
    language: z.enum(["js", "ts"]).default("js"),
    task_id: z.string().optional(),
  })
  .strict();
const rewardMode = z.enum(["fraction", "binary"]);
const gradeBody = z
  .object({ items: z.array(z.unknown()).max(MAX_GRADE_ITEMS), reward: rewardMode.default("fraction") })
  .strict();
const openRlhfBody = z
  .object({
    query: z.array(z.string()).max(MAX_GRADE_ITEMS),
    prompts: z.array(z.string()).optional(),
    labels: z.array(z.string()),
  })
  .loose();

type RewardMode = z.infer<typeof rewardMode>;

export interface GradedItem {
  index: number;
  task_id: string | null;
  passed: boolean;
  /** Tests passed / total ("fraction") or 1/0 ("binary"); null for an infra failure or a bad item. */
  reward: number | null;
  tests?: SampleResult["tests"];
  cases?: SampleResult["cases"];
  error_kind: string | null;
  reason: string | null;
  usage?: SampleResult["usage"];
  infra_error: boolean;
  /** A bad item: what was wrong with it (nothing was graded). */
  error?: { message: string; errors?: WireIssue[] };
}

/** An item that could not be graded (bad shape, unknown task): its own error, not the request's. */
function invalidItem(index: number, taskId: string | null, error: GradedItem["error"]): GradedItem {
  return {
    index,
    task_id: taskId,
    passed: false,
    reward: null,
    error_kind: "invalid_item",
    reason: null,
    infra_error: false,
    ...(error ? { error } : {}),
  };
}

/** What to grade for one item, or why it cannot be graded. */
type Resolved = { ok: true; task: Task; completion: string } | { ok: false; error: GradedItem["error"] };

function resolveItem(ctx: BatchContext, raw: unknown): Resolved {
  const isInline = typeof raw === "object" && raw !== null && "tests" in raw;
  const parsed = (isInline ? inlineItem : taskItem).safeParse(raw);
  if (!parsed.success) {
    const errors = zodIssues(parsed.error, raw);
    return {
      ok: false,
      error: { message: errors.map((e) => `${e.loc.join(".") || "(item)"}: ${e.msg}`).join("; "), errors },
    };
  }
  const item = parsed.data as z.infer<typeof taskItem> & Partial<z.infer<typeof inlineItem>>;
  if (item.tests !== undefined) {
    const task: Task = {
      id: item.task_id ?? "(inline)",
      prompt: "",
      tests: item.tests,
      language: item.language ?? "js",
    };
    return { ok: true, task, completion: item.program ?? "" };
  }
  const task = ctx.suite?.get(item.task_id);
  if (task === undefined) {
    const where = ctx.suite ? `suite '${ctx.suite.name}'` : "no suite is loaded";
    return {
      ok: false,
      error: {
        message: `unknown task_id '${item.task_id}' (${where}); send {tests, program} for other tasks`,
      },
    };
  }
  if (item.program !== undefined)
    return { ok: true, task: { ...task, prompt: "" }, completion: item.program };
  return { ok: true, task, completion: item.completion ?? "" };
}

async function gradeOne(
  ctx: BatchContext,
  raw: unknown,
  index: number,
  mode: RewardMode,
): Promise<GradedItem> {
  const resolved = resolveItem(ctx, raw);
  const taskId =
    typeof (raw as { task_id?: unknown })?.task_id === "string" ? (raw as { task_id: string }).task_id : null;
  if (!resolved.ok) return invalidItem(index, taskId, resolved.error);
  let result: SampleResult;
  try {
    result = await ctx.limiter.run(() =>
      gradeSample(
        { task: resolved.task, index: 0, completion: resolved.completion },
        { ...(ctx.engine ? { engine: ctx.engine } : {}), ...(ctx.limits ? { limits: ctx.limits } : {}) },
      ),
    );
  } catch (error) {
    return invalidItem(index, taskId, { message: error instanceof Error ? error.message : String(error) });
  }
  const { passed, failed, total } = result.tests;
  // A program that fails with no failing test (it threw, or tampered with the harness) earns 0, not
  // the fraction of tests it let run.
  const partial = mode === "fraction" && failed > 0 && total > 0 ? passed / total : 0;
  const reward = result.infra ? null : result.passed ? 1 : partial;
  return {
    index,
    task_id: resolved.task.id === "(inline)" ? taskId : resolved.task.id,
    passed: result.passed,
    reward,
    tests: result.tests,
    cases: result.cases,
    error_kind: result.error_kind,
    reason: result.reason,
    usage: result.usage,
    infra_error: result.infra,
  };
}

export async function gradeItems(
  ctx: BatchContext,
  items: readonly unknown[],
  mode: RewardMode,
): Promise<GradedItem[]> {
  return Promise.all(items.map((raw, index) => gradeOne(ctx, raw, index, mode)));
}

/** OpenRLHF sends query = prompt + response: the response is what follows the prompt. */
function openRlhfItem(query: string, prompt: string | undefined, label: string): Record<string, unknown> {
  const response = prompt !== undefined && query.startsWith(prompt) ? query.slice(prompt.length) : query;
  const blocks = extractCode(response);
  // A fenced block is a whole program (chat models); bare text continues the task's prompt.
  if (blocks.length > 0) return { task_id: label, program: blocks.map((b) => b.code).join("\n") };
  return { task_id: label, completion: response };
}

function summary(results: readonly GradedItem[], wallMs: number) {
  return {
    total: results.length,
    passed: results.filter((r) => r.passed).length,
    infra_errors: results.filter((r) => r.infra_error).length,
    invalid: results.filter((r) => r.error !== undefined).length,
    wall_ms: Math.round(wallMs),
  };
}

async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  try {
    return parseJson(text);
  } catch (error) {
    if (error instanceof JsonDepthError) throw error;
    throw new CodeActError("INVALID_ARGUMENT", `Body is not JSON: ${(error as Error).message}`);
  }
}

export function registerGradeRoutes(app: Hono, ctx: BatchContext): void {
  app.post("/grade", async (c) => {
    const started = performance.now();
    try {
      const body = await readJson(c);
      if (typeof body === "object" && body !== null && "query" in body) {
        const parsed = openRlhfBody.safeParse(body);
        const modeParam = rewardMode.safeParse(c.req.query("reward") ?? "fraction");
        if (!parsed.success || !modeParam.success) {
          const errors = parsed.success ? [] : zodIssues(parsed.error, body, ["body"]);
          return c.json(
            { detail: modeParam.success ? errors : "?reward must be 'fraction' or 'binary'" },
            422,
          );
        }
        const { query, prompts, labels } = parsed.data;
        if (labels.length !== query.length || (prompts !== undefined && prompts.length !== query.length)) {
          const detail = `query, prompts and labels must have the same length (got ${query.length}, ${prompts?.length ?? "none"}, ${labels.length})`;
          return c.json({ detail }, 422);
        }
        const items = query.map((q, i) => openRlhfItem(q, prompts?.[i], labels[i] as string));
        const results = await gradeItems(ctx, items, modeParam.data);
        // OpenRLHF needs a number per sample: an infra failure or a bad label scores 0, flagged in extra_logs.
        const rewards = results.map((r) => r.reward ?? 0);
        return c.json({
          rewards,
          scores: rewards,
          extra_logs: {
            passed: results.map((r) => (r.passed ? 1 : 0)),
            infra_error: results.map((r) => (r.infra_error ? 1 : 0)),
            invalid: results.map((r) => (r.error === undefined ? 0 : 1)),
          },
        });
      }
      const parsed = gradeBody.safeParse(body);
      if (!parsed.success) return c.json({ detail: zodIssues(parsed.error, body, ["body"]) }, 422);
      const results = await gradeItems(ctx, parsed.data.items, parsed.data.reward);
      return c.json({ results, summary: summary(results, performance.now() - started) });
    } catch (error) {
      return failureResponse(c, ctx, error);
    }
  });
}
