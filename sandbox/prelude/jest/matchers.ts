/** Jest's built-in matchers: (this: context, received, ...expected) => { pass, message }. */
import {
  asymmetricMatches,
  isAsymmetric,
  jestEquals,
  jestEqualViews,
  subsetEquals,
  viewsOf,
} from "../equals.ts";
import { A, type Any, isError, M, N, O, RE, S } from "../intrinsics.ts";
import { inspect } from "../node/inspect.ts";
import { arrayItems, inheritedKeys, lookup, type View, viewOf } from "../view.ts";
import { isMock } from "./mock.ts";

export interface MatcherResult {
  pass: boolean;
  message: () => string;
}
export interface MatcherContext {
  isNot: boolean;
  promise: string;
}
export type Matcher = (this: MatcherContext, received: Any, ...expected: Any[]) => MatcherResult;

const p = (v: unknown) => inspect(v);

function result(
  ctx: MatcherContext,
  pass: boolean,
  name: string,
  detail: () => string,
  args = "expected",
): MatcherResult {
  return {
    pass,
    message: () => `expect(received).${ctx.isNot ? "not." : ""}${name}(${args})\n\n${detail()}`,
  };
}

function cmp(name: string, ok: (a: Any, b: Any) => boolean, op: string): Matcher {
  return function (received, expected) {
    if (typeof received !== "number" && typeof received !== "bigint") {
      throw new TypeError(
        `expect(received).${name}(expected)\n\nreceived value must be a number or bigint: ${p(received)}`,
      );
    }
    return result(
      this,
      ok(received, expected),
      name,
      () =>
        `Expected: ${this.isNot ? "not " : ""}${op} ${p(expected)}\nReceived:${S.repeat(" ", op.length + 2)}${p(received)}`,
    );
  };
}

function equality(name: string, strict: boolean): Matcher {
  return function (received, expected) {
    const pass = jestEquals(received, expected, strict);
    return result(this, pass, name, () =>
      this.isNot ? `Expected: not ${p(expected)}\n` : `Expected: ${p(expected)}\nReceived: ${p(received)}`,
    );
  };
}

function thrownMatches(thrown: Any, expected: Any): boolean {
  if (expected === undefined) return true;
  const message =
    isError(thrown) || (thrown !== null && typeof thrown === "object") ? thrown.message : thrown;
  if (typeof expected === "string") return S.includes(S.String(message), expected);
  if (expected !== null && typeof expected === "object" && O.toString(expected) === "[object RegExp]") {
    return RE.test(expected, S.String(message));
  }
  if (typeof expected === "function") return thrown instanceof expected;
  if (isAsymmetric(expected)) return asymmetricMatches(expected, thrown);
  if (expected !== null && typeof expected === "object") return message === expected.message;
  return false;
}

const toThrow: Matcher = function (received, expected) {
  let thrown: Any;
  let didThrow = false;
  if (this.promise === "rejects") {
    thrown = received;
    didThrow = true;
  } else {
    if (typeof received !== "function") {
      throw new TypeError(
        `expect(received).toThrow(expected)\n\nreceived value must be a function: ${p(received)}`,
      );
    }
    try {
      received();
    } catch (e) {
      thrown = e;
      didThrow = true;
    }
  }
  const pass = didThrow && thrownMatches(thrown, expected);
  return result(this, pass, "toThrow", () => {
    const want = expected === undefined ? "" : `Expected: ${this.isNot ? "not " : ""}${p(expected)}\n`;
    const got = didThrow
      ? `Received error: ${isError(thrown) ? `${thrown.name}: ${thrown.message}` : p(thrown)}`
      : "Received function did not throw";
    return want + got;
  });
};

function lengthOf(v: Any): number | undefined {
  if (v === null || v === undefined) return undefined;
  const len = v.length;
  return typeof len === "number" ? len : undefined;
}

/**
 * Jest's getPath, on Views: at each step the object's own and inherited keys are read before the
 * path's key is looked at, so a Proxy cannot claim a key once it learned it is asked for.
 */
function getPath(obj: Any, path: Any): { found: boolean; value: Any } {
  const parts: PropertyKey[] = A.isArray(path)
    ? path
    : S.split(S.replace(S.String(path), /\[(\w+)\]/g, ".$1"), ".");
  let cur: View = viewOf(obj);
  for (let i = 0; i < parts.length; i++) {
    const k = parts[i] as PropertyKey;
    const ref = cur.ref;
    if (ref === null || ref === undefined) return { found: false, value: undefined };
    if (cur.type !== "object") cur = viewOf(Object(ref));
    const next = lookup(cur, k, inheritedKeys(cur));
    if (next === undefined) return { found: false, value: undefined };
    cur = next;
  }
  return { found: true, value: cur.ref };
}

