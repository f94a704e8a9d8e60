/**
 * Type diagnostics of TS cells (typecheck "off" | "report" | "enforce"): real environments on
 * isolated-vm, the real TypeScript compiler, and one real server over /ws for the wire.
 */
import { afterAll, describe, expect, it } from "vitest";
import { typeScriptRequested } from "../../rewards/index.ts";
import { liveSandboxCount, shutdownEngines } from "../../sandbox/index.ts";
import { CodeActEnv, type CodeObservation } from "../../src/env/index.ts";
import { RawSocket, startServer } from "../server/helpers.ts";

afterAll(async () => {
  await shutdownEngines();
  expect(liveSandboxCount()).toBe(0);
});

async function steps(env: CodeActEnv, cells: Array<string | Record<string, unknown>>) {
  const out: CodeObservation[] = [];
  for (const cell of cells) {
    const action = typeof cell === "string" ? { code: cell } : cell;
    out.push((await env.step(action)).observation as CodeObservation);
  }
  return out;
}

// First in the file: vitest gives each file its own module registry, so nothing has loaded the compiler yet.
describe("typecheck off (the default)", () => {
  it("runs a TS cell with a type error, reports nothing and never loads the compiler", async () => {
    await using env = new CodeActEnv({ engine: "isolated-vm" });
    await env.reset({});
    const [obs] = await steps(env, ['const n: number = "x" as any as number;\nconst m: number = "y";\nm']);
    expect(obs?.exit_code).toBe(0);
    expect(obs?.value).toBe("'y'");
    expect(obs).not.toHaveProperty("diagnostics");
    expect(typeScriptRequested()).toBe(false);
  });
});

describe("typecheck report", () => {
  it("reports a type error at the agent's own line:column and still runs the cell", async () => {
    await using env = new CodeActEnv({ engine: "isolated-vm" });
    await env.reset({ typecheck: "report" });
    const [obs] = await steps(env, ['console.log("ran");\nconst total: number = "ten";']);
    expect(obs?.stdout).toBe("ran\n");
    expect(obs?.diagnostics).toEqual([
      {
        line: 2,
        column: 7,
        end_line: 2,
        end_column: 12,
        code: 2322,
        message: "Type 'string' is not assignable to type 'number'.",
      },
    ]);
    expect(typeScriptRequested()).toBe(true);
  });

  it("knows the names earlier cells declared (cell 1's names in cell 3), their types, and redeclarations", async () => {
    await using env = new CodeActEnv({ engine: "isolated-vm" });
    await env.reset({ typecheck: "report" });
    const obs = await steps(env, [
      "interface Point { x: number; y: number }\nconst origin: Point = { x: 0, y: 0 };\nfunction norm(p: Point) { return Math.hypot(p.x, p.y); }",
      'let label = "a";',
      "const d: number = norm({ x: 3, y: 4 }) + origin.x;\nd",
      // A later cell may declare a name again (REPL semantics): the newest declaration's type wins.
      "let label = 5;",
      "label.toFixed(1)",
      "const s: string = norm(origin);",
    ]);
    expect(obs.slice(0, 5).map((o) => o.diagnostics)).toEqual([[], [], [], [], []]);
    expect(obs[2]?.value).toBe("5");
    expect(obs[4]?.value).toBe("'5.0'");
    expect(obs[5]?.diagnostics?.map((d) => [d.line, d.column, d.code])).toEqual([[1, 7, 2322]]);
  });

  it("finds names no cell declared, allows top-level await, and type-checks calls to the episode's tools", async () => {
    await using env = new CodeActEnv({ engine: "isolated-vm" });
    await env.reset({ typecheck: "report" });
    const obs = await steps(env, [
      "const v = await Promise.resolve(2);\nv + undeclaredName",
      'await write_file({ path: "a.txt", content: "hi" });\nawait read_file({ path: 42 });',
    ]);
    expect(obs[0]?.diagnostics?.map((d) => [d.line, d.code, d.message])).toEqual([
      [2, 2304, "Cannot find name 'undeclaredName'."],
    ]);
    expect(obs[1]?.diagnostics?.map((d) => [d.line, d.column, d.code])).toEqual([[2, 19, 2322]]); // at `path`, as tsc puts it
  });

  it("checks only TS cells, but a JS cell's declarations are known to later TS cells", async () => {
    await using env = new CodeActEnv({ engine: "isolated-vm" });
    await env.reset({ typecheck: "report" });
    const obs = await steps(env, [
      { code: "var fromJs = 'text'; fromJs = fromJs;", language: "js" },
      "const k: number = fromJs;",
    ]);
    expect(obs[0]).not.toHaveProperty("diagnostics");
    expect(obs[1]?.diagnostics?.map((d) => d.code)).toEqual([2322]);
  });
});

