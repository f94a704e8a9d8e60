import { createBlank, installBlank } from "./sandbox/engines/isolated-vm/child-isolate.ts";
import { getPrelude } from "./sandbox/prelude/index.ts";
const prelude = getPrelude();
const target = { callTool: () => 0, report: () => {} };
const cfg = JSON.stringify({ seed: 3, realTime: false, startTimeMs: 0, toolNames: ["echo"], grading: false });
for (const warm of [false, true, true, true, true]) {
  let t = performance.now();
  const b = await createBlank(prelude, 64, warm);
  const c = performance.now() - t;
  t = performance.now();
  const inst = installBlank(b, cfg, target);
  console.log("warm", warm, "blank", c.toFixed(2), "install", (performance.now() - t).toFixed(3));
  inst.isolate.dispose();
}
