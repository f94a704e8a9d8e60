/**
 * Attack attempts against both engines. Each must be blocked (no host object reachable, limits
 * hold), the host stays alive, and a bystander session running alongside is unaffected.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createSandbox,
  ENGINE_NAMES,
  type EngineName,
  type ExecResult,
  liveSandboxCount,
  type Sandbox,
  type SandboxOptions,
  shutdownEngines,
} from "../../sandbox/index.ts";

const MiB = 1024 * 1024;
const LIMITS = { timeoutMs: 1500, cpuTimeMs: 1500, memoryLimitBytes: 48 * MiB, outputLimitBytes: 64 * 1024 };
const hostSeen: unknown[] = [];
const TOOLS = {
  echo: (args: unknown) => {
    hostSeen.push(Object.assign({}, args));
    return args;
  },
  fail: () => {
    throw new Error("failed at /work/main/sandbox/secret.ts:10");
  },
  proto: () =>
    JSON.parse('{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted2": 1}}}'),
};

/** Probe every attack ends with: did anything reach a host global? */
const ESCAPED = `(typeof process !== "undefined" || typeof require === "function" && (() => { try { return typeof require("fs").readFileSync === "function"; } catch { return false; } })())`;

type Verdict = "value" | "error" | "blocked";
interface Attack {
  name: string;
  code: string;
  /** What a blocked attack looks like: a value of "'blocked'", or an error of one of these kinds. */
  expect: Verdict;
  kinds?: string[];
  /** Narrower kinds for isolated-vm, when its outcome is known exactly. */
  ivmKinds?: string[];
  options?: SandboxOptions;
}

const escapeProbe = (expr: string) =>
  `let out; try { const p = ${expr}; out = (p && typeof p === "object" && typeof p.pid === "number") || ${ESCAPED} ? "escaped" : "blocked"; } catch { out = "blocked"; } out`;

const attacks: Attack[] = [
  {
    name: "this.constructor.constructor('return process')()",
    code: escapeProbe(`this.constructor.constructor("return process")()`),
    expect: "value",
  },
  {
    name: "Function('return this')().process",
    code: escapeProbe(`Function("return this")().process`),
    expect: "value",
  },
  {
    name: "constructor chain through a tool function",
    code: escapeProbe(`echo.constructor.constructor("return process")()`),
    expect: "value",
  },
  {
    name: "constructor chain through a tool's returned object",
    code: escapeProbe(`(await echo({})).constructor.constructor("return process")()`),
    expect: "value",
  },
  {
    name: "constructor chain through an error thrown by a tool",
    code: `let e; try { await fail({}); } catch (err) { e = err; } ${escapeProbe(`e.constructor.constructor("return process")()`)}`,
    expect: "value",
  },
  {
    name: "tool error message reveals no host path",
    code: `let m = ""; try { await fail({}); } catch (err) { m = String(err.message) + String(err.stack); } m.includes("/work/") ? "escaped" : "blocked"`,
    expect: "value",
  },
  {
    name: "Proxy as tool arguments",
    code: `let r; try { await echo(new Proxy({}, { get(t, k) { return k === "toJSON" ? () => ({ k: Function }) : undefined; }, ownKeys() { throw new Error("x"); } })); } catch {} ${escapeProbe("globalThis.process")}`,
    expect: "value",
  },
  {
    name: "Error.prepareStackTrace frames",
    code: `Error.prepareStackTrace = (e, frames) => frames.map((f) => { try { return f.getThis?.() ?? f.getFunction?.(); } catch { return null; } });
let frames = []; try { await fail({}); } catch (err) { frames = err.stack; }
const leaked = Array.isArray(frames) && frames.some((f) => { try { return typeof f?.constructor?.constructor("return typeof process")() === "string" && f.constructor.constructor("return typeof process")() !== "undefined"; } catch { return false; } });
leaked || ${ESCAPED} ? "escaped" : "blocked"`,
    expect: "value",
  },
  {
    name: "Symbol.species constructor",
    code: `class X extends Array { static get [Symbol.species]() { return function () { return this.constructor.constructor("return process")(); }; } }
let r; try { r = new X(1, 2, 3).map((x) => x); } catch {} (r && typeof r.pid === "number") || ${ESCAPED} ? "escaped" : "blocked"`,
    expect: "value",
  },
  {
    name: "dynamic import('node:fs')",
    code: `let r = "blocked"; try { const fs = await import("node:fs"); if (fs.readFileSync) r = "escaped"; } catch {} r`,
    expect: "value",
  },
  {
    name: "require('child_process')",
    code: `let r = "blocked"; try { if (require("child_process").execSync) r = "escaped"; } catch {} r`,
    expect: "value",
  },
  { name: "eval('process')", code: escapeProbe(`(0, eval)("process")`), expect: "value" },
  {
    name: "WebAssembly is unavailable",
    code: `typeof WebAssembly === "undefined" ? "blocked" : "escaped"`,
    expect: "value",
  },
  { name: "infinite loop", code: "while (true) {}", expect: "error", kinds: ["timeout"] },
  {
    name: "infinite loop after awaiting a tool",
    code: "await echo({}); for (;;) {}",
    expect: "error",
    kinds: ["timeout"],
  },
  {
    name: "infinite loop after a virtual timer",
    code: "await new Promise((r) => setTimeout(r, 5)); for (;;) {}",
    expect: "error",
    kinds: ["timeout"],
  },
  {
    name: "runaway allocation",
    code: "const a = []; for (;;) a.push({ x: [1, 2, 3] });",
    expect: "error",
    kinds: ["memory", "timeout"],
  },
  {
    name: "typed array allocation",
    code: "const bufs = []; for (;;) bufs.push(new Uint8Array(16 * 1024 * 1024).fill(1));",
    expect: "error",
    kinds: ["memory", "runtime", "timeout"],
  },
  {
    name: "huge string doubling",
    code: `let s = "x"; for (;;) s += s;`,
    expect: "error",
    kinds: ["memory", "runtime", "timeout"],
  },
  {
    name: "deep recursion",
    code: "const f = (n) => f(n + 1) + 1; f(0)",
    expect: "error",
    kinds: ["stack_overflow"],
  },
  {
    name: "deep JSON.parse nesting",
    code: `JSON.parse("[".repeat(2_000_000) + "]".repeat(2_000_000))`,
    expect: "error",
    // isolated-vm: V8 parses it iteratively and hits the heap limit ("memory"); when GC at the
    // limit wedges the isolate past timeout + grace, the watchdog replaces the process and charges
    // the cell a "timeout". Never "infra": trainers mask infra, so a wedge would dodge the reward.
    kinds: ["stack_overflow", "runtime", "memory", "timeout"],
    ivmKinds: ["memory", "timeout"],
  },
  {
    name: "catastrophic regex",
    code: `/^(a+)+$/.test("a".repeat(40) + "b")`,
    expect: "error",
    kinds: ["timeout"],
  },
  {
    name: "output flood",
    code: `for (;;) console.log("y".repeat(1000));`,
    expect: "error",
    kinds: ["output_limit"],
  },
  {
    name: "microtask flood",
    code: "const spin = () => Promise.resolve().then(spin); spin(); await new Promise(() => {});",
    expect: "error",
    kinds: ["timeout", "memory"],
  },
  {
    name: "promise flood (await in a loop)",
    code: "for (;;) await null;",
    expect: "error",
    kinds: ["timeout"],
  },
  {
    name: "timer flood",
    code: "for (;;) setTimeout(() => {}, 0);",
    expect: "error",
    kinds: ["timeout", "memory"],
  },
  {
    name: "Atomics.wait",
    code: "Atomics.wait(new Int32Array(new SharedArrayBuffer(16)), 0, 0);",
    expect: "error",
    kinds: ["runtime", "timeout"],
  },
  {
    name: "prototype pollution through tool results",
    code: `const r = await proto({}); ({}).polluted === undefined && ({}).polluted2 === undefined ? "blocked" : "escaped"`,
    expect: "value",
  },
  {
    name: "prototype pollution through tool arguments",
    code: `await echo(JSON.parse('{"__proto__": {"hostPolluted": 1}}')); "blocked"`,
    expect: "value",
  },
  {
    name: "bridge is not reachable from cell code",
    code: `typeof bridge === "undefined" && typeof callTool === "undefined" && typeof runner === "undefined" ? "blocked" : "escaped"`,
    expect: "value",
  },
];