describe("typecheck enforce", () => {
  it("does not run a cell with type errors, says why on stderr as tsc would, and the next cells go on", async () => {
    await using env = new CodeActEnv({ engine: "isolated-vm" });
    await env.reset({ typecheck: "enforce" });
    const obs = await steps(env, [
      "let count = 1;",
      'count = 2;\nconsole.log("side effect");\nconst wrong: string = count;',
      "count",
    ]);
    const refused = obs[1] as CodeObservation;
    expect(refused.exit_code).toBe(1);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toContain(
      "cell.ts(3,7): error TS2322: Type 'number' is not assignable to type 'string'.",
    );
    expect(refused.stderr).toContain('The cell was not run: 1 type error and typecheck is "enforce"');
    expect(refused.error).toMatchObject({ kind: "type", name: "TSError", line: 3, column: 7 });
    expect(refused.diagnostics).toHaveLength(1);
    // It did not run: count is still 1, and the refused cell's declaration is not in the program.
    expect(obs[2]?.value).toBe("1");
    expect(obs[2]?.diagnostics).toEqual([]);
    const after = await steps(env, ["wrong"]);
    expect(after[0]?.diagnostics?.map((d) => d.code)).toEqual([2304]);
  });

  it("a step's typecheck overrides the episode's", async () => {
    await using env = new CodeActEnv({ engine: "isolated-vm", typecheck: "enforce" });
    await env.reset({});
    const obs = await steps(env, [
      { code: "const a: number = 'x';\na", typecheck: "off" },
      { code: "const b: number = 'y';\nb", typecheck: "report" },
    ]);
    expect(obs[0]).toMatchObject({ exit_code: 0, value: "'x'" });
    expect(obs[0]).not.toHaveProperty("diagnostics");
    expect(obs[1]).toMatchObject({ exit_code: 0, value: "'y'" });
    expect(obs[1]?.diagnostics?.map((d) => d.code)).toEqual([2322]);
  });
});

describe("fork", () => {
  it("a forked episode keeps the type checking mode and knows the names the parent's cells declared", async () => {
    await using env = new CodeActEnv({ engine: "isolated-vm" });
    await env.reset({ typecheck: "enforce" });
    await steps(env, ["const base: number = 40;"]);
    const [child] = await env.fork(1);
    try {
      const obs = await steps(child as CodeActEnv, ["base + 2", "const s: string = base;"]);
      expect(obs[0]).toMatchObject({ exit_code: 0, value: "42", diagnostics: [] });
      expect(obs[1]).toMatchObject({ exit_code: 1, error: { kind: "type", line: 1, column: 7 } });
    } finally {
      await child?.close();
    }
  });
});

describe("over the wire", () => {
  it("reset's typecheck and the observation's diagnostics travel over /ws; a bad mode is named", async () => {
    await using server = await startServer();
    const ws = await RawSocket.open(server.wsUrl);
    ws.send({ type: "reset", data: { typecheck: "sometimes" } });
    const bad = (await ws.next()) as { type: string; data: { message: string; code: string } };
    expect(bad.type).toBe("error");
    expect(bad.data.message).toContain("typecheck");
    ws.send({ type: "reset", data: { typecheck: "enforce" } });
    expect((await ws.next()).type).toBe("observation");
    ws.send({ type: "step", data: { code: "const x: boolean = 1;" } });
    const frame = (await ws.next()) as { data: { observation: CodeObservation } };
    expect(frame.data.observation.diagnostics?.[0]).toMatchObject({ line: 1, column: 7, code: 2322 });
    expect(frame.data.observation.stderr).toContain("error TS2322");
    ws.send({ type: "step", data: { code: "1", typecheck: "always" } });
    const invalid = (await ws.next()) as { type: string; data: { code: string } };
    expect(invalid).toMatchObject({ type: "error", data: { code: "VALIDATION_ERROR" } });
    await ws.close();
  });
});
