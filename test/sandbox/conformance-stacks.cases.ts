/**
 * Conformance cases of stacks a cell reads itself (`err.stack`, `console.log(err)`, an error as
 * the last value): the agent's own cell lines, no internal frames, no file names spoofed with
 * `//# sourceURL=`. Every engine must pass them (conformance.test.ts).
 */
import { expect } from "vitest";
import type { Sandbox } from "../../sandbox/index.ts";
import type { ConformanceCase } from "./conformance.cases.ts";

/** Internal frames: the prelude (V8 and QuickJS file names), the engine's glue, the call starting a cell. */
const INTERNAL = /prelude|<isolated-vm>|\(native\)|node_modules|\/work\//;

async function printed(sb: Sandbox, code: string, language: "js" | "ts" = "js"): Promise<string> {
  const r = await sb.run(code, { language });
  expect(r.error).toBeUndefined();
  return r.stdout;
}

/** `file:line` of every frame of a printed stack, in order. */
function frames(stack: string): string[] {
  return [...stack.matchAll(/^\s+at .*?([^\s()]+):(\d+):\d+\)?$/gm)].map((m) => `${m[1]}:${m[2]}`);
}

export const stackCases: ConformanceCase[] = [
  {
    name: "err.stack read in a cell: the agent's own lines (REPL header and hoisting do not move them)",
    async run(sb) {
      await printed(sb, "const a = 1;\nfunction thrower() {\n  throw new Error('x');\n}");
      const out = await printed(
        sb,
        "let q = 2;\nfunction later() { return 1; }\ntry {\n  thrower();\n} catch (e) {\n  console.log(e.stack);\n}",
      );
      expect(frames(out)).toEqual(["cell-1.js:3", "cell-2.js:4"]);
      expect(out).not.toMatch(INTERNAL);
    },
  },
  {
    name: "a TS cell's stack shows cell-N.ts at the agent's line and column",
    async run(sb) {
      const out = await printed(
        sb,
        "type Point = { x: number };\ninterface Box { p: Point }\nconst boxes: Box[] = [];\nfunction first(): Point {\n  return (boxes[0] as Box).p;\n}\ntry { first(); } catch (e) { console.log((e as Error).stack); }",
        "ts",
      );
      // Columns too are the agent's, but engines point at different parts of a call (V8 its
      // start, QuickJS its parenthesis): lines are compared here, columns in test/sandbox/stack-map.test.ts.
      expect(frames(out)).toEqual(["cell-1.ts:5", "cell-1.ts:7"]);
      expect(out).not.toMatch(INTERNAL);
    },
  },
  {
    name: "console.log(err) and an error as the cell's value are mapped too",
    async run(sb) {
      const out = await printed(sb, "\n\nconst e = new RangeError('r');\nconsole.log(e);");
      expect(frames(out)).toEqual(["cell-1.js:3"]);
      const r = await sb.run("\nnew Error('v')");
      expect(frames(r.value ?? "")).toEqual(["cell-2.js:2"]);
      expect(`${out}${r.value}`).not.toMatch(INTERNAL);
    },
  },
  {
    name: "//# sourceURL= cannot give code a cell's or the prelude's name, in the cell or in eval",
    async run(sb) {
      await printed(sb, "const one = 1;");
      const out = await printed(
        sb,
        [
          "try { eval('throw new Error(1)\\n//# sourceURL=cell-1.js'); } catch (e) { console.log('#', e.stack); }",
          "try { new Function('throw new Error(2)\\n//# sourceURL=codeact-prelude.js')(); } catch (e) { console.log('#', e.stack); }",
          "try { new Function('throw new Error(3)\\n//# sourceURL=prelude.js')(); } catch (e) { console.log('#', e.stack); }",
          "try { null.x; } catch (e) { console.log('#', e.stack); }",
          "//# sourceURL=cell-1.js",
        ].join("\n"),
      );
      const stacks = out.split(/^# /m).filter((s) => s.includes(" at "));
      expect(stacks).toHaveLength(4);
      // Each eval'd frame is still shown, by no cell's or prelude's name; the cell's frame is cell 2's.
      for (const [i, s] of stacks.slice(0, 3).entries()) {
        const f = frames(s);
        expect(f).toHaveLength(2);
        expect(f[0]).not.toMatch(/^cell-|^codeact-prelude\.js/);
        expect(f[1]).toBe(`cell-2.js:${i + 1}`);
      }
      expect(frames(stacks[3] ?? "")).toEqual(["cell-2.js:4"]);
    },
  },
  {
    name: "the stack hook is not the agent's: Error.prepareStackTrace cannot be replaced, the cell mark is inert",
    async run(sb) {
      const r = await sb.run(
        "'use strict';\nlet replaced = 'no';\ntry { Error.prepareStackTrace = () => 'mine'; replaced = 'yes'; } catch { }\nconst e = new Error('z');\nconsole.log(e.stack);\n__codeact_cell__();\n[replaced, e.stack.includes('mine'), Object.isFrozen(__codeact_cell__)]",
      );
      // The cell mark the header calls is the agent's to see, but frozen and inert afterwards.
      expect(r.value).toBe("[ 'no', false, true ]");
      expect(frames(r.stdout)).toEqual(["cell-1.js:4"]);
    },
  },
];
