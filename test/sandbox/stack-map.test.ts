/**
 * The positions a cell's own stack shows (mapped in the sandbox from the cheap positions table,
 * sandbox/positions.ts) equal the ones the host computes from full source maps (sandbox/sourcemap.ts),
 * line AND column, for cells the rewrite leaves alone, edits (declarations, hoisted functions,
 * last value) and TS cells esbuild rewrites. Each cell prints the stack, then rethrows the error,
 * whose stack the host maps.
 */
import { afterAll, describe, expect, it } from "vitest";
import { createSandbox, type EngineName, liveSandboxCount, shutdownEngines } from "../../sandbox/index.ts";

afterAll(async () => {
  await shutdownEngines();
  expect(liveSandboxCount()).toBe(0);
});

const RETHROW = "\ntry { main(); } catch (e) { console.log(e.stack); throw e; }";

const CELLS: Array<{ name: string; language: "js" | "ts"; code: string }> = [
  {
    name: "plain JS, no rewrite edits",
    language: "js",
    code: "(function main2() {})\nglobalThis.main = () => {\n  [1, 2].forEach((x) => {\n    if (x === 2) throw new Error('two');\n  });\n};",
  },
  {
    name: "declarations, a hoisted function after other code, a last value",
    language: "js",
    code: "let count = 0;\nconst table = { a: 1 };\n\nfunction main() {\n  count++;\n  return helper(table.b.c);\n}\nfunction helper(v) { return v; }\ncount",
  },
  {
    name: "TS with types over several lines, a class and an arrow",
    language: "ts",
    code: "interface Row {\n  id: number;\n  tags?: string[];\n}\nclass Store {\n  rows: Row[] = [{ id: 1 }];\n  tagsOf(i: number): number {\n    return (this.rows[i] as Row).tags!.length;\n  }\n}\nconst store = new Store();\nconst main = (): number => store.tagsOf(0);",
  },
];

/** `file:line:column` of the frames of a stack text. */
function locations(stack: string): string[] {
  return [...stack.matchAll(/([^\s()]+:\d+:\d+)\)?$/gm)].map((m) => m[1] as string);
}

describe.each(["isolated-vm", "quickjs"] as EngineName[])("stacks read in the sandbox: %s", (engine) => {
  for (const cell of CELLS) {
    it(`${cell.name}: the same lines and columns as the host's source maps`, async () => {
      await using sb = await createSandbox({ engine });
      const r = await sb.run(`${cell.code}${RETHROW}`, { language: cell.language });
      expect(r.error?.kind).toBe("runtime");
      const host = locations(r.error?.stack ?? "");
      expect(host.length).toBeGreaterThan(1);
      expect(locations(r.stdout)).toEqual(host);
      // A built-in the agent called stays (`at forEach (native)` on QuickJS); the one starting the cell goes.
      expect(r.stdout).not.toMatch(/prelude|<isolated-vm>|at apply \(native\)/);
    });
  }
});
