/** `expect(value)` with .not/.resolves/.rejects, asymmetric matchers and expect.extend. */
import { asymmetricMatches, brandMatcher, jestEquals, jestEqualViews } from "../equals.ts";
import { A, type Any, apply, ErrorCtor, isError, O, promiseThen, RE, S } from "../intrinsics.ts";
import { inspect } from "../node/inspect.ts";
import { arrayItems, enumerableKeys, inheritedKeys, lookup, propOf, type View, viewOf } from "../view.ts";
import { type Matcher, type MatcherContext, matchers } from "./matchers.ts";

export const assertionState = { calls: 0, expected: -1, hasAssertions: false };

export function resetAssertionState(): void {
  assertionState.calls = 0;
  assertionState.expected = -1;
  assertionState.hasAssertions = false;
}

/** Failures the test run reports after a test ends (expect.assertions / hasAssertions). */
export function assertionCountError(): string | undefined {
  const s = assertionState;
  if (s.expected >= 0 && s.calls !== s.expected) {
    return `expect.assertions(${s.expected})\n\nExpected ${s.expected} assertion${s.expected === 1 ? "" : "s"} to be called but received ${s.calls} assertion call${s.calls === 1 ? "" : "s"}.`;
  }
  if (s.hasAssertions && s.calls === 0)
    return "expect.hasAssertions()\n\nExpected at least one assertion to be called but received none.";
  return undefined;
}

export class JestAssertionError extends ErrorCtor {
  matcherResult: unknown;
  constructor(message: string, matcherResult: unknown) {
    super(message);
    this.name = "Error";
    this.matcherResult = matcherResult;
  }
}

const custom: Record<string, Matcher> = {};
let allowOverride = true;

const utils = {
  printReceived: (v: unknown) => inspect(v),
  printExpected: (v: unknown) => inspect(v),
  stringify: (v: unknown) => inspect(v),
  matcherHint: (name: string) => `expect(received).${name}(expected)`,
};

function findMatcher(name: string): Matcher | undefined {
  if (O.hasOwn(custom, name)) return custom[name];
  if (O.hasOwn(matchers, name)) return matchers[name];
  return undefined;
}

function check(name: string, received: unknown, args: unknown[], isNot: boolean, promise: string): void {
  assertionState.calls++;
  const matcher = findMatcher(name) as Matcher;
  const ctx: MatcherContext & Record<string, unknown> = { isNot, promise, equals: jestEquals, utils };
  const res = apply(matcher, ctx, A.concat([received], args));
  if (res === null || typeof res !== "object" || typeof res.pass !== "boolean") {
    throw new ErrorCtor(`Unexpected return from matcher "${name}": ${inspect(res)}`);
  }
  if (res.pass === isNot) {
    const msg = typeof res.message === "function" ? S.String(res.message()) : S.String(res.message ?? name);
    throw new JestAssertionError(msg, res);
  }
}

function names(): string[] {
  return A.concat(O.keys(matchers), O.keys(custom));
}

function makeMatchers(received: unknown, isNot: boolean, promise: string): Any {
  const out: Any = {};
  const list = names();
  for (let i = 0; i < list.length; i++) {
    const name = list[i] as string;
    out[name] = (...args: unknown[]) => {
      if (promise === "") return check(name, received, args, isNot, promise);
      return promiseThen(settle(received, promise, name), (value: unknown) =>
        check(name, value, args, isNot, promise),
      );
    };
  }
  return out;
}

function settle(received: Any, promise: string, name: string): Promise<Any> {
  const isThenable =
    received !== null &&
    (typeof received === "object" || typeof received === "function") &&
    typeof received.then === "function";
  if (!isThenable) {
    return Promise.reject(
      new JestAssertionError(
        `expect(received).${promise}.${name}()\n\nreceived value must be a promise: ${inspect(received)}`,
        undefined,
      ),
    );
  }
  return promiseThen(
    received,
    (value) => {
      if (promise === "rejects")
        throw new JestAssertionError(
          `expect(received).rejects.${name}()\n\nReceived promise resolved instead of rejected\nResolved to value: ${inspect(value)}`,
          undefined,
        );
      return value;
    },
    (err) => {
      if (promise === "resolves")
        throw new JestAssertionError(
          `expect(received).resolves.${name}()\n\nReceived promise rejected instead of resolved\nRejected to value: ${isError(err) ? `${err.name}: ${err.message}` : inspect(err)}`,
          undefined,
        );
      return err;
    },
  );
}

export function expect(received: unknown): Any {
  const m = makeMatchers(received, false, "");
  m.not = makeMatchers(received, true, "");
  m.resolves = makeMatchers(received, false, "resolves");
  m.resolves.not = makeMatchers(received, true, "resolves");
  m.rejects = makeMatchers(received, false, "rejects");
  m.rejects.not = makeMatchers(received, true, "rejects");
  return m;
}

/**
 * An asymmetric matcher made by the harness. It decides on a View of the other side (read before
 * the matcher looks at it); only objects registered with brandMatcher are honoured as matchers.
 */