/** The items toContain and toContainEqual look through, read once. */
function itemsOf(v: View): View[] | undefined {
  if (v.brand === "array") return arrayItems(v);
  if (v.entries !== undefined) return A.map(v.entries, (e) => viewOf([e[0].ref, e[1].ref]));
  return v.items;
}

function callsOf(received: Any, name: string): Any[][] {
  if (!isMock(received))
    throw new TypeError(
      `expect(received).${name}()\n\nreceived value must be a mock or spy function: ${p(received)}`,
    );
  return received.mock.calls;
}

function calledWith(name: string, pick: (calls: Any[][]) => Any[][], nth = false): Matcher {
  return function (received, ...expected) {
    const n = nth ? (expected.shift() as number) : 0;
    const calls = nth ? A.slice(callsOf(received, name), n - 1, n) : pick(callsOf(received, name));
    const pass = A.filter(calls, (c) => jestEquals(c, expected)).length > 0;
    return result(
      this,
      pass,
      name,
      () =>
        `Expected: ${this.isNot ? "not " : ""}${A.join(A.map(expected, p), ", ")}\nReceived calls: ${p(callsOf(received, name))}`,
      "...expected",
    );
  };
}

export const matchers: Record<string, Matcher> = {
  toBe(received, expected) {
    const pass = O.is(received, expected);
    return result(this, pass, "toBe", () => {
      const hint =
        !pass && jestEquals(received, expected)
          ? '\n\nIf it should pass with deep equality, replace "toBe" with "toStrictEqual"'
          : "";
      return this.isNot
        ? `Expected: not ${p(expected)}`
        : `Expected: ${p(expected)}\nReceived: ${p(received)}${hint}`;
    });
  },
  toEqual: equality("toEqual", false),
  toStrictEqual: equality("toStrictEqual", true),
  toBeCloseTo(received, expected, precision = 2) {
    let pass: boolean;
    if (received === Number.POSITIVE_INFINITY && expected === Number.POSITIVE_INFINITY) pass = true;
    else if (received === Number.NEGATIVE_INFINITY && expected === Number.NEGATIVE_INFINITY) pass = true;
    else pass = M.abs(expected - received) < 10 ** -precision / 2;
    return result(
      this,
      pass,
      "toBeCloseTo",
      () =>
        `Expected: ${this.isNot ? "not " : ""}${p(expected)} (precision ${precision})\nReceived: ${p(received)}`,
    );
  },
  toThrow,
  toThrowError: toThrow,
  toContain(received, expected) {
    let pass: boolean;
    const items = typeof received === "string" ? undefined : itemsOf(viewOf(received));
    if (typeof received === "string") pass = S.includes(received, S.String(expected));
    else if (items !== undefined) {
      pass = A.filter(items, (x) => x.ref === expected || (N.isNaN(expected) && N.isNaN(x.ref))).length > 0;
    } else
      throw new TypeError(
        `expect(received).toContain(expected)\n\nreceived value must not be null nor undefined and must be iterable: ${p(received)}`,
      );
    return result(
      this,
      pass,
      "toContain",
      () => `Expected value: ${this.isNot ? "not " : ""}${p(expected)}\nReceived: ${p(received)}`,
    );
  },
  toContainEqual(received, expected) {
    const [have, want] = viewsOf(received, expected);
    const pass = A.filter(itemsOf(have) ?? [], (x) => jestEqualViews(x, want)).length > 0;
    return result(
      this,
      pass,
      "toContainEqual",
      () => `Expected value: ${this.isNot ? "not " : ""}${p(expected)}\nReceived: ${p(received)}`,
    );
  },
  toHaveLength(received, expected) {
    const len = lengthOf(received);
    if (len === undefined)
      throw new TypeError(
        `expect(received).toHaveLength(expected)\n\nreceived value must have a length property: ${p(received)}`,
      );
    return result(
      this,
      len === expected,
      "toHaveLength",
      () =>
        `Expected length: ${this.isNot ? "not " : ""}${p(expected)}\nReceived length: ${len}\nReceived: ${p(received)}`,
    );
  },
  toMatch(received, expected) {
    if (typeof received !== "string")
      throw new TypeError(
        `expect(received).toMatch(expected)\n\nreceived value must be a string: ${p(received)}`,
      );
    const pass = typeof expected === "string" ? S.includes(received, expected) : RE.test(expected, received);
    return result(
      this,
      pass,
      "toMatch",
      () => `Expected pattern: ${this.isNot ? "not " : ""}${p(expected)}\nReceived string: ${p(received)}`,
    );
  },
  toMatchObject(received, expected) {
    const pass = subsetEquals(received, expected);
    return result(
      this,
      pass,
      "toMatchObject",
      () => `Expected: ${this.isNot ? "not " : ""}${p(expected)}\nReceived: ${p(received)}`,
    );
  },
  toHaveProperty(received, path, ...rest) {
    const r = getPath(received, path);
    const pass = rest.length === 0 ? r.found : r.found && jestEquals(r.value, rest[0]);
    return result(
      this,
      pass,
      "toHaveProperty",
      () =>
        `Expected path: ${p(path)}${rest.length ? `\nExpected value: ${p(rest[0])}` : ""}\nReceived: ${r.found ? p(r.value) : `no such path in ${p(received)}`}`,
      "path",
    );
  },
  toBeTruthy(received) {
    return result(this, !!received, "toBeTruthy", () => `Received: ${p(received)}`, "");
  },
  toBeFalsy(received) {
    return result(this, !received, "toBeFalsy", () => `Received: ${p(received)}`, "");
  },
  toBeNull(received) {
    return result(this, received === null, "toBeNull", () => `Received: ${p(received)}`, "");
  },
  toBeUndefined(received) {
    return result(this, received === undefined, "toBeUndefined", () => `Received: ${p(received)}`, "");
  },
  toBeDefined(received) {
    return result(this, received !== undefined, "toBeDefined", () => `Received: ${p(received)}`, "");
  },
  toBeNaN(received) {
    return result(this, N.isNaN(received), "toBeNaN", () => `Received: ${p(received)}`, "");
  },
  toBeGreaterThan: cmp("toBeGreaterThan", (a, b) => a > b, ">"),
  toBeGreaterThanOrEqual: cmp("toBeGreaterThanOrEqual", (a, b) => a >= b, ">="),
  toBeLessThan: cmp("toBeLessThan", (a, b) => a < b, "<"),
  toBeLessThanOrEqual: cmp("toBeLessThanOrEqual", (a, b) => a <= b, "<="),
  toBeInstanceOf(received, expected) {
    const pass = received instanceof expected;
    return result(
      this,
      pass,
      "toBeInstanceOf",
      () =>
        `Expected constructor: ${this.isNot ? "not " : ""}${expected?.name}\nReceived value: ${p(received)}`,
    );
  },
  toHaveBeenCalled(received) {
    const n = callsOf(received, "toHaveBeenCalled").length;
    return result(this, n > 0, "toHaveBeenCalled", () => `Received number of calls: ${n}`, "");
  },
  toHaveBeenCalledTimes(received, expected) {
    const n = callsOf(received, "toHaveBeenCalledTimes").length;
    return result(
      this,
      n === expected,
      "toHaveBeenCalledTimes",
      () =>
        `Expected number of calls: ${this.isNot ? "not " : ""}${expected}\nReceived number of calls: ${n}`,
    );
  },
  toHaveBeenCalledWith: calledWith("toHaveBeenCalledWith", (c) => c),
  toHaveBeenLastCalledWith: calledWith("toHaveBeenLastCalledWith", (c) => A.slice(c, -1)),
  toHaveBeenNthCalledWith: calledWith("toHaveBeenNthCalledWith", (c) => c, true),
  toHaveReturned(received) {
    callsOf(received, "toHaveReturned");
    const n = A.filter(received.mock.results, (r: Any) => r.type === "return").length;
    return result(this, n > 0, "toHaveReturned", () => `Received number of returns: ${n}`, "");
  },
  toHaveReturnedWith(received, expected) {
    callsOf(received, "toHaveReturnedWith");
    const pass =
      A.filter(received.mock.results, (r: Any) => r.type === "return" && jestEquals(r.value, expected))
        .length > 0;
    return result(
      this,
      pass,
      "toHaveReturnedWith",
      () => `Expected: ${this.isNot ? "not " : ""}${p(expected)}`,
    );
  },
};

const aliases: Record<string, string> = {
  toBeCalled: "toHaveBeenCalled",
  toBeCalledTimes: "toHaveBeenCalledTimes",
  toBeCalledWith: "toHaveBeenCalledWith",
  lastCalledWith: "toHaveBeenLastCalledWith",
  toHaveBeenLastCalledWith: "toHaveBeenLastCalledWith",
  nthCalledWith: "toHaveBeenNthCalledWith",
  toReturn: "toHaveReturned",
  toReturnWith: "toHaveReturnedWith",
  toLastCalledWith: "toHaveBeenLastCalledWith",
};
for (const k of O.keys(aliases)) matchers[k] = matchers[aliases[k] as string] as Matcher;
