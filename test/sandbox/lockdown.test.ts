/**
 * Lockdown coverage: walking everything reachable from a session's global object finds no
 * extensible object and no writable or configurable data property among the built-ins and the
 * harness, in grading sessions and in episode sessions, on both engines. Deliberate exceptions:
 * - the global object itself stays extensible (cells declare their names on it);
 * - `console` is the agent's (tests may spy on it; nothing grades through it);
 * - outside grading, the harness and tool names (a cell may define its own `test` helper).
 * Ordinary code still works: override taming lets objects assign `toString`, `name`, `message`.
 */
import { afterAll, describe, expect, it } from "vitest";
import { createSandbox, ENGINE_NAMES, liveSandboxCount, shutdownEngines } from "../../sandbox/index.ts";
import { createSandboxSession } from "../../sandbox/session.ts";

afterAll(async () => {
  await shutdownEngines();
  expect(liveSandboxCount()).toBe(0);
});

/** Lists what is not locked, starting from the global bindings (names in `skip` left out). */
const WALK = (skip: string[]) => `(() => {
const skip = new Set(${JSON.stringify(skip)});
const seen = new Set();
const problems = [];
const stack = [];
for (const key of Reflect.ownKeys(globalThis)) {
  if (typeof key === "string" && skip.has(key)) continue;
  const d = Object.getOwnPropertyDescriptor(globalThis, key);
  if (d.configurable || d.writable) problems.push("globalThis." + String(key) + " (binding)");
  if ("value" in d) stack.push(["globalThis." + String(key), d.value]);
  else stack.push(["globalThis." + String(key) + ".get", d.get], ["globalThis." + String(key) + ".set", d.set]);
}
stack.push(["%ArrayIteratorPrototype%", Object.getPrototypeOf([][Symbol.iterator]())]);
stack.push(["%GeneratorPrototype%", Object.getPrototypeOf(Object.getPrototypeOf((function* () {})()))]);
stack.push(["%AsyncGeneratorPrototype%", Object.getPrototypeOf(Object.getPrototypeOf((async function* () {})()))]);
stack.push(["%RegExpStringIteratorPrototype%", Object.getPrototypeOf(/a/[Symbol.matchAll]("a"))]);
stack.push(["%AsyncFunction.prototype%", Object.getPrototypeOf(async () => {})]);
while (stack.length > 0) {
  const [path, v] = stack.pop();
  if (v === null || (typeof v !== "object" && typeof v !== "function") || v === globalThis || seen.has(v)) continue;
  seen.add(v);
  if (Object.isExtensible(v)) problems.push(path + " (extensible)");
  stack.push([path + ".[[Prototype]]", Object.getPrototypeOf(v)]);
  for (const key of Reflect.ownKeys(v)) {
    const d = Object.getOwnPropertyDescriptor(v, key);
    const at = path + "." + String(key);
    if (d.configurable) problems.push(at + " (configurable)");
    if ("value" in d) {
      if (d.writable) problems.push(at + " (writable)");
      stack.push([at, d.value]);
    } else stack.push([at + ".get", d.get], [at + ".set", d.set]);
  }
}
console.log(JSON.stringify({ objects: seen.size, problems: problems.slice(0, 20), count: problems.length }));
})()`;

const HARNESS = [
  "describe",
  "test",
  "it",
  "xit",
  "xtest",
  "xdescribe",
  "fit",
  "fdescribe",
  "beforeAll",
  "afterAll",
  "beforeEach",
  "afterEach",
  "expect",
  "jest",
  "assert",
  "require",
];

describe.each(ENGINE_NAMES)("lockdown on %s", (engine) => {
  for (const grading of [true, false]) {
    it(`${grading ? "a grading" : "an episode"} session: nothing reachable is writable or extensible`, async () => {
      const session = await createSandboxSession({ engine, grading, tools: { echo: (a) => a } });
      try {
        const skip = grading ? ["console"] : ["console", ...HARNESS, "echo"];
        const run = await session.run(WALK(skip));
        expect(run.error, JSON.stringify(run.error)).toBeUndefined();
        const report = JSON.parse(run.stdout) as { objects: number; problems: string[]; count: number };
        expect(report.problems).toEqual([]);
        expect(report.objects).toBeGreaterThan(500);
      } finally {
        await session.dispose();
      }
    });
  }

  it("ordinary code that assigns inherited names on its own objects still works (override taming)", async () => {
    await using sb = await createSandbox({ engine });
    const r = await sb.run(`
class ValidationError extends Error { constructor(m) { super(m); this.name = "ValidationError"; } }
function Point(x) { this.x = x; }
Point.prototype.toString = function () { return "P(" + this.x + ")"; };
Point.prototype.constructor = Point;
const o = { valueOf: null }; o.valueOf = () => 42; o.toJSON = () => "j";
const e = new Error("a"); e.message = "b";
[new ValidationError("x").name, String(new Point(1)), +o, JSON.stringify(o), e.message].join(",")`);
    expect(r.error).toBeUndefined();
    expect(r.value).toBe("'ValidationError,P(1),42,\"j\",b'");
  });

  it("a cell that declares one of the sandbox's globals fails saying so, instead of silently using the built-in", async () => {
    await using sb = await createSandbox({ engine });
    for (const code of [
      'function escape(s) { return "<" + s + ">"; }\nescape("a")',
      "const Map = 1;",
      "var JSON = {};",
    ]) {
      const r = await sb.run(code);
      expect(r.error?.message, code).toMatch(/has already been declared: it is one of the sandbox's globals/);
    }
    // Names of its own, and shadowing inside a function, are fine.
    expect(
      (await sb.run("const escapeHtml = (s) => s; function f() { const Map = 1; return Map; } f()")).value,
    ).toBe("1");
    expect((await sb.run("const escapeHtml = 2; escapeHtml")).value).toBe("2");
  });

  it("patching a built-in is refused: an error in strict code, nothing at all in sloppy code", async () => {
    await using sb = await createSandbox({ engine });
    const strict = await sb.run(`(() => { "use strict"; Array.prototype.sum = () => 0; })()`);
    expect(strict.error?.name).toBe("TypeError");
    const sloppy = await sb.run("Array.prototype.sum = () => 0; JSON = 1; [typeof [].sum, typeof JSON]");
    expect(sloppy.value).toBe("[ 'undefined', 'object' ]");
  });
});
