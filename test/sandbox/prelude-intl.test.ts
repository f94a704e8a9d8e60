/**
 * The sandbox's small Intl (sandbox/prelude/intl.ts, installed on QuickJS only) gives the same
 * output as V8's ICU-backed Intl (isolated-vm) for every supported call; unsupported options fail
 * loudly on QuickJS instead of formatting wrongly.
 */
import { afterAll, describe, expect, it } from "vitest";
import { createSandbox, type EngineName, liveSandboxCount, shutdownEngines } from "../../sandbox/index.ts";

afterAll(async () => {
  await shutdownEngines();
  expect(liveSandboxCount()).toBe(0);
});

const D = "new Date(Date.UTC(2015, 2, 12, 13, 5, 9))";
const MIDNIGHT = "new Date(Date.UTC(2015, 0, 1, 0, 5, 9))";
const LOCALES = ["en-US", "en-GB", "nl-NL", "de-DE"];

const NUMBER_OPTIONS = [
  "undefined",
  "{ style: 'currency', currency: 'USD' }",
  "{ style: 'currency', currency: 'EUR' }",
  "{ style: 'currency', currency: 'JPY' }",
  "{ style: 'currency', currency: 'GBP', currencyDisplay: 'code' }",
  "{ style: 'currency', currency: 'USD', currencySign: 'accounting', currencyDisplay: 'narrowSymbol' }",
  "{ style: 'percent' }",
  "{ minimumFractionDigits: 2, maximumFractionDigits: 2 }",
  "{ maximumFractionDigits: 0, useGrouping: false }",
  "{ maximumSignificantDigits: 3 }",
  "{ minimumIntegerDigits: 3, signDisplay: 'always' }",
  "{ signDisplay: 'exceptZero' }",
];
const NUMBERS = [
  "1234.5",
  "-1234.567",
  "0",
  "-0",
  "0.001",
  "1.005",
  "0.256",
  "1e21",
  "123456789.125",
  "NaN",
  "-Infinity",
];

const DATE_OPTIONS = [
  "undefined",
  "{ day: '2-digit', month: '2-digit', year: 'numeric' }",
  "{ year: '2-digit', month: '2-digit', day: '2-digit' }",
  "{ year: 'numeric', month: 'long', day: 'numeric' }",
  "{ weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }",
  "{ year: 'numeric', month: 'short', day: 'numeric' }",
  "{ month: 'long', year: 'numeric' }",
  "{ month: 'long', day: 'numeric' }",
  "{ month: 'numeric', year: 'numeric' }",
  "{ month: 'numeric', day: 'numeric' }",
  "{ month: 'long' }",
  "{ year: 'numeric' }",
  "{ weekday: 'long' }",
  "{ dateStyle: 'short' }",
  "{ dateStyle: 'medium' }",
  "{ dateStyle: 'long' }",
  "{ dateStyle: 'full' }",
];
const TIME_OPTIONS = [
  "undefined",
  "{ hour: '2-digit', minute: '2-digit' }",
  "{ hour: 'numeric', minute: '2-digit' }",
  "{ hour12: false }",
  "{ timeStyle: 'short' }",
  "{ timeStyle: 'medium' }",
];

const withUtc = (o: string) =>
  o === "undefined" ? "{ timeZone: 'UTC' }" : o.replace("{", "{ timeZone: 'UTC',");

/** Expressions whose value (or thrown error's name) must be the same on both engines. */
function cases(): string[] {
  const out: string[] = [];
  for (const l of LOCALES) {
    for (const o of NUMBER_OPTIONS) for (const n of NUMBERS) out.push(`(${n}).toLocaleString('${l}', ${o})`);
    for (const o of DATE_OPTIONS) {
      out.push(`${D}.toLocaleDateString('${l}', ${withUtc(o)})`);
      out.push(`new Intl.DateTimeFormat('${l}', ${withUtc(o)}).format(${D})`);
    }
    for (const o of TIME_OPTIONS)
      for (const d of [D, MIDNIGHT]) out.push(`${d}.toLocaleTimeString('${l}', ${withUtc(o)})`);
    out.push(`${D}.toLocaleString('${l}', { timeZone: 'UTC' })`);
    out.push(`new Intl.NumberFormat('${l}', { style: 'currency', currency: 'EUR' }).format(-1234.5)`);
    out.push(`new Intl.NumberFormat('${l}').resolvedOptions().locale`);
  }
  out.push(
    "(1234.5).toLocaleString()",
    "(1234.5).toLocaleString('en')",
    "new Intl.NumberFormat().format(1234567.891)",
    "[3.5, 1200].map(new Intl.NumberFormat('en-US').format).join(' ')",
    "Intl.NumberFormat('en-US', { style: 'percent' }).format(0.5)",
    `${D}.toLocaleDateString('en-US', { timeZone: 'UTC' })`,
    "new Date(NaN).toLocaleDateString()",
    "Intl.getCanonicalLocales(['EN-us', 'nl-nl'])",
    "Object.prototype.toString.call(Intl)",
    "Object.prototype.toString.call(new Intl.NumberFormat())",
  );
  return out;
}

