/**
 * The README's TypeScript examples, as a user copies them: every ```ts block is type-checked with
 * the project's own compiler options as an ES module importing the package by name
 * ("codeact-env", "codeact-env/client", ...; mapped from package.json "exports" to the sources),
 * and a block that does not compile fails the suite, naming the README line. The blocks that can
 * run here (loopback only) are compiled as tsc would for Node 22 and run in a child process. The
 * ```python blocks are run by test/server/python-examples.test.ts.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emptyBody } from "../../src/eval/index.ts";
import { loadSuite } from "../../tasks/index.ts";
import { startServer, stopEngines, type TestServer } from "../server/helpers.ts";

const exec = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "../..");
const README = join(ROOT, "README.md");

interface Block {
  /** 1-based README line of the block's first code line. */
  line: number;
  code: string;
}

function blocksOf(markdown: string, language: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== `\`\`\`${language}`) continue;
    const end = lines.indexOf("```", i + 1);
    blocks.push({ line: i + 2, code: lines.slice(i + 1, end).join("\n") });
    i = end;
  }
  return blocks;
}

/** "codeact-env/client" -> the source file its "exports" entry is built from. */
async function packageSources(): Promise<Record<string, string>> {
  const pkg = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as {
    name: string;
    exports: Record<string, string>;
  };
  const out: Record<string, string> = {};
  for (const [sub, target] of Object.entries(pkg.exports)) {
    const specifier = sub === "." ? pkg.name : `${pkg.name}/${sub.slice(2)}`;
    out[specifier] = join(ROOT, target.replace(/^\.\/dist\//, "").replace(/\.js$/, ".ts"));
  }
  return out;
}

function compilerOptions(paths: Record<string, string>): ts.CompilerOptions {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    join(ROOT, "tsconfig.json"),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      },
    },
  );
  if (!parsed) throw new Error("cannot read tsconfig.json");
  const mapped = Object.fromEntries(Object.entries(paths).map(([k, v]) => [k, [v]]));
  return { ...parsed.options, noEmit: true, paths: mapped };
}

