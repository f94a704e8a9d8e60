/**
 * On QuickJS the prelude replaces the sort methods with V8's algorithms (sandbox/prelude/sort.ts,
 * timsort.ts), so every comparator, consistent or not, orders the same on both engines. Each case
 * is an expression evaluated in the sandbox; its printed value must be equal on QuickJS and on
 * isolated-vm (V8's own sort). The sandbox's Math.random is seeded the same on both engines, so
 * random comparators must also agree: that holds only if the comparator is asked the same
 * questions in the same order.
 */
import { afterAll, describe, expect, it } from "vitest";
import { createSandbox, type EngineName, liveSandboxCount, shutdownEngines } from "../../sandbox/index.ts";

afterAll(async () => {
  await shutdownEngines();
  expect(liveSandboxCount()).toBe(0);
});

/** Helpers defined in the sandbox before the cases run. */
const HELPERS = `
  const show = (x) => Object.is(x, -0) ? "-0" : typeof x + ":" + String(x);
  // Every own key and value, so holes, undefineds and the length are all visible.
  const dump = (a) => JSON.stringify([a.length, Object.keys(a).map((k) => k + "=" + show(a[k]))]);
  const hash = (s) => { let h = 2166136261; for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0; return h; };
  const items = (n, ties) => Array.from({ length: n }, (_, i) => ({ k: (i * 7919) % ties, id: i }));
  const ids = (a) => Array.from(a, (x) => x.id).join(",");
  const thrown = (f) => { try { return dump(f()); } catch (e) { return "throws " + e.name; } };
`;

/** Comparators over `items` (inconsistent ones included), by name. */
const COMPARATORS: Record<string, string> = {
  consistent: "(a, b) => a.k - b.k",
  minusOne: "() => -1",
  plusOne: "() => 1",
  neverZero: "(a, b) => (a.k < b.k ? 1 : -1)",
  boolean: "(a, b) => a.k > b.k",
  nanOnTies: "(a, b) => (a.k === b.k ? NaN : a.k - b.k)",
  random: "() => Math.random() - 0.5",
  randomSign: "() => Math.floor(Math.random() * 3) - 1",
  mostlyRight: "(a, b) => (Math.random() < 0.9 ? a.k - b.k : b.k - a.k)",
};

const MIXED = `[10, 9, 1, "b", "B", "a", undefined, null, true, false, NaN, -0, 0, -1, 1e21, 2e-7, {}, [2, 1],
  "10", "9", Infinity, -Infinity, "é", "e\\u0301", "\\ud83d\\ude00", "\\uffff", "z", "", " ", Symbol.iterator.description]`;

