/**
 * JSON Schemas of the action, observation and state (served at GET /schema) and the environment's
 * metadata (GET /metadata). The observation schema documents the wire fields; it is not used to
 * validate our own output.
 */
import { z } from "zod";
import { ERROR_KINDS } from "../../sandbox/index.ts";
import type { Suite } from "../../tasks/index.ts";
import { actionSchema } from "./actions.ts";

const errorKind = z.enum(ERROR_KINDS);

const testReport = z.object({
  passed: z.number().int(),
  failed: z.number().int(),
  skipped: z.number().int(),
  total: z.number().int(),
  cases: z.array(
    z.object({
      name: z.string(),
      status: z.enum(["passed", "failed", "skipped"]),
      message: z.string().optional(),
      duration_ms: z.number().optional(),
    }),
  ),
});

const toolInfo = z.object({
  name: z.string(),
  description: z.string(),
  input_schema: z.record(z.string(), z.unknown()),
});

const observationSchema = z
  .object({
    stdout: z.string().optional().describe("Captured console output (log/info/debug)"),
    stderr: z.string().optional().describe("Captured console.warn/error output"),
    exit_code: z.number().int().optional().describe("0 ok; 1 error; 124 timeout; 137 memory; 70 infra"),
    value: z.string().optional().describe("The cell's last expression, printed like Node's REPL"),
    error: z
      .object({
        kind: errorKind,
        name: z.string(),
        message: z.string(),
        line: z.number().int().optional(),
        column: z.number().int().optional(),
        stack: z.string().optional(),
      })
      .optional(),
    tests: testReport
      .optional()
      .describe("Hidden tests of the task (graded on the agent's cells), else the cell's own"),
    cell_tests: testReport
      .optional()
      .describe("Tests the cell registered itself, when `tests` holds the hidden ones"),
    diagnostics: z
      .array(
        z.object({
          line: z.number().int(),
          column: z.number().int(),
          end_line: z.number().int(),
          end_column: z.number().int(),
          code: z.number().int().describe("TypeScript's error number (2322 is TS2322)"),
          message: z.string(),
        }),
      )
      .optional()
      .describe("Type errors of a TS cell at the agent's own lines, when typecheck is report/enforce"),
    usage: z.object({ wall_ms: z.number(), cpu_ms: z.number(), heap_bytes: z.number() }).optional(),
    state_lost: z.boolean().optional().describe("The sandbox was replaced: earlier cells' state is gone"),
    rewards: z.record(z.string(), z.number()).optional().describe("Score of every rubric path of this step"),
    infra_error: z.boolean().optional().describe("The sandbox failed (not the agent); reward is null"),
    submitted: z.object({ answer: z.unknown() }).optional(),
    done_reason: z.enum(["submitted", "step_budget", "tests_passed"]).optional(),
    task_id: z.string().optional(),
    prompt: z.string().optional(),
    language: z.enum(["js", "ts"]).optional(),
    tools: z.array(toolInfo).optional().describe("Reset and list_tools observations"),
    tool_name: z.string().optional().describe("call_tool observations"),
    result: z.unknown().optional(),
    reward: z.number().nullable().optional(),
    done: z.boolean().optional(),
  })
  .describe("Observation of reset, a code step, a tool call or tool discovery");

const stateSchema = z.object({
  episode_id: z.string().nullable(),
  step_count: z.number().int().min(0),
  task_id: z.string().nullable(),
  last_exit_code: z.number().int(),
  done: z.boolean(),
  forked_from: z.string().optional().describe("Episode id of the parent, when made by fork"),
  store_bytes: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe("Bytes the episode's file store holds in the server's memory, when it holds any"),
});

function jsonSchema(schema: z.ZodType, title: string): Record<string, unknown> {
  const out = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  delete out.$schema;
  return { title, ...out };
}

let cached: { action: object; observation: object; state: object } | undefined;

export function envSchemas(): { action: object; observation: object; state: object } {
  cached ??= {
    action: jsonSchema(actionSchema, "CodeActAction"),
    observation: jsonSchema(observationSchema, "CodeActObservation"),
    state: jsonSchema(stateSchema, "CodeActState"),
  };
  return cached;
}

export const ENV_VERSION = "0.1.0";

export interface EnvMetadata {
  name: string;
  description: string;
  readme_content: string | null;
  version: string;
  author: string | null;
  documentation_url: string | null;
}

export function envMetadata(suite?: Suite): EnvMetadata {
  const tasks = suite ? ` Suite '${suite.name}' with ${suite.tasks.length} tasks.` : "";
  return {
    name: "codeact-env",
    description: `CodeAct environment: JavaScript/TypeScript cells run in a sandbox (isolated-vm or QuickJS), rewarded by composable rubrics.${tasks}`,
    readme_content: null,
    version: ENV_VERSION,
    author: null,
    documentation_url: null,
  };
}
