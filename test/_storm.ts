import { createSandbox } from "../sandbox/index.ts";
const engine = (process.argv[2] ?? "isolated-vm") as "isolated-vm";
await using sb = await createSandbox({ engine });
const t0 = performance.now();
const r = await sb.run(process.argv[3] ?? "const f = () => setTimeout(f, 0); f(); await new Promise(() => {});");
console.log(performance.now() - t0, JSON.stringify(r).slice(0, 600));
