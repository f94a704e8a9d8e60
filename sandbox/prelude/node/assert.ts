/** Node's `assert` module (the subset tests use), loose and strict flavours. */
import { nodeDeepEqual } from "../equals.ts";
import { type Any, apply, ErrorCtor, isError, N, O, promiseThen, RE } from "../intrinsics.ts";
import { inspect } from "./inspect.ts";
import { matchesThrown } from "./throws.ts";

export class AssertionError extends ErrorCtor {
  actual: unknown;
  expected: unknown;
  operator: string;
  generatedMessage: boolean;
  code = "ERR_ASSERTION";
  constructor(options: { message?: unknown; actual?: unknown; expected?: unknown; operator?: string }) {
    const generated = options.message === undefined;
    super(generated ? defaultMessage(options) : String(options.message));
    this.name = "AssertionError";
    this.actual = options.actual;
    this.expected = options.expected;
    this.operator = options.operator ?? "fail";
    this.generatedMessage = generated;
  }
}

const HEADERS: Record<string, string> = {
  "==": "Expected values to be loosely equal:",
  "!=": "Expected values not to be loosely equal:",
  strictEqual: "Expected values to be strictly equal:",
  notStrictEqual: 'Expected "actual" to be strictly unequal to:',
  deepEqual: "Expected values to be loosely deep-equal:",
  deepStrictEqual: "Expected values to be strictly deep-equal:",
  notDeepEqual: 'Expected "actual" not to be loosely deep-equal to:',
  notDeepStrictEqual: 'Expected "actual" not to be strictly deep-equal to:',
};

function defaultMessage(o: { actual?: unknown; expected?: unknown; operator?: string }): string {
  const op = o.operator ?? "fail";
  if (op === "fail") return "Failed";
  const header = HEADERS[op];
  if (header === undefined) return `${inspect(o.actual)} ${op} ${inspect(o.expected)}`;
  if (op === "strictEqual" || op === "==" || op === "!=") {
    return `${header}\n\n${inspect(o.actual)} ${op === "strictEqual" ? "!==" : op === "==" ? "!=" : "=="} ${inspect(o.expected)}\n`;
  }
  if (op.startsWith("not")) return `${header}\n\n${inspect(o.expected)}\n`;
  return `${header}\n+ actual - expected\n\n+ ${inspect(o.actual)}\n- ${inspect(o.expected)}\n`;
}

function fail(actual: unknown, expected: unknown, message: unknown, operator: string): never {
  if (isError(message)) throw message;
  throw new AssertionError({ message, actual, expected, operator });
}

function ok(value: unknown, message?: unknown): void {
  if (value) return;
  if (message === undefined) {
    throw new AssertionError({
      message: `The expression evaluated to a falsy value:\n\n  assert.ok(${inspect(value)})\n`,
      actual: value,
      expected: true,
      operator: "==",
    });
  }
  fail(value, true, message, "==");
}

function checkThrows(
  fn: unknown,
  error: unknown,
  message: unknown,
  thrown: unknown,
  didThrow: boolean,
): void {
  if (!didThrow) {
    const suffix =
      typeof error === "string" ? `: ${error}` : typeof message === "string" ? `: ${message}` : ".";
    fail(
      undefined,
      error,
      typeof message === "string" ? message : `Missing expected exception${suffix}`,
      "throws",
    );
  }
  if (error === undefined || typeof error === "string") return;
  const res = matchesThrown(thrown, error);
  if (res === true) return;
  fail(thrown, error, message ?? `The error is expected to match the given validation:\n${res}`, "throws");
  void fn;
}

function throws(fn: () => unknown, error?: unknown, message?: unknown): void {
  if (typeof fn !== "function") throw new TypeError('The "fn" argument must be of type function.');
  let thrown: unknown;
  let didThrow = false;
  try {
    fn();
  } catch (e) {
    thrown = e;
    didThrow = true;
  }
  checkThrows(fn, error, message, thrown, didThrow);
}

function doesNotThrow(fn: () => unknown, error?: unknown, message?: unknown): void {
  try {
    fn();
  } catch (e) {
    const msg = typeof error === "string" ? error : message;
    fail(
      e,
      error,
      msg ?? `Got unwanted exception.\nActual message: "${isError(e) ? e.message : String(e)}"`,
      "doesNotThrow",
    );
  }
}