class Asymmetric {
  readonly name: string;
  readonly text: string;
  constructor(name: string, test: (v: View) => boolean, text: string) {
    this.name = name;
    this.text = text;
    brandMatcher(this, { matchView: test });
  }
  asymmetricMatch(v: unknown): boolean {
    return asymmetricMatches(this, v);
  }
  toString(): string {
    return this.text;
  }
  toAsymmetricMatcher(): string {
    return this.text;
  }
}

function typeMatches(ctor: Any, v: View): boolean {
  const t = v.type;
  const tag = v.tag;
  if (ctor === String) return t === "string" || tag === "[object String]";
  if (ctor === Number) return t === "number" || tag === "[object Number]";
  if (ctor === Boolean) return t === "boolean" || tag === "[object Boolean]";
  if (ctor === Function) return t === "function";
  if (ctor === BigInt) return t === "bigint";
  if (ctor === Symbol) return t === "symbol";
  if (ctor === Object) return t === "object";
  if (t !== "object") return false;
  const proto = typeof ctor === "function" ? O.getOwnPropertyDescriptor(ctor, "prototype")?.value : undefined;
  return proto !== undefined && A.indexOf(v.chain, proto) !== -1;
}

function containsAll(v: View, sample: View): boolean {
  if (v.brand !== "array" || sample.brand !== "array") return false;
  const have = arrayItems(v);
  const want = arrayItems(sample);
  return A.filter(want, (x) => A.filter(have, (y) => jestEqualViews(y, x)).length === 0).length === 0;
}

function containsObject(v: View, sample: View): boolean {
  if (v.type !== "object") return false;
  const inherited = inheritedKeys(v);
  const keys = enumerableKeys(sample, true);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as PropertyKey;
    const have = lookup(v, k, inherited);
    const want = propOf(sample, k);
    if (have === undefined || want === undefined || !jestEqualViews(have, want.value)) return false;
  }
  return true;
}

function asymmetric(not: boolean): Record<string, unknown> {
  const wrap = (name: string, test: (v: View) => boolean, text: string) =>
    new Asymmetric(name, not ? (v) => !test(v) : test, `${not ? "Not" : ""}${text}`);
  const out: Record<string, unknown> = {
    arrayContaining: (arr: Any[]) =>
      wrap("arrayContaining", (v) => containsAll(v, viewOf(arr)), `ArrayContaining ${inspect(arr)}`),
    objectContaining: (obj: Any) =>
      wrap("objectContaining", (v) => containsObject(v, viewOf(obj)), `ObjectContaining ${inspect(obj)}`),
    stringContaining: (s: string) =>
      wrap(
        "stringContaining",
        (v) => typeof v.ref === "string" && S.includes(v.ref, s),
        `StringContaining ${inspect(s)}`,
      ),
    stringMatching: (re: string | RegExp) =>
      wrap(
        "stringMatching",
        (v) =>
          typeof v.ref === "string" &&
          (typeof re === "string" ? RE.test(new RegExp(re), v.ref) : RE.test(re, v.ref)),
        `StringMatching ${inspect(re)}`,
      ),
  };
  return out;
}

/** Whether expect.extend may replace a built-in matcher (not while grading). */
export function setOverridable(allowed: boolean): void {
  allowOverride = allowed;
}

/** Builds the global `expect` object; in grading mode built-in matchers cannot be overridden. */
export function createExpect(grading: boolean): Any {
  allowOverride = !grading;
  const e: Any = (v: unknown) => expect(v);
  const positive = asymmetric(false);
  for (const k of O.keys(positive)) e[k] = positive[k];
  e.not = asymmetric(true);
  e.any = (ctor: Any) => new Asymmetric("any", (v) => typeMatches(ctor, v), `Any<${ctor?.name}>`);
  e.anything = () => new Asymmetric("anything", (v) => v.ref !== null && v.ref !== undefined, "Anything");
  e.closeTo = (n: number, precision = 2) =>
    new Asymmetric(
      "closeTo",
      (v) => typeof v.ref === "number" && Math.abs(v.ref - n) < 10 ** -precision / 2,
      `NumberCloseTo ${n}`,
    );
  e.assertions = (n: number) => {
    assertionState.expected = n;
  };
  e.hasAssertions = () => {
    assertionState.hasAssertions = true;
  };
  e.extend = (defs: Record<string, Matcher>) => {
    for (const k of O.keys(defs)) {
      if (!allowOverride && O.hasOwn(matchers, k))
        throw new ErrorCtor(`expect.extend: cannot override the built-in matcher "${k}" while grading`);
      custom[k] = defs[k] as Matcher;
      const def = defs[k] as Matcher;
      if (!O.isFrozen(e))
        e[k] = (...args: Any[]) =>
          new Asymmetric(
            k,
            (v) =>
              !!apply(def, { isNot: false, promise: "", equals: jestEquals, utils }, A.concat([v.ref], args))
                .pass,
            k,
          );
    }
  };
  e.getState = () => ({ assertionCalls: assertionState.calls });
  return e;
}
