/**
 * `POST /run_code`, SandboxFusion-compatible for JavaScript and TypeScript: the request and
 * response fields are SandboxFusion's, so verl's `sandbox_fusion` reward (and anything else that
 * speaks it) can point at this server by URL. Each request runs in a fresh sandbox (no state is
 * shared), at most `batch.concurrency` at a time across the server. The script is turned into
 * CommonJS by esbuild (imports become `require`) and runs inside Node's module wrapper with the
 * Node surface described in run-code-shim.ts.
 */
import { type TransformFailure, transform } from "esbuild";
import type { Hono } from "hono";
import { z } from "zod";
import { createSandbox, type ExecResult } from "../../sandbox/index.ts";
import type { BatchContext } from "./grade-routes.ts";
import { JsonDepthError, parseJson } from "./json.ts";
import { SCRIPT_PREFIX_CHARS, scriptCell, shimCell } from "./run-code-shim.ts";
import { zodIssues } from "./wire.ts";

const LANGUAGES = { nodejs: "js", javascript: "js", typescript: "ts" } as const;
/** Longest run_timeout accepted (seconds), like a per-step timeout. */
const MAX_RUN_TIMEOUT_S = 300;
const MAX_MEMORY_MB = 4096;

export const runCodeBody = z
  .object({
    code: z.string(),
    language: z.string(),
    compile_timeout: z.number().positive().max(MAX_RUN_TIMEOUT_S).default(10),
    run_timeout: z.number().positive().max(MAX_RUN_TIMEOUT_S).default(10),
    memory_limit_MB: z.number().int().min(-1).max(MAX_MEMORY_MB).default(-1),
    stdin: z.string().nullable().optional(),
    files: z.record(z.string(), z.string().nullable()).default({}),
    fetch_files: z.array(z.string()).default([]),
  })
  .loose();

export type RunStatus = "Success" | "Failed" | "SandboxError";

export interface CommandRunResult {
  status: "Finished" | "Error" | "TimeLimitExceeded";
  execution_time: number | null;
  return_code: number | null;
  stdout: string | null;
  stderr: string | null;
}

export interface RunCodeResponse {
  status: RunStatus;
  message: string;
  compile_result: CommandRunResult | null;
  run_result: CommandRunResult | null;
  executor_pod_name: string | null;
  files: Record<string, string>;
}

function sandboxError(message: string): RunCodeResponse {
  return {
    status: "SandboxError",
    message,
    compile_result: null,
    run_result: null,
    executor_pod_name: null,
    files: {},
  };
}

/** esbuild to CommonJS: TypeScript types go, `import` becomes `require`; a syntax error is the script's. */
async function toCommonJs(
  code: string,
  loader: "js" | "ts",
): Promise<{ ok: true; code: string } | { ok: false; stderr: string }> {
  try {
    const out = await transform(code, {
      loader,
      format: "cjs",
      target: "es2022",
      logLevel: "silent",
      sourcefile: "main",
    });
    return { ok: true, code: out.code };
  } catch (error) {
    const first = (error as Partial<TransformFailure>).errors?.[0];
    if (first === undefined) throw error;
    const where = first.location ? `/sandbox/main.${loader}:${first.location.line}\n` : "";
    return { ok: false, stderr: `${where}SyntaxError: ${first.text}\n` };
  }
}

function decodeFiles(files: Record<string, string | null>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, content] of Object.entries(files)) {
    if (content !== null) out[path] = Buffer.from(content, "base64").toString("utf8");
  }
  return out;
}

/**
 * The script's own stderr: the sandbox writes a failed cell's error after it ("Uncaught ..."), and
 * this route prints the error as a Node script would instead (uncaught() below).
 */
function withoutSandboxError(result: ExecResult): string {
  const e = result.error;
  if (e === undefined) return result.stderr;
  const at = result.stderr.lastIndexOf(`Uncaught ${e.name}`);
  const lineStart = at === 0 || (at > 0 && result.stderr[at - 1] === "\n");
  return lineStart ? result.stderr.slice(0, at) : result.stderr;
}

/** Node prints an uncaught error as its stack (or name: message) on stderr and exits with 1. */
function uncaught(result: ExecResult, wrapperLine: number): string {
  const e = result.error;
  if (e === undefined) return "";
  return `${scriptFrames(e.stack ?? `${e.name}: ${e.message}`, wrapperLine)}\n`;
}

