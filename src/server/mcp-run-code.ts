/**
 * `run_code` on standard MCP (/mcp/stream): a cell in the MCP session's own sandbox (state kept
 * across calls; the episode's other tools callable inside as typed async functions; the usual
 * limits). Its description carries the tools' TypeScript signatures (the Code Mode pattern: a
 * model writes code against an API rather than calling tools one at a time). The observation comes
 * back as structured content plus a readable text.
 */
import type { CodeObservation, ToolInfo } from "../env/index.ts";
import { MAX_STEP_TIMEOUT_MS, toolSignatures } from "../env/index.ts";
import { describeFailure } from "./errors.ts";
import type { Session } from "./sessions.ts";

export const RUN_CODE_TOOL = "run_code";

export function runCodeToolInfo(tools: readonly ToolInfo[]) {
  const description = [
    "Run a JavaScript or TypeScript cell in this session's sandbox (a REPL: top-level declarations persist into later calls, top-level await works, the last expression's value is returned).",
    "No Node APIs, network or file system. These tools are async functions inside the cell:",
    "```ts",
    toolSignatures(tools),
    "```",
    "Returns stdout, stderr, exit_code, value and error {kind: syntax|runtime|timeout|memory|output_limit|...}.",
  ].join("\n");
  return {
    name: RUN_CODE_TOOL,
    description,
    inputSchema: {
      type: "object" as const,
      properties: {
        code: { type: "string", description: "The cell's source" },
        language: { type: "string", enum: ["ts", "js"], description: "Default ts" },
        timeout_ms: {
          type: "integer",
          minimum: 1,
          maximum: MAX_STEP_TIMEOUT_MS,
          description: "Wall-time limit of this cell in milliseconds",
        },
      },
      required: ["code"],
      additionalProperties: false,
    },
  };
}

/** A readable rendering of a cell's observation (what a model reads). */
export function observationText(o: CodeObservation): string {
  const parts: string[] = [];
  if (o.stdout) parts.push(`stdout:\n${o.stdout}`);
  if (o.stderr) parts.push(`stderr:\n${o.stderr}`);
  if (o.value !== undefined) parts.push(`value: ${o.value}`);
  if (o.error) {
    const at = o.error.line === undefined ? "" : ` (line ${o.error.line})`;
    parts.push(`error (${o.error.kind}): ${o.error.name}: ${o.error.message}${at}`);
  }
  if (o.infra_error) parts.push("the sandbox failed (not your code): the session's state was lost");
  parts.push(`exit_code: ${o.exit_code}`);
  return parts.join("\n");
}

export async function callRunCode(session: Session, args: Record<string, unknown>) {
  try {
    const observation = await session.run(() => session.env.runCode(args));
    return {
      content: [{ type: "text" as const, text: observationText(observation) }],
      structuredContent: observation as unknown as Record<string, unknown>,
      isError: observation.exit_code !== 0,
    };
  } catch (error) {
    const failure = describeFailure(error);
    const detail = Array.isArray(failure.extra.errors)
      ? `: ${(failure.extra.errors as Array<{ loc: unknown[]; msg: string }>).map((e) => `${e.loc.join(".")}: ${e.msg}`).join("; ")}`
      : "";
    return { content: [{ type: "text" as const, text: `${failure.message}${detail}` }], isError: true };
  }
}
