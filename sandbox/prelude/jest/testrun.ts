/**
 * Runs the registered tests in Jest's order: beforeAll, then beforeEach/test/afterEach for each
 * test (outer hooks first, inner afterEach first), then afterAll. Every step is "guarded" so the
 * runner can abandon a step that can never settle (poll() found nothing left to do) or fail it
 * when an uncaught error (e.g. from a timer) happens while it runs.
 */

import { BOUNDS } from "../../cell/bounds.ts";
import {
  A,
  type Any,
  apply,
  isError,
  PromiseCtor,
  promiseResolve,
  promiseThen,
  S,
  safeGet,
} from "../intrinsics.ts";
import { cleanStack } from "../stack.ts";
import { assertionCountError, resetAssertionState } from "./expect.ts";
import type { Fn, Suite, TestNode } from "./harness.ts";
import { registry } from "./harness.ts";

export interface CaseResult {
  name: string;
  status: "passed" | "failed" | "skipped";
  message?: string;
  duration_ms?: number;
}

interface Outcome {
  ok: boolean;
  error?: unknown;
}

const realNow = Date.now;
const MAX_MESSAGE = BOUNDS.testMessageChars;

/** Set while a guarded step runs: fails that step with the given error. */
export const guard: { abort: ((error: unknown) => void) | undefined } = { abort: undefined };

function guarded(fn: Fn, self: unknown): Promise<Outcome> {
  return new PromiseCtor<Outcome>((resolve) => {
    let settled = false;
    const finish = (o: Outcome) => {
      if (settled) return;
      settled = true;
      guard.abort = undefined;
      resolve(o);
    };
    guard.abort = (error) => finish({ ok: false, error });
    const fail = (error: unknown) => finish({ ok: false, error: error ?? new Error("test failed") });
    try {
      if (fn.length > 0) {
        const done: Any = (err?: unknown) =>
          err === undefined || err === null ? finish({ ok: true }) : fail(err);
        done.fail = fail;
        apply(fn, self, [done]);
        return;
      }
      const ret = apply(fn, self, []);
      if (
        ret !== null &&
        (typeof ret === "object" || typeof ret === "function") &&
        typeof ret.then === "function"
      ) {
        promiseThen(promiseResolve(ret), () => finish({ ok: true }), fail);
      } else finish({ ok: true });
    } catch (e) {
      fail(e);
    }
  });
}

export function describeError(e: unknown): string {
  let text: string;
  try {
    if (isError(e)) {
      const name = S.String(safeGet(e, "name") ?? (e as Any).name ?? "Error");
      const message = S.String((e as Any).message);
      text = name === "Error" || name === "" ? message : `${name}: ${message}`;
    } else text = `thrown: ${S.String(e)}`;
  } catch {
    text = "thrown: <unprintable value>";
  }
  text = cleanStack(text);
  return text.length > MAX_MESSAGE ? `${S.slice(text, 0, MAX_MESSAGE)}…` : text;
}

function shouldRun(node: TestNode | Suite, parentOnly: boolean): boolean {
  if (node.mode === "skip" || node.mode === "todo") return false;
  const only = parentOnly || node.mode === "only";
  if (node.kind === "test") return node.fn !== undefined && (!registry.hasOnly || only);
  for (let i = 0; i < node.children.length; i++)
    if (shouldRun(node.children[i] as TestNode | Suite, only)) return true;
  return false;
}

function childPath(path: string, name: string): string {
  return path === "" ? name : `${path} > ${name}`;
}

export class TestRun {
  private readonly onResult: (c: CaseResult) => void;
  constructor(onResult: (c: CaseResult) => void) {
    this.onResult = onResult;
  }

  async run(): Promise<void> {
    registry.running = true;
    try {
      await this.suite(registry.root, "", [], false, undefined);
    } finally {
      registry.running = false;
    }
  }

  private report(name: string, status: CaseResult["status"], error: unknown, start: number): void {
    const c: CaseResult = { name, status };
    if (status === "failed") c.message = describeError(error);
    if (status !== "skipped") c.duration_ms = realNow() - start;
    this.onResult(c);
  }

  private skipAll(node: TestNode | Suite, path: string, error: unknown): void {
    if (node.kind === "test") {
      this.report(childPath(path, node.name), error === undefined ? "skipped" : "failed", error, realNow());
      return;
    }
    const p = node === registry.root ? path : childPath(path, node.name);
    for (let i = 0; i < node.children.length; i++)
      this.skipAll(node.children[i] as TestNode | Suite, p, error);
  }

  private async suite(
    s: Suite,
    parentPath: string,
    chain: Suite[],
    parentOnly: boolean,
    failed: unknown,
  ): Promise<void> {
    const path = s === registry.root ? parentPath : childPath(parentPath, s.name);
    const only = parentOnly || s.mode === "only";
    if (!shouldRun(s, parentOnly) || failed !== undefined) {
      for (let i = 0; i < s.children.length; i++)
        this.skipAll(s.children[i] as TestNode | Suite, path, failed);
      return;
    }
    const inner = A.concat(chain, [s]) as Suite[];
    let setupError: unknown;
    for (let i = 0; i < s.hooks.beforeAll.length && setupError === undefined; i++) {
      const o = await guarded(s.hooks.beforeAll[i] as Fn, undefined);
      if (!o.ok) setupError = o.error ?? "beforeAll failed";
    }
    for (let i = 0; i < s.children.length; i++) {
      const child = s.children[i] as TestNode | Suite;
      if (child.kind === "suite") await this.suite(child, path, inner, only, setupError);
      else if (setupError !== undefined) this.skipAll(child, path, setupError);
      else if (!shouldRun(child, only)) this.skipAll(child, path, undefined);
      else await this.test(child, childPath(path, child.name), inner);
    }
    for (let i = 0; i < s.hooks.afterAll.length; i++) {
      const o = await guarded(s.hooks.afterAll[i] as Fn, undefined);
      if (!o.ok) this.report(childPath(path, "afterAll"), "failed", o.error, realNow());
    }
  }

  private async test(t: TestNode, name: string, chain: Suite[]): Promise<void> {
    const start = realNow();
    resetAssertionState();
    let error: unknown;
    let failed = false;
    const note = (o: Outcome) => {
      if (!o.ok && !failed) {
        failed = true;
        error = o.error;
      }
    };
    for (let i = 0; i < chain.length && !failed; i++) {
      const hooks = (chain[i] as Suite).hooks.beforeEach;
      for (let j = 0; j < hooks.length && !failed; j++) note(await guarded(hooks[j] as Fn, undefined));
    }
    if (!failed) note(await guarded(t.fn as Fn, undefined));
    for (let i = chain.length - 1; i >= 0; i--) {
      const hooks = (chain[i] as Suite).hooks.afterEach;
      for (let j = 0; j < hooks.length; j++) note(await guarded(hooks[j] as Fn, undefined));
    }
    if (!failed) {
      const countError = assertionCountError();
      if (countError !== undefined) note({ ok: false, error: new Error(countError) });
    }
    this.report(name, failed ? "failed" : "passed", error, start);
  }
}
