import ivm from "isolated-vm";
import { getPrelude } from "./sandbox/prelude/index.ts";
const prelude = getPrelude();
const iso = new ivm.Isolate({ memoryLimit: 64 });
for (const grading of [false, false, false, false, true, true, false]) {
  const ctx = await iso.createContext();
  let t = performance.now();
  const p = await ctx.eval(prelude, { filename: "p.js", reference: true });
  const ev = performance.now() - t;
  const cfg = JSON.stringify({ seed: 1, realTime: false, startTimeMs: 0, toolNames: ["a"], grading });
  t = performance.now();
  await ctx.evalClosure("$0({ callTool: () => 0, report: () => {} }, $1);", [p.derefInto(), cfg]);
  const ins = performance.now() - t;
  t = performance.now();
  const n = ctx.evalClosureSync("return 1", []);
  console.log("grading", grading, "eval", ev.toFixed(3), "install", ins.toFixed(3), "noop", (performance.now() - t).toFixed(3));
}