async function rejects(p: unknown, error?: unknown, message?: unknown): Promise<void> {
  const promise = typeof p === "function" ? (p as () => unknown)() : p;
  let thrown: unknown;
  let didThrow = false;
  await promiseThen(
    promise,
    () => {},
    (e) => {
      thrown = e;
      didThrow = true;
    },
  );
  checkThrows(p, error, message, thrown, didThrow);
}

async function doesNotReject(p: unknown, error?: unknown, message?: unknown): Promise<void> {
  const promise = typeof p === "function" ? (p as () => unknown)() : p;
  await promiseThen(promise, undefined, (e) =>
    doesNotThrow(
      () => {
        throw e;
      },
      error,
      message,
    ),
  );
}

function makeAssert(strict: boolean): Any {
  const assert: Any = (v: unknown, m?: unknown) => ok(v, m);
  // biome-ignore lint/suspicious/noDoubleEquals: assert.equal is defined as ==
  const looseEq = (a: Any, b: Any) => a == b || (N.isNaN(a) && N.isNaN(b));
  const methods: Record<string, unknown> = {
    ok,
    fail: (message?: unknown) => fail(undefined, undefined, message ?? "Failed", "fail"),
    strictEqual: (a: unknown, b: unknown, m?: unknown) => O.is(a, b) || fail(a, b, m, "strictEqual"),
    notStrictEqual: (a: unknown, b: unknown, m?: unknown) => !O.is(a, b) || fail(a, b, m, "notStrictEqual"),
    deepStrictEqual: (a: unknown, b: unknown, m?: unknown) =>
      nodeDeepEqual(a, b, true) || fail(a, b, m, "deepStrictEqual"),
    notDeepStrictEqual: (a: unknown, b: unknown, m?: unknown) =>
      !nodeDeepEqual(a, b, true) || fail(a, b, m, "notDeepStrictEqual"),
    throws,
    doesNotThrow,
    rejects,
    doesNotReject,
    match: (s: unknown, re: RegExp, m?: unknown) =>
      (typeof s === "string" && RE.test(re, s)) ||
      fail(
        s,
        re,
        m ?? `The input did not match the regular expression ${inspect(re)}. Input:\n\n${inspect(s)}\n`,
        "match",
      ),
    doesNotMatch: (s: unknown, re: RegExp, m?: unknown) =>
      (typeof s === "string" && !RE.test(re, s)) ||
      fail(
        s,
        re,
        m ??
          `The input was expected to not match the regular expression ${inspect(re)}. Input:\n\n${inspect(s)}\n`,
        "doesNotMatch",
      ),
    ifError: (v: unknown) => {
      if (v !== null && v !== undefined)
        throw isError(v)
          ? v
          : new AssertionError({ message: `ifError got unwanted exception: ${inspect(v)}` });
    },
    AssertionError,
  };
  const looseMethods: Record<string, unknown> = {
    equal: (a: unknown, b: unknown, m?: unknown) => looseEq(a, b) || fail(a, b, m, "=="),
    notEqual: (a: unknown, b: unknown, m?: unknown) => !looseEq(a, b) || fail(a, b, m, "!="),
    deepEqual: (a: unknown, b: unknown, m?: unknown) =>
      nodeDeepEqual(a, b, false) || fail(a, b, m, "deepEqual"),
    notDeepEqual: (a: unknown, b: unknown, m?: unknown) =>
      !nodeDeepEqual(a, b, false) || fail(a, b, m, "notDeepEqual"),
  };
  for (const src of [methods, looseMethods]) {
    for (const k of O.keys(src)) {
      const f = src[k];
      // Methods return undefined like Node's, whatever the internal short-circuit yields.
      assert[k] = k === "AssertionError" || k === "rejects" || k === "doesNotReject" ? f : wrapVoid(f as Any);
    }
  }
  if (strict) {
    // Node's strict flavour: the loose names are the very same functions as the strict ones.
    assert.equal = assert.strictEqual;
    assert.notEqual = assert.notStrictEqual;
    assert.deepEqual = assert.deepStrictEqual;
    assert.notDeepEqual = assert.notDeepStrictEqual;
  }
  return assert;
}

function wrapVoid(f: (...args: unknown[]) => unknown): (...args: unknown[]) => void {
  return (...args: unknown[]) => {
    apply(f, undefined, args);
  };
}

/** Builds `assert` (loose) with `assert.strict`, both frozen when `freeze` is set (grading). */
export function createAssert(freeze: boolean): Any {
  const loose = makeAssert(false);
  const strict = makeAssert(true);
  loose.strict = strict;
  strict.strict = strict;
  if (freeze) {
    O.freeze(strict);
    O.freeze(loose);
  }
  return loose;
}
