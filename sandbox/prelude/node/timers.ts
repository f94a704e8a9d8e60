/**
 * Virtual timers: setTimeout callbacks never run by themselves; runner.poll() fires the earliest
 * (time order, then creation order, like Node) and moves the virtual clock to its due time.
 */

import { A, type Any, apply, promiseResolve, promiseThen, TypeErrorCtor } from "../intrinsics.ts";
import { advanceTo, clock } from "./clock.ts";

interface Timer {
  id: number;
  due: number;
  seq: number;
  fn: (...args: Any[]) => Any;
  args: Any[];
}

const queue: Timer[] = [];
let nextId = 1;
let seq = 0;

/** Receives errors thrown by timer and microtask callbacks (set by the runner). */
export const uncaught: { handler: (error: unknown) => void } = { handler: () => {} };

function insert(t: Timer): void {
  let lo = 0;
  let hi = queue.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const m = queue[mid] as Timer;
    if (m.due < t.due || (m.due === t.due && m.seq < t.seq)) lo = mid + 1;
    else hi = mid;
  }
  A.splice(queue, lo, 0, t);
}

export function pendingTimers(): number {
  return queue.length;
}

export function clearAllTimers(): void {
  queue.length = 0;
}

/** Fires the earliest timer; false when none is pending. */
export function fireNext(): boolean {
  const t = A.splice(queue, 0, 1)[0] as Timer | undefined;
  if (t === undefined) return false;
  advanceTo(t.due);
  try {
    apply(t.fn, undefined, t.args);
  } catch (e) {
    uncaught.handler(e);
  }
  return true;
}

function setTimeout(fn: unknown, delay?: unknown, ...args: Any[]): number {
  if (typeof fn !== "function") throw new TypeErrorCtor('The "callback" argument must be of type function');
  let ms = Number(delay);
  if (!(ms >= 1 && ms <= 2147483647)) ms = 1;
  const id = nextId++;
  insert({ id, due: clock.nowMs + ms, seq: seq++, fn: fn as Timer["fn"], args });
  return id;
}

function clearTimeout(id: unknown): void {
  for (let i = 0; i < queue.length; i++) {
    if ((queue[i] as Timer).id === id) {
      A.splice(queue, i, 1);
      return;
    }
  }
}

function setImmediate(fn: unknown, ...args: Any[]): number {
  if (typeof fn !== "function") throw new TypeErrorCtor('The "callback" argument must be of type function');
  const id = nextId++;
  insert({ id, due: clock.nowMs, seq: seq++, fn: fn as Timer["fn"], args });
  return id;
}

function queueMicrotask(fn: unknown): void {
  if (typeof fn !== "function") throw new TypeErrorCtor('The "callback" argument must be of type function');
  promiseThen(promiseResolve(undefined), () => {
    try {
      apply(fn as Timer["fn"], undefined, []);
    } catch (e) {
      uncaught.handler(e);
    }
  });
}

export const timerGlobals: Record<string, unknown> = {
  setTimeout,
  clearTimeout,
  setImmediate,
  clearImmediate: clearTimeout,
  queueMicrotask,
};
