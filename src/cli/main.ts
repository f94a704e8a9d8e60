#!/usr/bin/env node
/**
 * codeact-env command line: serve | run | eval | bench | validate | manifests. Usage errors exit 2 with a
 * clear message; CodeActError messages are printed without a stack; anything else is a bug and
 * is printed in full.
 */
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CodeActError } from "../../errors/index.ts";
import { shutdownEngines } from "../../sandbox/index.ts";
import { ENV_VERSION } from "../env/index.ts";
import { benchCommand } from "./bench.ts";
import { evalCommand } from "./eval.ts";
import { manifestsCommand } from "./manifests.ts";
import { runCommand } from "./run.ts";
import { serveCommand } from "./serve.ts";
import { validateCommand } from "./validate.ts";

export const MAIN_HELP = `codeact-env ${ENV_VERSION} — a TypeScript CodeAct environment for coding agents

Usage: codeact-env <command> [options]     (codeact-env <command> --help for its options)

Commands:
  serve      serve the environment over the OpenEnv wire protocol (/ws, HTTP, /mcp), with a web page
  run        run JS/TS files as successive cells of one sandbox session and print the observations
  eval       grade completions, reference solutions or an agent on a suite of tasks (pass@k)
  bench      measure the sandbox, the grader and the server on this machine
  validate   check an OpenEnv server (this one or any other) against the wire protocol
  manifests  Kubernetes manifests (Deployment, Service, autoscaler, disruption budget) for an image

Examples:
  codeact-env serve                                  # built-in suite on http://127.0.0.1:8000
  codeact-env eval --suite builtin --solutions canonical
  codeact-env eval --suite tasks.jsonl --completions samples.jsonl --k 1,10 --out results.jsonl
  codeact-env run a.ts b.ts --json
  codeact-env validate http://127.0.0.1:8000`;

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  serve: serveCommand,
  run: runCommand,
  eval: evalCommand,
  bench: benchCommand,
  validate: validateCommand,
  manifests: manifestsCommand,
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    process.stdout.write(`${MAIN_HELP}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "-v") {
    process.stdout.write(`${ENV_VERSION}\n`);
    return 0;
  }
  const tooOld = nodeVersionProblem(process.versions.node);
  if (tooOld !== undefined) {
    process.stderr.write(`codeact-env: ${tooOld}\n`);
    return 1;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`codeact-env: unknown command '${name}'\n\n${MAIN_HELP}\n`);
    return 2;
  }
  try {
    return await command(joinNegativeNumbers(rest));
  } catch (error) {
    return reportError(name, error);
  } finally {
    await shutdownEngines();
  }
}

/**
 * isolated-vm ships builds for Node 22 and 24 only, and on an older Node it fails in each sandbox
 * process with a native-module stack and "the sandbox process ... was lost": say so up front.
 */
export function nodeVersionProblem(version: string): string | undefined {
  const major = Number(version.split(".")[0]);
  if (major >= 22) return undefined;
  return `Node >= 22 is needed (this is ${version}); on an older machine, \`. .ci/node22.sh\` in a checkout puts the npm registry's node@22 first on PATH (README, "Set up")`;
}

/**
 * parseArgs reads "--timeout-ms -5" as an option missing its value followed by option "-5", and
 * says "ambiguous". A negative number after a long option is that option's value: joined as
 * "--timeout-ms=-5", the command's own check says what a valid value is.
 */
export function joinNegativeNumbers(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const next = argv[i + 1];
    if (/^--[^=]+$/.test(arg) && next !== undefined && /^-(\d|\.\d|Infinity)/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

function reportError(command: string, error: unknown): number {
  if (error instanceof CodeActError) {
    process.stderr.write(`codeact-env ${command}: ${error.message}\n`);
    return error.code === "INVALID_ARGUMENT" ? 2 : 1;
  }
  // node:util parseArgs throws TypeErrors with a code for unknown or malformed options.
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS")) {
    process.stderr.write(
      `codeact-env ${command}: ${(error as Error).message}\n(see codeact-env ${command} --help)\n`,
    );
    return 2;
  }
  process.stderr.write(
    `codeact-env ${command}: unexpected failure\n${(error as Error)?.stack ?? String(error)}\n`,
  );
  return 1;
}

function invokedDirectly(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    // npm's bin link is a symlink: compare real paths.
    return realpathSync(script) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
