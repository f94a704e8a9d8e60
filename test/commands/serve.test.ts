/** `codeact-env serve` as a person starts it: the real CLI in a child process, on loopback. */
import { type ChildProcess, spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLI, cli, useTempDir } from "../cli-helpers.ts";

const tempDir = useTempDir("codeact-serve-");

/** Starts `serve`, resolves with the process and its banner once it is listening. */
function startServe(args: string[]): Promise<{ child: ChildProcess; banner: string }> {
  const child = spawn(process.execPath, [CLI, "serve", "--port", "0", "--log-level", "error", ...args]);
  return new Promise((resolveStart, reject) => {
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes("health:")) resolveStart({ child, banner: stderr });
    });
    child.once("exit", (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolveStop) => {
    child.once("exit", (code) => resolveStop(code));
    child.kill("SIGTERM");
  });
}

function listen(): Promise<{ server: Server; port: number }> {
  return new Promise((resolveListen, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      resolveListen({ server, port: typeof address === "object" && address ? address.port : 0 });
    });
  });
}

describe("codeact-env serve", () => {
  it("a port in use is one line saying so, exit 2, no stack", async () => {
    const { server, port } = await listen();
    try {
      const r = await cli(["serve", "--port", String(port), "--log-level", "silent"]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        `codeact-env serve: 127.0.0.1:${port} is already in use (another server is listening there); pick another --port, or --port 0 for a free one\n`,
      );
    } finally {
      server.close();
    }
  });

  it("a negative number is the option's value, checked by the command, not parseArgs' 'ambiguous'", async () => {
    const serve = await cli(["serve", "--port", "-1"]);
    expect(serve).toMatchObject({
      code: 2,
      stderr: "codeact-env serve: --port must be an integer from 0 to 65535 (got '-1')\n",
    });
    const evalRun = await cli(["eval", "--timeout-ms", "-5"]);
    expect(evalRun).toMatchObject({
      code: 2,
      stderr: "codeact-env eval: --timeout-ms must be a positive integer (got '-5')\n",
    });
    const run = await cli(["run", "x.js", "--timeout-ms", "-5"]);
    expect(run.stderr).toBe("codeact-env run: --timeout-ms must be a positive integer (got '-5')\n");
  });

  it("--suite with a HumanEval file as published: the banner names the format it read", async () => {
    const path = join(tempDir(), "HumanEval-js.jsonl");
    const record = {
      task_id: "HumanEval/0",
      prompt: "function inc(x) {\n",
      canonical_solution: "  return x + 1;\n}\n",
      test: "function check(candidate) {\n  if (candidate(1) !== 2) throw new Error('inc');\n}\n",
      entry_point: "inc",
    };
    await writeFile(path, `${JSON.stringify(record)}\n`);
    const { child, banner } = await startServe(["--suite", path]);
    try {
      expect(banner).toMatch(
        /serving suite 'HumanEval-js' \(1 tasks, humaneval format, engine isolated-vm\)/,
      );
      const url = /at (http:\/\/\S+)/.exec(banner)?.[1];
      const task = (await (await fetch(`${url}/tasks/HumanEval/0`)).json()) as { id: string };
      expect(task.id).toBe("HumanEval/0");
    } finally {
      expect(await stop(child)).toBe(0);
    }
  });

  it("--typecheck enforce: a TS cell with a type error is not run; a bad mode is one line", async () => {
    expect(await cli(["serve", "--typecheck", "sometimes"])).toMatchObject({
      code: 2,
      stderr: "codeact-env serve: --typecheck must be one of off, report, enforce (got 'sometimes')\n",
    });
    const { child, banner } = await startServe(["--typecheck", "enforce"]);
    try {
      const url = /at (http:\/\/\S+)/.exec(banner)?.[1];
      const step = await fetch(`${url}/step`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ action: { code: "const n: number = 'x';", language: "ts" } }),
      });
      const body = (await step.json()) as { observation: { exit_code: number; stderr: string } };
      expect(body.observation.exit_code).toBe(1);
      expect(body.observation.stderr).toContain("cell.ts(1,7): error TS2322");
    } finally {
      expect(await stop(child)).toBe(0);
    }
  });
});