/** Type-checks each block as its own module; returns "README.md:LINE: message" per diagnostic. */
function typeCheck(blocks: readonly Block[], options: ts.CompilerOptions): string[] {
  const files = new Map(blocks.map((b) => [join(ROOT, `readme-example-${b.line}.mts`), b]));
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile: read } = host;
  host.fileExists = (name) => files.has(name) || fileExists.call(host, name);
  host.readFile = (name) => files.get(name)?.code ?? read.call(host, name);
  host.getSourceFile = (name, target, ...rest) => {
    const block = files.get(name);
    return block
      ? ts.createSourceFile(name, block.code, target)
      : getSourceFile.call(host, name, target, ...rest);
  };
  const program = ts.createProgram([...files.keys()], options, host);
  const problems: string[] = [];
  for (const [name, block] of files) {
    const source = program.getSourceFile(name);
    for (const d of ts.getPreEmitDiagnostics(program, source)) {
      const at = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
      const where = at ? `${block.line + at.line}:${at.character + 1}` : String(block.line);
      problems.push(`README.md:${where}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
    }
  }
  return problems;
}

/** The block as tsc emits it for Node 22 (`await using` lowered), importing the sources. */
function compileForNode22(code: string, paths: Record<string, string>): string {
  const js = ts.transpileModule(code, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2023 },
  }).outputText;
  return js.replace(/from "([^"]+)"/g, (all, specifier: string) => {
    const file = paths[specifier];
    return file ? `from ${JSON.stringify(pathToFileURL(file).href)}` : all;
  });
}

const markdown = await readFile(README, "utf8");
const tsBlocks = blocksOf(markdown, "ts");
let paths: Record<string, string>;
let server: TestServer;
let dir: string;

beforeAll(async () => {
  paths = await packageSources();
  const suite = await loadSuite("builtin");
  server = await startServer({ suite }, { suite });
  // Inside the checkout, so that the sources' own imports resolve against its node_modules.
  dir = await mkdtemp(join(ROOT, "test/docs/.run-"));
});

afterAll(async () => {
  await server.close();
  await stopEngines();
  await rm(dir, { recursive: true, force: true });
});

describe("README TypeScript examples", () => {
  it("has the examples it promises: a client, in process, a pool", () => {
    expect(tsBlocks.map((b) => /from "(codeact-env[^"]*)"/.exec(b.code)?.[1])).toEqual([
      "codeact-env/client",
      "codeact-env",
      "codeact-env/client",
    ]);
  });

  it("every block compiles with the project's compiler options", () => {
    expect(typeCheck(tsBlocks, compilerOptions(paths))).toEqual([]);
  });

  it("a block that does not compile is reported with its README line", () => {
    const broken: Block = {
      line: 1000,
      code: 'import { EnvClient } from "codeact-env/client";\nconst n: number = EnvClient;\n',
    };
    const problems = typeCheck([broken], compilerOptions(paths));
    expect(problems).toEqual([
      expect.stringMatching(/^README\.md:1001:7: Type 'typeof EnvClient' is not assignable to type 'number'/),
    ]);
  });

  it("the blocks that run on loopback run on Node 22 as tsc compiles them", async () => {
    const runnable = tsBlocks.filter((b) => !/\b10\.\d+\.\d+\.\d+/.test(b.code));
    expect(runnable).toHaveLength(2);
    for (const block of runnable) {
      const code = block.code.replaceAll("http://127.0.0.1:8000", server.url);
      const file = join(dir, `block-${block.line}.mjs`);
      await writeFile(file, compileForNode22(code, paths));
      const { stdout } = await exec(process.execPath, [file], { timeout: 60_000 });
      if (code.includes("console.log(step.observation.value")) expect(stdout).toMatch(/^42 /);
    }
  });
});

/** The README's `$ codeact-env ...` sessions, run for real; timings may differ, nothing else. */
describe("README console examples", () => {
  const sessions = blocksOf(markdown, "console");
  const normalize = (text: string) =>
    text
      .replace(/\d+(\.\d+)? m?s\b/g, "T")
      .replace(/\(\d+(\.\d+)?\/s\)/g, "(R/s)")
      .replace(/ …$/, "");

  it("has the eval sessions it promises", () => {
    expect(sessions.map((s) => s.code.split("\n")[0])).toEqual([
      expect.stringMatching(/^\$ codeact-env eval --suite builtin --completions samples\.jsonl /),
      expect.stringMatching(/^\$ codeact-env eval --suite \.\.\/shared\/suites\/humaneval-x-js\.jsonl /),
    ]);
  });

  it("eval of a completions file prints what the README shows", async () => {
    const session = sessions[0] as Block;
    const [command, ...shown] = session.code.split("\n") as [string, ...string[]];
    const suite = await loadSuite("builtin");
    const slugify = suite.get("builtin/slugify");
    const runs = suite.get("builtin/compress-runs");
    if (!slugify?.canonical_solution || !runs?.canonical_solution) throw new Error("built-in tasks changed");
    // The README's run: slugify times out once and fails once; compress-runs passes twice, fails once.
    const samples = [
      { task_id: slugify.id, completion: `${emptyBody(slugify.prompt)}while (true) {}\n` },
      { task_id: slugify.id, completion: emptyBody(slugify.prompt) },
      { task_id: runs.id, completion: runs.canonical_solution },
      { task_id: runs.id, completion: runs.canonical_solution },
      { task_id: runs.id, completion: emptyBody(runs.prompt) },
    ];
    await writeFile(join(dir, "samples.jsonl"), `${samples.map((s) => JSON.stringify(s)).join("\n")}\n`);
    const { stdout } = await runCli(command, dir);
    const printed = stdout.trimEnd().split("\n");
    expect(printed.slice(0, 4).map(normalize)).toEqual(shown.slice(0, 4).map(normalize));
    expect(printed[4]).toMatch(/^slowest: builtin\/slugify \d/);
  });

  it("eval of a public suite's references prints what the README shows", async (context) => {
    const session = sessions[1] as Block;
    const [command, ...shown] = session.code.split("\n") as [string, ...string[]];
    const suiteFile = resolve(ROOT, "../shared/suites/humaneval-x-js.jsonl");
    if (
      !(await readFile(suiteFile).then(
        () => true,
        () => false,
      ))
    ) {
      context.skip(
        `${suiteFile} is not on this machine (the README's path is relative to a checkout beside shared/)`,
      );
    }
    const { stdout } = await runCli(command, ROOT);
    const printed = stdout.trimEnd().split("\n");
    expect(normalize(printed[0] ?? "").startsWith(normalize(shown[0] ?? ""))).toBe(true);
    expect(printed[1]).toBe(shown[1]);
  }, 300_000);
});

/** Runs a README `$ codeact-env ...` line with the checkout's CLI, in `cwd`. */
async function runCli(line: string, cwd: string): Promise<{ stdout: string }> {
  const args = line.replace(/^\$ codeact-env /, "").split(/\s+/);
  try {
    return await exec(process.execPath, [join(ROOT, "src/cli/main.ts"), ...args], { cwd, timeout: 290_000 });
  } catch (error) {
    // eval exits 1 when samples fail to grade; the README's runs all grade.
    throw new Error(`${line}: ${(error as { stderr?: string }).stderr ?? error}`);
  }
}