/** Expressions whose values must be equal on both engines. */
function cases(): Record<string, string> {
  const out: Record<string, string> = {
    "default, mixed values": `dump(${MIXED}.sort())`,
    "default toSorted, mixed values": `dump(${MIXED}.toSorted())`,
    "numbers a - b":
      "dump(Array.from({ length: 300 }, () => Math.floor(Math.random() * 50) - 25 + Math.random()).sort((a, b) => a - b))",
    "numbers b - a, integers with ties":
      "dump(Array.from({ length: 300 }, (_, i) => (i * 37) % 41).sort((a, b) => b - a))",
    stability: "ids(items(500, 7).sort((a, b) => a.k - b.k))",
    "holes and undefined, default": "dump([3, undefined, , 1, , undefined, 'x', , 0].sort())",
    "holes and undefined, comparator": "dump([3, undefined, , 1, , undefined, 2, , 0].sort((a, b) => b - a))",
    "holes read as undefined by toSorted": "dump([3, , undefined, 1].toSorted((a, b) => a - b))",
    "array-like":
      "dump(Array.prototype.sort.call({ length: 6, 0: 'b', 2: 'a', 3: undefined, 5: 'c' }, (a, b) => (a < b ? 1 : -1)))",
    "string receiver": "thrown(() => Array.prototype.sort.call('ba', () => 1))",
    "frozen array": "thrown(() => Object.freeze([2, 1]).sort((a, b) => a - b))",
    "short arrays are not touched": "dump(Object.freeze([1]).sort(() => 1))",
    "comparator not a function":
      "[null, 1, 'x', {}, true].map((c) => thrown(() => [2, 1].sort(c)) + thrown(() => [2, 1].toSorted(c)))",
    "comparator returns a BigInt": "thrown(() => [2, 1].sort(() => 1n))",
    "comparator returns strings": "dump([5, 1, 4, 2, 3].sort((a, b) => String(a - b)))",
    "comparator throws (array unchanged)": `(() => { const a = items(100, 5); let calls = 0;
      try { a.sort((x, y) => { if (++calls === 150) throw new RangeError("boom " + calls); return x.k - y.k; }); }
      catch (e) { return e.name + ": " + e.message + " / " + ids(a); } })()`,
    "comparator sees undefined as this":
      "(() => { let t = 'unset'; [2, 1].sort(function () { 'use strict'; t = this; return 0; }); return String(t); })()",
    "typed array, default": "String(new Float64Array([3, -0, 0, NaN, -Infinity, 1e-9, 2]).sort())",
    "typed array toSorted leaves the original":
      "(() => { const t = new Int16Array([5, 1, 4]); return String(t.toSorted((a, b) => a - b)) + '/' + String(t); })()",
    "sort and toSorted are built-in look-alikes": `[Array.prototype.sort, Array.prototype.toSorted, Uint8Array.prototype.sort, Uint8Array.prototype.toSorted]
      .map((f) => [f.name, f.length, "prototype" in f, Object.keys(f).length].join()).join(" ")
      + JSON.stringify(Object.getOwnPropertyDescriptor(Array.prototype, "sort"), (k, v) => (typeof v === "function" ? "fn" : v))`,
  };
  for (const [name, cmp] of Object.entries(COMPARATORS)) {
    // Sizes 0..200 cross minrun (whole-array binary insertion below 64, merges above it).
    out[`${name}, sizes 0..200`] =
      `Array.from({ length: 201 }, (_, n) => hash(ids(items(n, 5).sort(${cmp}))))`;
    // Long arrays, with runs: merges long enough to enter galloping mode.
    out[`${name}, galloping`] =
      `[500, 1000, 2500].map((n) => { const a = items(n, n); for (let i = 0; i < n; i += 97) a.splice(i, 40, ...a.slice(i, i + 40).sort((x, y) => x.k - y.k)); return hash(ids(a.sort(${cmp}))) + "/" + hash(ids(a.toSorted(${cmp}))); })`;
    out[`${name}, typed arrays`] =
      `[0, 1, 2, 33, 64, 65, 200].map((n) => { const it = items(n, 5); const c = ${cmp}; const t = new Float64Array(it.map((x) => x.id)); return hash(String(t.toSorted((x, y) => c(it[x], it[y])))) + "/" + hash(String(t.sort((x, y) => c(it[x], it[y])))); })`;
  }
  return out;
}

function program(): string {
  return `${HELPERS}
    const results = {};
    for (const [name, code] of Object.entries(${JSON.stringify(cases())})) {
      try { results[name] = JSON.stringify((0, eval)(code)); } catch (e) { results[name] = "throws " + e.name + ": " + e.message; }
    }
    console.log(JSON.stringify(results));
  `;
}

async function outputs(engine: EngineName): Promise<Record<string, string>> {
  const sandbox = await createSandbox({ engine, limits: { timeoutMs: 60_000 } });
  try {
    const r = await sandbox.run(program(), { language: "js" });
    expect(r.error).toBeUndefined();
    return JSON.parse(r.stdout) as Record<string, string>;
  } finally {
    await sandbox.dispose();
  }
}

describe("sort on QuickJS (prelude) orders like V8 on isolated-vm", () => {
  it("gives the same order for every comparator, consistent or not", { timeout: 120_000 }, async () => {
    const [v8, quickjs] = [await outputs("isolated-vm"), await outputs("quickjs")];
    expect(Object.keys(v8)).toEqual(Object.keys(cases()));
    // The harness itself must not have failed on V8 (a "throws" value is a case's own error).
    expect(Object.values(v8).filter((v) => v.startsWith("throws"))).toEqual([]);
    const differ = Object.keys(v8).flatMap((name) =>
      v8[name] === quickjs[name] ? [] : [`${name}\n  V8:      ${v8[name]}\n  QuickJS: ${quickjs[name]}`],
    );
    expect(differ.join("\n")).toBe("");
  });

  it("orders ties of a never-zero comparator as Node does (Exercism's tournament)", async () => {
    const code = `[..."abcdefghijklmnopqrstuvwxyz"].map((c, i) => ({ c, p: i % 3 }))
      .sort((x, y) => (x.p < y.p ? 1 : -1)).map((x) => x.c).join("")`;
    for (const engine of ["quickjs", "isolated-vm"] as const) {
      const sandbox = await createSandbox({ engine });
      try {
        expect((await sandbox.run(code)).value, engine).toBe("'xurolifczwtqnkhebyvspmjgda'");
      } finally {
        await sandbox.dispose();
      }
    }
  });
});