function checkBlocked(attack: Attack, r: ExecResult, engine: EngineName): void {
  if (attack.expect === "value") {
    expect(r.error, JSON.stringify(r.error)).toBeUndefined();
    expect(r.value).toBe("'blocked'");
  } else {
    expect(r.ok).toBe(false);
    const kinds = engine === "isolated-vm" ? (attack.ivmKinds ?? attack.kinds) : attack.kinds;
    expect(kinds).toContain(r.error?.kind);
  }
}

afterAll(async () => {
  await shutdownEngines();
  expect(liveSandboxCount()).toBe(0);
});

describe.each(ENGINE_NAMES)("attacks: %s", (engine) => {
  let bystander: Sandbox;
  let bystanderRuns = 0;

  beforeAll(async () => {
    bystander = await createSandbox({ engine });
    await bystander.run("let counter = 0;");
  });

  afterAll(async () => {
    const r = await bystander.run("counter");
    expect(r.value).toBe(String(bystanderRuns));
    await bystander.dispose();
  });

  it("has at least 25 attacks", () => {
    expect(attacks.length).toBeGreaterThanOrEqual(25);
  });

  for (const attack of attacks) {
    it(attack.name, async () => {
      await using sandbox = await createSandbox({ engine, limits: LIMITS, tools: TOOLS, ...attack.options });
      const [r, b] = await Promise.all([sandbox.run(attack.code), bystander.run("++counter")]);
      bystanderRuns++;
      checkBlocked(attack, r, engine);
      expect(b.ok).toBe(true);
      expect(typeof process.pid).toBe("number");
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(({} as Record<string, unknown>).hostPolluted).toBeUndefined();
      for (const seen of hostSeen) expect(Object.getPrototypeOf(seen)).toBe(Object.prototype);
    });
  }

  it("globals of one session are invisible to another", async () => {
    await using a = await createSandbox({ engine });
    await using b = await createSandbox({ engine });
    await a.run("globalThis.secret = 42; Object.prototype.leak = 1;");
    expect((await b.run("typeof secret + ',' + typeof ({}).leak")).value).toBe("'undefined,undefined'");
  });
});
