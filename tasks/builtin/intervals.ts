import { code, defineTask } from "./define.ts";

/** Intervals and a small event class. */
export const intervalTasks = [
  defineTask({
    slug: "merge-intervals",
    language: "js",
    difficulty: "easy",
    tags: ["intervals", "sorting"],
    entry_point: "mergeIntervals",
    prompt: code`
/**
 * Merge overlapping intervals [start, end] (start <= end, closed). Intervals that touch
 * ([1, 3] and [3, 5]) merge too. Return the merged intervals sorted by start; the input array
 * and its intervals must not be modified.
 *   mergeIntervals([[8, 10], [1, 3], [2, 6]]) => [[1, 6], [8, 10]]
 */
function mergeIntervals(intervals) {
`,
    solution: code`
  const sorted = intervals.map(([s, e]) => [s, e]).sort((a, b) => a[0] - b[0]);
  const out = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}
`,
    tests: code`
describe("mergeIntervals", () => {
  test("example", () => expect(mergeIntervals([[8, 10], [1, 3], [2, 6]])).toEqual([[1, 6], [8, 10]]));
  test("touching", () => expect(mergeIntervals([[3, 5], [1, 3]])).toEqual([[1, 5]]));
  test("contained", () => expect(mergeIntervals([[1, 10], [2, 3], [4, 5]])).toEqual([[1, 10]]));
  test("empty", () => expect(mergeIntervals([])).toEqual([]));
  test("points and negatives", () => expect(mergeIntervals([[0, 0], [-5, -1], [0, 0]])).toEqual([[-5, -1], [0, 0]]));
  test("input untouched", () => {
    const input = [[5, 7], [1, 6]];
    mergeIntervals(input);
    expect(input).toEqual([[5, 7], [1, 6]]);
  });
});
`,
  }),
  defineTask({
    slug: "common-free-time",
    language: "ts",
    difficulty: "medium",
    tags: ["intervals", "scheduling"],
    entry_point: "commonFreeTime",
    prompt: code`
/**
 * busy holds, per person, their busy periods as half-open [start, end) minute ranges (unsorted,
 * possibly overlapping). Return the periods within [dayStart, dayEnd) when nobody is busy and
 * that last at least minMinutes, as sorted [start, end) pairs.
 *   commonFreeTime([[[60, 120]], [[100, 180], [300, 360]]], 0, 480, 30)
 *     => [[0, 60], [180, 300], [360, 480]]
 */
function commonFreeTime(
  busy: Array<Array<[number, number]>>,
  dayStart: number,
  dayEnd: number,
  minMinutes: number,
): Array<[number, number]> {
`,
    solution: code`
  const all = busy.flat().filter(([s, e]) => e > s).sort((a, b) => a[0] - b[0]);
  const free: Array<[number, number]> = [];
  let cursor = dayStart;
  const emit = (end: number) => {
    const e = Math.min(end, dayEnd);
    if (e - cursor >= minMinutes && e > cursor) free.push([cursor, e]);
  };
  for (const [s, e] of all) {
    if (s > cursor) emit(s);
    cursor = Math.max(cursor, e);
    if (cursor >= dayEnd) return free;
  }
  emit(dayEnd);
  return free;
}
`,
    tests: code`
describe("commonFreeTime", () => {
  test("example", () =>
    expect(commonFreeTime([[[60, 120]], [[100, 180], [300, 360]]], 0, 480, 30)).toEqual([[0, 60], [180, 300], [360, 480]]));
  test("minimum length filters", () => expect(commonFreeTime([[[10, 50]]], 0, 80, 15)).toEqual([[50, 80]]));
  test("busy outside the day is clipped", () => expect(commonFreeTime([[[-100, 30], [450, 900]]], 0, 480, 1)).toEqual([[30, 450]]));
  test("nobody busy", () => expect(commonFreeTime([[], []], 540, 1020, 60)).toEqual([[540, 1020]]));
  test("fully booked", () => expect(commonFreeTime([[[0, 300]], [[200, 480]]], 0, 480, 1)).toEqual([]));
  test("back-to-back meetings leave no gap", () => expect(commonFreeTime([[[0, 60]], [[60, 120]]], 0, 120, 1)).toEqual([]));
  test("unsorted and overlapping", () =>
    expect(commonFreeTime([[[200, 260], [20, 40]], [[30, 70], [250, 300]]], 0, 400, 10)).toEqual([[0, 20], [70, 200], [300, 400]]));
});
`,
  }),
  defineTask({
    slug: "event-emitter",
    language: "js",
    difficulty: "easy",
    tags: ["classes", "events"],
    entry_point: "Emitter",
    prompt: code`
/*
Write a class Emitter:
- on(event, listener) registers listener and returns a function that unregisters it.
- once(event, listener) is like on, but the listener runs at most once.
- off(event, listener) removes one registration of listener (the earliest) if present.
- emit(event, ...args) calls the event's listeners synchronously in registration order with
  args and returns how many were called. Listeners added or removed during an emit do not
  change who is called by that emit.
*/
`,
    solution: code`
class Emitter {
  constructor() {
    this.listeners = new Map();
  }
  on(event, listener) {
    const entry = { listener, once: false };
    this.#list(event).push(entry);
    return () => this.#remove(event, entry);
  }
  once(event, listener) {
    const entry = { listener, once: true };
    this.#list(event).push(entry);
    return () => this.#remove(event, entry);
  }
  off(event, listener) {
    const list = this.#list(event);
    const i = list.findIndex((e) => e.listener === listener);
    if (i !== -1) list.splice(i, 1);
  }
  emit(event, ...args) {
    const snapshot = [...this.#list(event)];
    for (const entry of snapshot) {
      if (entry.once) this.#remove(event, entry);
      entry.listener(...args);
    }
    return snapshot.length;
  }
  #list(event) {
    if (!this.listeners.has(event)) this.listeners.set(event, []);
    return this.listeners.get(event);
  }
  #remove(event, entry) {
    const list = this.#list(event);
    const i = list.indexOf(entry);
    if (i !== -1) list.splice(i, 1);
  }
}
`,
    tests: code`
describe("Emitter", () => {
  test("on, emit, unsubscribe", () => {
    const e = new Emitter();
    const seen = [];
    const off = e.on("x", (a, b) => seen.push(a + b));
    expect(e.emit("x", 1, 2)).toBe(1);
    off();
    expect(e.emit("x", 1, 2)).toBe(0);
    expect(seen).toEqual([3]);
  });
  test("once", () => {
    const e = new Emitter();
    let n = 0;
    e.once("y", () => n++);
    e.emit("y");
    e.emit("y");
    expect(n).toBe(1);
  });
  test("order and off removes one registration", () => {
    const e = new Emitter();
    const log = [];
    const f = () => log.push("f");
    e.on("z", f);
    e.on("z", () => log.push("g"));
    e.on("z", f);
    e.off("z", f);
    e.emit("z");
    expect(log).toEqual(["g", "f"]);
  });
  test("changes during emit apply to the next emit", () => {
    const e = new Emitter();
    const log = [];
    e.on("w", () => {
      log.push("a");
      e.on("w", () => log.push("late"));
    });
    expect(e.emit("w")).toBe(1);
    expect(log).toEqual(["a"]);
    e.emit("w");
    expect(log).toEqual(["a", "a", "late"]);
  });
  test("unknown event", () => expect(new Emitter().emit("nothing")).toBe(0));
});
`,
  }),
];