const STRINGS = [
  "a",
  "A",
  "b",
  "B",
  "á",
  "Á",
  "ä",
  "z",
  "Z",
  "é",
  "e",
  "f",
  "ab",
  "a b",
  "a-b",
  "a1",
  "a10",
  "a2",
  "1",
  "10",
  "2",
  "",
  " ",
  "_",
  "!",
  "Ωmega",
  "яблоко",
  "straße",
  "strasse",
  "Zoë",
  "zoe",
  "co-op",
  "coop",
  "Ångström",
];
const COLLATE = [
  "[...S].sort((a, b) => a.localeCompare(b))",
  "[...S].sort(new Intl.Collator('en').compare)",
  "[...S].sort(new Intl.Collator('en', { numeric: true }).compare)",
  "[...S].sort(new Intl.Collator('de', { sensitivity: 'base' }).compare)",
  "[...S].sort(new Intl.Collator(undefined, { caseFirst: 'upper' }).compare)",
  "S.map((x) => S.map((y) => x.localeCompare(y, 'en', { sensitivity: 'base' })).join(''))",
  "S.map((x) => S.map((y) => x.localeCompare(y, 'en', { sensitivity: 'accent' })).join(''))",
  "S.map((x) => S.map((y) => x.localeCompare(y)).join(''))",
];

const GRAPHEMES = [
  "Würstchenstand",
  "We\u0301rstchen",
  "ผู้เขียนโปรแกรม",
  "❄🌡🤧🤒🏥🕰😀",
  "👨‍👩‍👧‍👦 family",
  "🇳🇱🇧🇪🇩",
  "👍🏽👍",
  "❤️✔️",
  "한국어 \u1100\u1161\u11a8",
  "a\r\nb\n",
  "🃎🂸🃅",
  "Добър υγειά a=πr²",
];
const SEGMENT = [
  "G.map((s) => Array.from(new Intl.Segmenter().segment(s), (x) => x.segment))",
  "G.map((s) => Array.from(new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(s), (x) => x.index))",
  "Array.from(new Intl.Segmenter('en', { granularity: 'word' }).segment(\"Hello, world! It's 3.14 o'clock  now.\"), (x) => [x.segment, x.isWordLike])",
  "new Intl.Segmenter().segment('a👍🏽b').containing(2)",
  "new Intl.Segmenter().resolvedOptions().granularity",
];

function program(): string {
  const list = JSON.stringify([...cases(), ...COLLATE, ...SEGMENT]);
  return `
    const S = ${JSON.stringify(STRINGS)};
    const G = ${JSON.stringify(GRAPHEMES)};
    const out = ${list}.map((code) => {
      try { return JSON.stringify((0, eval)('(S, G) => ' + code)(S, G)); }
      catch (e) { return 'throws ' + e.name; }
    });
    console.log(JSON.stringify(out));
  `;
}

async function outputs(engine: EngineName): Promise<string[]> {
  const sandbox = await createSandbox({ engine });
  try {
    const r = await sandbox.run(program(), { language: "js" });
    expect(r.error).toBeUndefined();
    return JSON.parse(r.stdout) as string[];
  } finally {
    await sandbox.dispose();
  }
}

/** Calls outside the subset fail loudly on QuickJS rather than format wrongly (V8 supports them). */
const UNSUPPORTED = [
  "(1234).toLocaleString('en-US', { notation: 'compact' })",
  "(1).toLocaleString('en-US', { style: 'currency', currency: 'USD', currencyDisplay: 'name' })",
  "new Date(0).toLocaleString('en-US', { timeZone: 'America/New_York' })",
  "new Intl.Segmenter('en', { granularity: 'sentence' })",
];

describe("Intl on QuickJS (prelude) matches V8's ICU on isolated-vm", () => {
  it("formats numbers and dates, collates and segments the same", { timeout: 60_000 }, async () => {
    const codes = [...cases(), ...COLLATE, ...SEGMENT];
    const [v8, quickjs] = [await outputs("isolated-vm"), await outputs("quickjs")];
    expect(v8).toHaveLength(codes.length);
    // Every case is supported: none throws on V8, so equal outputs are real outputs.
    expect(codes.filter((_, i) => v8[i]?.startsWith("throws"))).toEqual([]);
    const differ = codes.flatMap((code, i) =>
      v8[i] === quickjs[i] ? [] : [`${code}\n  V8:      ${v8[i]}\n  QuickJS: ${quickjs[i]}`],
    );
    expect(differ.join("\n")).toBe("");
  });

  it("throws a RangeError for what it does not support", async () => {
    const sandbox = await createSandbox({ engine: "quickjs" });
    try {
      for (const code of UNSUPPORTED) {
        const r = await sandbox.run(
          `(() => { try { ${code}; return "ok"; } catch (e) { return e.name + ": " + e.message; } })()`,
        );
        expect(r.value, code).toMatch(/^'RangeError: .*not supported in this sandbox/);
      }
    } finally {
      await sandbox.dispose();
    }
  });

  it("leaves V8's own Intl in place", async () => {
    const sandbox = await createSandbox({ engine: "isolated-vm" });
    try {
      const r = await sandbox.run(
        "new Intl.DateTimeFormat('ja-JP', { era: 'long', timeZone: 'Asia/Tokyo' }).format(0)",
      );
      expect(r.value).toBe("'西暦1970/1/1'");
    } finally {
      await sandbox.dispose();
    }
  });
});