/** Frames of the script as `/sandbox/main.js` positions; the setup cell's and the wrapper's frames go. */
function scriptFrames(stack: string, wrapperLine: number): string {
  const hidden = (l: string) =>
    /^\s+at /.test(l) && (l.includes("cell-1.js") || l.includes(`cell-2.js:${wrapperLine}:`));
  return stack
    .split("\n")
    .filter((l) => !hidden(l))
    .map((l) =>
      l.replace(/cell-2\.js:(\d+):(\d+)/g, (_m, line: string, col: string) => {
        const column = line === "1" ? Math.max(1, Number(col) - SCRIPT_PREFIX_CHARS) : Number(col);
        return `/sandbox/main.js:${line}:${column}`;
      }),
    )
    .join("\n");
}

export async function runCode(
  ctx: BatchContext,
  input: z.infer<typeof runCodeBody>,
): Promise<RunCodeResponse> {
  const loader = (LANGUAGES as Record<string, "js" | "ts" | undefined>)[input.language];
  if (loader === undefined) {
    return sandboxError(
      `language '${input.language}' is not supported by this server: only nodejs, javascript and typescript run here`,
    );
  }
  const script = await toCommonJs(input.code, loader);
  if (!script.ok) {
    return {
      ...sandboxError(""),
      status: "Failed",
      run_result: {
        status: "Finished",
        execution_time: 0,
        return_code: 1,
        stdout: "",
        stderr: script.stderr,
      },
    };
  }
  const timeoutMs = Math.round(input.run_timeout * 1000);
  const limits = {
    ...ctx.limits,
    timeoutMs,
    cpuTimeMs: timeoutMs,
    ...(input.memory_limit_MB > 0 ? { memoryLimitBytes: input.memory_limit_MB * 1024 * 1024 } : {}),
  };
  return ctx.limiter.run(async () => {
    // try/finally, not `await using`: Node 22 runs this file by stripping types, without that syntax.
    const sandbox = await createSandbox({ ...(ctx.engine ? { engine: ctx.engine } : {}), limits });
    try {
      const setup = await sandbox.run(shimCell(input.stdin ?? "", decodeFiles(input.files)), {
        language: "js",
      });
      if (!setup.ok) return sandboxError(`the script's setup failed: ${setup.error?.message ?? "unknown"}`);
      const result = await sandbox.run(scriptCell(script.code), { language: "js" });
      return shapeRun(result, setup.usage.wall_ms, script.code.split("\n").length + 1);
    } finally {
      await sandbox.dispose();
    }
  });
}

function shapeRun(result: ExecResult, setupMs: number, wrapperLine: number): RunCodeResponse {
  const kind = result.error?.kind;
  if (kind === "infra") return sandboxError(`the sandbox failed: ${result.error?.message ?? ""}`);
  const seconds = Math.round(result.usage.wall_ms + setupMs) / 1000;
  let stdout = result.stdout;
  let stderr = withoutSandboxError(result);
  let returnCode = 1;
  if (result.ok) {
    const encoded = Number(result.value);
    returnCode = Math.floor(encoded / 4);
    if (encoded & 1) stdout = stdout.replace(/\n$/, "");
    if (encoded & 2) stderr = stderr.replace(/\n$/, "");
  } else if (kind === "memory") {
    returnCode = 137;
    stderr += "FATAL ERROR: JavaScript heap out of memory (memory_limit_MB)\n";
  } else if (kind !== "timeout") {
    stderr += uncaught(result, wrapperLine);
  }
  const timedOut = kind === "timeout";
  const run: CommandRunResult = {
    status: timedOut ? "TimeLimitExceeded" : "Finished",
    execution_time: seconds,
    return_code: timedOut ? null : returnCode,
    stdout,
    stderr,
  };
  const ok = !timedOut && returnCode === 0;
  return {
    status: ok ? "Success" : "Failed",
    message: "",
    compile_result: null,
    run_result: run,
    executor_pod_name: null,
    files: {},
  };
}

export function registerRunCode(app: Hono, ctx: BatchContext): void {
  app.post("/run_code", async (c) => {
    let body: unknown;
    try {
      body = parseJson(await c.req.text());
    } catch (error) {
      if (error instanceof JsonDepthError)
        return c.json({ detail: error.message, code: "INVALID_JSON" }, 400);
      const detail = [
        {
          type: "json_invalid",
          loc: ["body", 0],
          msg: "JSON decode error",
          input: {},
          ctx: { error: (error as Error).message },
        },
      ];
      return c.json({ detail }, 422);
    }
    const parsed = runCodeBody.safeParse(body);
    if (!parsed.success) return c.json({ detail: zodIssues(parsed.error, body, ["body"]) }, 422);
    try {
      return c.json(await runCode(ctx, parsed.data));
    } catch (error) {
      ctx.logger.log("error", "run_code_failed", { message: String(error) });
      return c.json(
        sandboxError(`the sandbox failed: ${error instanceof Error ? error.message : String(error)}`),
        500,
      );
    }
  });
}
