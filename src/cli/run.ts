/**
 * `codeact-env run <file>...`: the files run as successive cells of one fresh session (so a later
 * file sees an earlier one's declarations); each observation is printed. Handy for debugging tasks
 * and for scripting the sandbox from a shell.
 */
import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import { parseArgs } from "node:util";
import { CodeActError } from "../../errors/index.ts";
import { DEFAULT_ENGINE, ENGINE_NAMES, isEngineName } from "../../sandbox/index.ts";
import { CodeActEnv, type CodeObservation, type StepResult } from "../env/index.ts";

export const RUN_HELP = `codeact-env run — run files as successive cells of one fresh sandbox session

Usage:
  codeact-env run <file.ts|file.js>... [--engine ${ENGINE_NAMES.join("|")}] [--seed N] [--timeout-ms N] [--json]

Each file is one cell (.ts/.mts/.cts as TypeScript, anything else as JavaScript). Prints each
observation: output, value, error with its line, tests. With --json: one observation object per
line on stdout. Exit status: 0 when every cell ran without error, 1 otherwise, 2 on a usage error.`;

export async function runCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      engine: { type: "string", default: DEFAULT_ENGINE },
      seed: { type: "string", default: "0" },
      "timeout-ms": { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${RUN_HELP}\n`);
    return 0;
  }
  if (positionals.length === 0) throw new CodeActError("INVALID_ARGUMENT", "run needs at least one file");
  const engine = values.engine;
  if (!isEngineName(engine)) {
    throw new CodeActError(
      "INVALID_ARGUMENT",
      `--engine must be ${ENGINE_NAMES.join(" or ")} (got '${engine}')`,
    );
  }
  const seed = Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0)
    throw new CodeActError("INVALID_ARGUMENT", "--seed must be an integer >= 0");
  const timeoutMs = values["timeout-ms"] === undefined ? undefined : Number(values["timeout-ms"]);
  if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0)) {
    throw new CodeActError(
      "INVALID_ARGUMENT",
      `--timeout-ms must be a positive integer (got '${values["timeout-ms"]}')`,
    );
  }
  const sources = await Promise.all(positionals.map(readSource));
  const env = new CodeActEnv({
    engine,
    ...(timeoutMs ? { limits: { timeoutMs } } : {}),
  });
  let failed = false;
  try {
    await env.reset({ seed });
    for (const [i, source] of sources.entries()) {
      const result = await env.step({ code: source.code, language: source.language });
      const observation = result.observation as CodeObservation;
      if (observation.exit_code !== 0) failed = true;
      if (values.json) process.stdout.write(`${JSON.stringify(observation)}\n`);
      else process.stdout.write(formatObservation(positionals[i] as string, result));
    }
  } finally {
    await env.close();
  }
  return failed ? 1 : 0;
}

async function readSource(path: string): Promise<{ code: string; language: "js" | "ts" }> {
  try {
    const code = await readFile(path, "utf8");
    return { code, language: [".ts", ".mts", ".cts"].includes(extname(path)) ? "ts" : "js" };
  } catch (error) {
    throw new CodeActError("NOT_FOUND", `cannot read ${path}: ${(error as Error).message}`);
  }
}

export function formatObservation(name: string, result: StepResult): string {
  const o = result.observation as CodeObservation;
  const lines = [`── ${name} (exit ${o.exit_code}${o.usage ? `, ${o.usage.wall_ms.toFixed(1)} ms` : ""})`];
  if (o.stdout) lines.push(o.stdout.replace(/\n$/, ""));
  if (o.stderr)
    lines.push(
      ...o.stderr
        .replace(/\n$/, "")
        .split("\n")
        .map((l) => `stderr: ${l}`),
    );
  if (o.value !== undefined) lines.push(`=> ${o.value}`);
  if (o.error) {
    const where = o.error.line
      ? ` (line ${o.error.line}${o.error.column ? `, column ${o.error.column}` : ""})`
      : "";
    lines.push(`error [${o.error.kind}] ${o.error.name}: ${o.error.message}${where}`);
  }
  if (o.tests) {
    lines.push(`tests: ${o.tests.passed} passed, ${o.tests.failed} failed, ${o.tests.skipped} skipped`);
    for (const c of o.tests.cases)
      lines.push(
        `  ${c.status === "passed" ? "✓" : c.status === "failed" ? "✗" : "-"} ${c.name}${c.message ? ` — ${c.message.split("\n")[0]}` : ""}`,
      );
  }
  return `${lines.join("\n")}\n`;
}
