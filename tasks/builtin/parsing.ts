import { code, defineTask } from "./define.ts";

export const parsingTasks = [
  defineTask({
    slug: "arithmetic-evaluator",
    language: "ts",
    difficulty: "hard",
    tags: ["parsing", "recursive-descent"],
    entry_point: "evaluate",
    prompt: code`
/**
 * Evaluate an arithmetic expression without eval/Function: decimal numbers ("3", "2.5", ".5"),
 * binary + - * / with the usual precedence and left associativity, unary minus and plus (which
 * may repeat: "--2" is 2), parentheses and any spaces. Division by zero follows JS (Infinity).
 * Throw a SyntaxError for anything else: empty input, unbalanced parentheses, a missing operand,
 * implicit multiplication "2(3)", "**", unknown characters.
 *   evaluate("2 + 3 * (4 - 1)") === 11
 */
function evaluate(expr: string): number {
`,
    solution: code`
  const tokens = expr.match(/\d+\.?\d*|\.\d+|[-+*/()]|\S/g) ?? [];
  let pos = 0;
  const peek = () => tokens[pos];
  const fail = (why: string): never => {
    throw new SyntaxError(why + " at token " + pos);
  };
  const primary = (): number => {
    const t = tokens[pos++];
    if (t === undefined) return fail("unexpected end");
    if (t === "-") return -primary();
    if (t === "+") return primary();
    if (t === "(") {
      const v = sum();
      if (tokens[pos++] !== ")") fail("expected )");
      return v;
    }
    if (/^(\d|\.\d)/.test(t)) return Number(t);
    return fail("unexpected " + t);
  };
  const product = (): number => {
    let v = primary();
    while (peek() === "*" || peek() === "/") {
      const op = tokens[pos++];
      if (peek() === "*" || peek() === "/") fail("operator after operator");
      const r = primary();
      v = op === "*" ? v * r : v / r;
    }
    return v;
  };
  const sum = (): number => {
    let v = product();
    while (peek() === "+" || peek() === "-") {
      const op = tokens[pos++];
      const r = product();
      v = op === "+" ? v + r : v - r;
    }
    return v;
  };
  const v = sum();
  if (pos !== tokens.length) fail("unexpected " + tokens[pos]);
  return v;
}
`,
    tests: code`
describe("evaluate", () => {
  test("precedence", () => expect(evaluate("2 + 3 * (4 - 1)")).toBe(11));
  test("left associativity", () => {
    expect(evaluate("10 - 4 - 3")).toBe(3);
    expect(evaluate("64 / 4 / 2")).toBe(8);
  });
  test("decimals", () => expect(evaluate("2.5 * .5 + 1.")).toBeCloseTo(2.25, 10));
  test("unary minus repeats", () => {
    expect(evaluate("--2")).toBe(2);
    expect(evaluate("-(-3) * -2")).toBe(-6);
    expect(evaluate("+-+1")).toBe(-1);
  });
  test("nested parentheses and spaces", () => expect(evaluate(" ( ( 1 + 2 ) * ( 3 + 4 ) ) ")).toBe(21));
  test("division by zero", () => expect(evaluate("1 / 0")).toBe(Infinity));
  test("syntax errors", () => {
    for (const bad of ["", "   ", "1 +", "(1", "1)", "2(3)", "2 ** 3", "abc", "1 + * 2", "1..2"]) {
      expect(() => evaluate(bad)).toThrow(SyntaxError);
    }
  });
});
`,
  }),
  defineTask({
    slug: "csv-records",
    language: "js",
    difficulty: "medium",
    tags: ["parsing", "state-machine"],
    entry_point: "parseCsv",
    prompt: code`
/**
 * Parse CSV text into an array of rows (arrays of strings). Fields are separated by ",", rows by
 * "\n" or "\r\n". A field may be quoted with "; inside quotes, commas and line breaks are data
 * and "" stands for one ". A final line break does not start a new row. Empty text gives [].
 *   parseCsv('a,"b,c"\n1,"say ""hi"""') => [["a", "b,c"], ["1", 'say "hi"']]
 */
function parseCsv(text) {
`,
    solution: code`
  const rows = [];
  let row = [];
  let field = "";
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
      if (ch === '"') { quoted = false; i++; continue; }
      field += ch;
      i++;
      continue;
    }
    if (ch === '"') { quoted = true; i++; continue; }
    if (ch === ",") { row.push(field); field = ""; i++; continue; }
    if (ch === "\n" || (ch === "\r" && text[i + 1] === "\n")) {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i += ch === "\r" ? 2 : 1;
      continue;
    }
    field += ch;
    i++;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
`,
    tests: code`
describe("parseCsv", () => {
  test("example", () => expect(parseCsv('a,"b,c"\n1,"say ""hi"""')).toEqual([["a", "b,c"], ["1", 'say "hi"']]));
  test("empty", () => expect(parseCsv("")).toEqual([]));
  test("trailing newline", () => expect(parseCsv("x,y\n")).toEqual([["x", "y"]]));
  test("CRLF", () => expect(parseCsv("a,b\r\nc,d\r\n")).toEqual([["a", "b"], ["c", "d"]]));
  test("newline inside quotes", () => expect(parseCsv('"line1\nline2",z')).toEqual([["line1\nline2", "z"]]));
  test("empty fields", () => expect(parseCsv(",a,\n,,")).toEqual([["", "a", ""], ["", "", ""]]));
  test("empty quoted field", () => expect(parseCsv('"",x')).toEqual([["", "x"]]));
  test("blank line in the middle is a row with one empty field", () => expect(parseCsv("a\n\nb")).toEqual([["a"], [""], ["b"]]));
});
`,
  }),
  defineTask({
    slug: "query-string",
    language: "ts",
    difficulty: "easy",
    tags: ["parsing", "strings"],
    entry_point: "parseQuery",
    prompt: code`
/**
 * Parse a URL query string (an optional leading "?" is ignored) into an object. Pairs are
 * separated by "&"; empty pairs are skipped. "key=value" sets key; "key" alone means "". "+"
 * means a space and %XX escapes are decoded in both keys and values. A key seen more than once
 * maps to an array of its values in order. Malformed escapes ("%zz") are kept literally.
 * The result must have no prototype-based surprises: "__proto__" is an ordinary key.
 *   parseQuery("?a=1&b=x+y&a=%32") => { a: ["1", "2"], b: "x y" }
 */
function parseQuery(query: string): Record<string, string | string[]> {
`,
    solution: code`
  const out: Record<string, string | string[]> = Object.create(null);
  const decode = (s: string) => {
    const spaced = s.replace(/\+/g, " ");
    try {
      return decodeURIComponent(spaced);
    } catch {
      return spaced.replace(/%[0-9a-fA-F]{2}/g, (m) => {
        try {
          return decodeURIComponent(m);
        } catch {
          return m;
        }
      });
    }
  };
  for (const pair of query.replace(/^\?/, "").split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const key = decode(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? "" : decode(pair.slice(eq + 1));
    const old = out[key];
    if (old === undefined) out[key] = value;
    else if (Array.isArray(old)) old.push(value);
    else out[key] = [old, value];
  }
  return out;
}
`,
    tests: code`
describe("parseQuery", () => {
  const plain = (o) => JSON.parse(JSON.stringify(o));
  test("example", () => expect(plain(parseQuery("?a=1&b=x+y&a=%32"))).toEqual({ a: ["1", "2"], b: "x y" }));
  test("empty", () => expect(Object.keys(parseQuery(""))).toEqual([]));
  test("flag without value and empty pairs", () => expect(plain(parseQuery("x&&y=&z"))).toEqual({ x: "", y: "", z: "" }));
  test("equals inside value", () => expect(parseQuery("eq=a=b").eq).toBe("a=b"));
  test("encoded key", () => expect(parseQuery("first%20name=Ada")["first name"]).toBe("Ada"));
  test("three values", () => expect(parseQuery("k=1&k=2&k=3").k).toEqual(["1", "2", "3"]));
  test("malformed escape kept", () => expect(parseQuery("p=100%zz%21").p).toBe("100%zz!"));
  test("__proto__ is an ordinary key", () => {
    const q = parseQuery("__proto__=x&a=1");
    expect(Object.keys(q).sort()).toEqual(["__proto__", "a"]);
    expect(q["__proto__"]).toBe("x");
    expect({}.x).toBeUndefined();
  });
});
`,
  }),
  defineTask({
    slug: "path-get",
    language: "js",
    difficulty: "medium",
    tags: ["parsing", "objects"],
    entry_point: "getPath",
    prompt: code`
/**
 * Read a nested value by path: dot segments ("a.b"), numeric indexes ("items[2]") and quoted keys
 * in brackets ('data["key.with.dots"]' or "data['k']"). Return fallback (default undefined)
 * when any step is missing (null/undefined on the way, or an absent own property). Only own
 * properties count: getPath({}, "constructor") is the fallback. An empty path returns obj.
 *   getPath({ a: { b: [10, { c: 5 }] } }, "a.b[1].c") === 5
 */
function getPath(obj, path, fallback) {
`,
    solution: code`
  const keys = [];
  const re = /([^.[\]]+)|\[(\d+)\]|\[(["'])(.*?)\3\]/g;
  let m;
  while ((m = re.exec(path)) !== null) keys.push(m[1] ?? m[2] ?? m[4]);
  let cur = obj;
  for (const key of keys) {
    if (cur === null || cur === undefined || !Object.prototype.hasOwnProperty.call(cur, key)) return fallback;
    cur = cur[key];
  }
  return cur;
}
`,
    tests: code`
describe("getPath", () => {
  const data = { a: { b: [10, { c: 5 }] }, "key.with.dots": { x: 1 }, zero: 0, nil: null };
  test("example", () => expect(getPath(data, "a.b[1].c")).toBe(5));
  test("index", () => expect(getPath(data, "a.b[0]")).toBe(10));
  test("quoted keys", () => {
    expect(getPath(data, '["key.with.dots"].x')).toBe(1);
    expect(getPath(data, "['key.with.dots'].x")).toBe(1);
  });
  test("falsy values are found", () => {
    expect(getPath(data, "zero", "fb")).toBe(0);
    expect(getPath(data, "nil", "fb")).toBeNull();
  });
  test("missing gives fallback", () => {
    expect(getPath(data, "a.q.r", "fb")).toBe("fb");
    expect(getPath(data, "nil.x", "fb")).toBe("fb");
    expect(getPath(data, "a.b[9]")).toBeUndefined();
  });
  test("inherited properties do not count", () => {
    expect(getPath({}, "constructor", "fb")).toBe("fb");
    expect(getPath(data, "a.b.length")).toBe(2);
  });
  test("empty path", () => expect(getPath(data, "")).toBe(data));
});
`,
  }),
  defineTask({
    slug: "version-order",
    language: "ts",
    difficulty: "medium",
    tags: ["parsing", "sorting"],
    entry_point: "compareVersions",
    entry_points: ["compareVersions", "sortVersions"],
    prompt: code`
/*
Semantic versions "MAJOR.MINOR.PATCH" with an optional pre-release ("1.0.0-alpha.1") and optional
build metadata ("+build.5", ignored for ordering). Write:
- compareVersions(a: string, b: string): -1 | 0 | 1, ordering by semver precedence: numbers
  compare numerically; a pre-release version is lower than the same version without one;
  pre-release identifiers (split on ".") compare left to right, numeric ones numerically and
  below alphanumeric ones, alphanumeric ones by plain < ordering; a shorter list of equal
  prefix is lower. Throw a TypeError for a string that is not a valid version (missing parts,
  leading zeros such as "01.0.0", empty identifiers, a leading "v").
- sortVersions(list: string[]): string[] returns a new ascending array (stable for equal ones).
*/
`,
    solution: code`
const VERSION = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;
function parseVersion(v: string) {
  const m = VERSION.exec(v);
  if (!m) throw new TypeError("invalid version: " + v);
  return { nums: [Number(m[1]), Number(m[2]), Number(m[3])], pre: m[4] ? m[4].split(".") : [] };
}
function compareIdent(x: string, y: string): number {
  const xn = /^\d+$/.test(x);
  const yn = /^\d+$/.test(y);
  if (xn && yn) return Math.sign(Number(x) - Number(y));
  if (xn !== yn) return xn ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}
function compareVersions(a: string, b: string): -1 | 0 | 1 {
  const pa = parseVersion(a);
  const pb = parseVersion(b);
  for (let i = 0; i < 3; i++) {
    if (pa.nums[i] !== pb.nums[i]) return pa.nums[i]! < pb.nums[i]! ? -1 : 1;
  }
  if (pa.pre.length === 0 || pb.pre.length === 0) {
    return pa.pre.length === pb.pre.length ? 0 : pa.pre.length === 0 ? 1 : -1;
  }
  for (let i = 0; i < Math.min(pa.pre.length, pb.pre.length); i++) {
    const c = compareIdent(pa.pre[i]!, pb.pre[i]!);
    if (c !== 0) return c < 0 ? -1 : 1;
  }
  return pa.pre.length === pb.pre.length ? 0 : pa.pre.length < pb.pre.length ? -1 : 1;
}
function sortVersions(list: string[]): string[] {
  return [...list].sort(compareVersions);
}
`,
    tests: code`
describe("compareVersions", () => {
  test("numeric parts", () => {
    expect(compareVersions("1.10.0", "1.9.0")).toBe(1);
    expect(compareVersions("1.2.3", "1.2.3")).toBe(0);
    expect(compareVersions("0.0.1", "0.1.0")).toBe(-1);
  });
  test("pre-release is lower", () => expect(compareVersions("1.0.0-rc.1", "1.0.0")).toBe(-1));
  test("build metadata ignored", () => expect(compareVersions("1.0.0+abc", "1.0.0+xyz")).toBe(0));
  test("invalid versions", () => {
    for (const bad of ["1.0", "01.0.0", "v1.0.0", "1.0.0-", "1.0.0-a..b", "1.0.0-01", ""]) {
      expect(() => compareVersions(bad, "1.0.0")).toThrow(TypeError);
    }
  });
});
describe("sortVersions", () => {
  test("the semver spec's precedence chain", () => {
    const chain = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0"];
    const shuffled = [chain[4], chain[7], chain[0], chain[6], chain[2], chain[5], chain[1], chain[3]];
    expect(sortVersions(shuffled)).toEqual(chain);
    expect(shuffled[0]).toBe(chain[4]);
  });
  test("stable for equal versions", () => expect(sortVersions(["1.0.0+b", "1.0.0+a"])).toEqual(["1.0.0+b", "1.0.0+a"]));
});
`,
  }),
];
