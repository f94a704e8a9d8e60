import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { liveSandboxCount } from "../../sandbox/index.ts";
import { postJson, startServer, stopEngines, type TestServer } from "./helpers.ts";

let server: TestServer;

beforeAll(async () => {
  server = await startServer({ batch: { concurrency: 4 } });
});

afterAll(async () => {
  await server.close();
  await stopEngines();
});

/** What verl's sandbox_fusion reward sends (its call_sandbox_api payload). */
function verlPayload(code: string, stdin: string | null, language = "nodejs", runTimeout = 10) {
  return {
    compile_timeout: 10,
    run_timeout: runTimeout,
    code,
    stdin,
    memory_limit_MB: 1024,
    language,
    files: {},
    fetch_files: [],
  };
}

async function run(body: unknown) {
  const r = await postJson(`${server.url}/run_code`, body);
  return {
    status: r.status,
    json: r.json as Record<string, unknown> & { run_result: Record<string, unknown> },
  };
}

describe("POST /run_code (SandboxFusion-compatible)", () => {
  it("reads stdin the usual Node ways and answers SandboxFusion's fields", async () => {
    const sum = await run(
      verlPayload(
        "const nums = require('fs').readFileSync(0, 'utf8').trim().split(/\\s+/).map(Number);\nconsole.log(nums.reduce((a, b) => a + b, 0));",
        "1 2\n3\n",
      ),
    );
    expect(sum.status).toBe(200);
    expect(sum.json).toMatchObject({
      status: "Success",
      compile_result: null,
      run_result: { status: "Finished", return_code: 0, stdout: "6\n", stderr: "" },
    });
    expect(typeof sum.json.run_result.execution_time).toBe("number");

    const lines = await run(
      verlPayload(
        "const rl = require('readline').createInterface({ input: process.stdin });\nconst got = [];\nrl.on('line', (l) => got.push(l.toUpperCase()));\nrl.on('close', () => process.stdout.write(got.join(',')));",
        "ab\ncd",
        "javascript",
      ),
    );
    expect(lines.json.run_result).toMatchObject({ return_code: 0, stdout: "AB,CD" });

    const iterated = await run(
      verlPayload(
        "import * as readline from 'readline';\nasync function main(): Promise<void> {\n  const rl = readline.createInterface({ input: process.stdin });\n  let n: number = 0;\n  for await (const line of rl) n += line.length;\n  console.log(n);\n}\nmain();",
        "xyz\nw\n",
        "typescript",
      ),
    );
    expect(iterated.json.run_result).toMatchObject({ return_code: 0, stdout: "4\n" });

    const events = await run(
      verlPayload(
        "let input = '';\nprocess.stdin.setEncoding('utf8');\nprocess.stdin.on('data', (c) => (input += c));\nprocess.stdin.on('end', () => console.log(input.split('\\n').length));",
        "a\nb\nc",
      ),
    );
    expect(events.json.run_result).toMatchObject({ stdout: "3\n" });
  });

  it("exit codes, uncaught errors, syntax errors, timeouts and missing modules look like Node's", async () => {
    const exit = await run(
      verlPayload(
        "process.stdout.write('a'); console.log('b'); process.exit(3); console.log('never');",
        null,
      ),
    );
    expect(exit.json).toMatchObject({
      status: "Failed",
      run_result: { status: "Finished", return_code: 3, stdout: "ab\n" },
    });

    const thrown = await run(verlPayload("function f() {\n  throw new TypeError('bad input');\n}\nf();", ""));
    expect(thrown.json.run_result).toMatchObject({ status: "Finished", return_code: 1 });
    expect(thrown.json.run_result.stderr).toMatch(
      /^TypeError: bad input\n\s+at f \(\/sandbox\/main\.js:2:9\)/,
    );
    expect(thrown.json.run_result.stderr).not.toMatch(/cell-/);

    const syntax = await run(verlPayload("let x = ;", ""));
    expect(syntax.json).toMatchObject({ status: "Failed", run_result: { return_code: 1 } });
    expect(syntax.json.run_result.stderr).toMatch(/SyntaxError/);

    const slow = await run(verlPayload("while (true) {}", "", "nodejs", 0.3));
    expect(slow.json).toMatchObject({
      status: "Failed",
      run_result: { status: "TimeLimitExceeded", return_code: null },
    });

    const missing = await run(verlPayload("require('child_process').execSync('ls')", ""));
    expect(missing.json.run_result.stderr).toMatch(/Cannot find module 'child_process'/);

    const files = await run({
      code: "console.log(require('fs').readFileSync('data.txt', 'utf8').trim())",
      language: "nodejs",
      files: { "data.txt": Buffer.from("from a file\n").toString("base64") },
    });
    expect(files.json.run_result).toMatchObject({ return_code: 0, stdout: "from a file\n" });
  });

  it("each script runs in a fresh sandbox; other languages and bad bodies are refused clearly", async () => {
    await run(verlPayload("globalThis.leak = 1; var kept = 2;", ""));
    const next = await run(verlPayload("console.log(typeof leak, typeof kept)", ""));
    expect(next.json.run_result.stdout).toBe("undefined undefined\n");

    const python = await run(verlPayload("print(1)", "", "python"));
    expect(python.status).toBe(200);
    expect(python.json).toMatchObject({ status: "SandboxError", run_result: null, compile_result: null });
    expect(String(python.json.message)).toMatch(/language 'python' is not supported/);

    const noCode = await postJson(`${server.url}/run_code`, { language: "nodejs" });
    expect(noCode.status).toBe(422);
    expect(JSON.stringify(noCode.json)).toContain('"loc":["body","code"]');
    const notJson = await postJson(`${server.url}/run_code`, "{");
    expect(notJson.status).toBe(422);
    expect(liveSandboxCount()).toBe(0);
  });

  it("serves many concurrent requests (verl sends up to 64 at a time)", async () => {
    const results = await Promise.all(
      Array.from({ length: 64 }, (_, i) =>
        run(
          verlPayload(
            "const n = Number(require('fs').readFileSync(0, 'utf8')); console.log(n * n);",
            String(i),
          ),
        ),
      ),
    );
    expect(results.map((r) => r.json.run_result.stdout)).toEqual(
      Array.from({ length: 64 }, (_, i) => `${i * i}\n`),
    );
  });
});
