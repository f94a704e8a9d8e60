import { code, defineTask } from "./define.ts";

export const concurrencyTasks = [
  defineTask({
    slug: "settle-report",
    language: "js",
    difficulty: "easy",
    tags: ["async", "promises"],
    entry_point: "settleReport",
    prompt: code`
/**
 * jobs is an array of functions returning promises (or throwing). Start them all at once and
 * wait for every one to settle. Resolve with { fulfilled, rejected }: fulfilled lists
 * { index, value } and rejected lists { index, message } (the error's message, or String(reason)
 * when it is not an Error), both in index order. Never rejects.
 */
async function settleReport(jobs) {
`,
    solution: code`
  const settled = await Promise.allSettled(jobs.map(async (job) => job()));
  const report = { fulfilled: [], rejected: [] };
  settled.forEach((r, index) => {
    if (r.status === "fulfilled") report.fulfilled.push({ index, value: r.value });
    else report.rejected.push({ index, message: r.reason instanceof Error ? r.reason.message : String(r.reason) });
  });
  return report;
}
`,
    tests: code`
describe("settleReport", () => {
  const later = (ms, v) => new Promise((r) => setTimeout(() => r(v), ms));
  test("mixed", async () => {
    const report = await settleReport([
      () => later(30, "a"),
      () => Promise.reject(new Error("b failed")),
      () => later(10, "c"),
      () => {
        throw new Error("sync throw");
      },
      () => Promise.reject("plain"),
    ]);
    expect(report).toEqual({
      fulfilled: [{ index: 0, value: "a" }, { index: 2, value: "c" }],
      rejected: [{ index: 1, message: "b failed" }, { index: 3, message: "sync throw" }, { index: 4, message: "plain" }],
    });
  });
  test("empty", async () => expect(await settleReport([])).toEqual({ fulfilled: [], rejected: [] }));
  test("runs concurrently", async () => {
    const t0 = Date.now();
    await settleReport([() => later(200), () => later(200), () => later(200)]);
    expect(Date.now() - t0 < 400).toBe(true);
  });
});
`,
  }),
  defineTask({
    slug: "semaphore",
    language: "ts",
    difficulty: "medium",
    tags: ["async", "concurrency", "classes"],
    entry_point: "Semaphore",
    prompt: code`
/*
Write a class Semaphore limiting how many holders run at once.
- new Semaphore(permits) — permits is a positive integer, else throw a RangeError.
- acquire(): Promise<() => void> — resolves with a release function once a permit is free;
  waiters are served first come, first served. Calling a release function more than once
  has no further effect.
- available: number (a getter) — free permits right now.
- run<T>(fn: () => Promise<T> | T): Promise<T> — acquire, run fn, release (even if fn throws).
*/
`,
    solution: code`
class Semaphore {
  #free: number;
  #waiters: Array<(release: () => void) => void> = [];
  constructor(permits: number) {
    if (!Number.isInteger(permits) || permits < 1) throw new RangeError("permits must be a positive integer");
    this.#free = permits;
  }
  get available(): number {
    return this.#free;
  }
  #makeRelease(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.#waiters.shift();
      if (next) next(this.#makeRelease());
      else this.#free++;
    };
  }
  acquire(): Promise<() => void> {
    if (this.#free > 0) {
      this.#free--;
      return Promise.resolve(this.#makeRelease());
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
  async run<T>(fn: () => Promise<T> | T): Promise<T> {
    const release = await this.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  }
}
`,
    tests: code`
describe("Semaphore", () => {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  test("limits concurrency", async () => {
    const s = new Semaphore(2);
    let active = 0;
    let peak = 0;
    const job = async () => {
      active++;
      peak = Math.max(peak, active);
      await sleep(20);
      active--;
    };
    await Promise.all([1, 2, 3, 4, 5].map(() => s.run(job)));
    expect(peak).toBe(2);
    expect(s.available).toBe(2);
  });
  test("FIFO waiters", async () => {
    const s = new Semaphore(1);
    const order = [];
    const first = await s.acquire();
    const waits = ["a", "b", "c"].map((name) => s.acquire().then((release) => {
      order.push(name);
      release();
    }));
    expect(s.available).toBe(0);
    first();
    await Promise.all(waits);
    expect(order).toEqual(["a", "b", "c"]);
  });
  test("double release is harmless", async () => {
    const s = new Semaphore(1);
    const release = await s.acquire();
    release();
    release();
    expect(s.available).toBe(1);
  });
  test("run releases on error", async () => {
    const s = new Semaphore(1);
    let caught;
    try {
      await s.run(() => {
        throw new Error("inner");
      });
    } catch (e) {
      caught = e;
    }
    expect(caught.message).toBe("inner");
    expect(s.available).toBe(1);
    expect(await s.run(() => 5)).toBe(5);
  });
  test("bad permits", () => {
    expect(() => new Semaphore(0)).toThrow(RangeError);
    expect(() => new Semaphore(2.5)).toThrow(RangeError);
  });
});
`,
  }),
  defineTask({
    slug: "poll-until",
    language: "ts",
    difficulty: "easy",
    tags: ["async", "timers"],
    entry_point: "pollUntil",
    prompt: code`
/**
 * Call check() (which may return a boolean or a promise of one) right away and then every
 * intervalMs milliseconds until it returns true; resolve with the number of calls made. If it
 * has not returned true once timeoutMs milliseconds have passed since the start (measure with
 * Date.now()), reject with an Error whose message contains "timed out". An error thrown by
 * check rejects at once with that error.
 */
async function pollUntil(
  check: () => boolean | Promise<boolean>,
  options: { intervalMs: number; timeoutMs: number },
): Promise<number> {
`,
    solution: code`
  const start = Date.now();
  for (let calls = 1; ; calls++) {
    if (await check()) return calls;
    if (Date.now() - start + options.intervalMs > options.timeoutMs) {
      throw new Error("timed out after " + options.timeoutMs + " ms");
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
  }
}
`,
    tests: code`
describe("pollUntil", () => {
  test("counts calls", async () => {
    let n = 0;
    expect(await pollUntil(() => ++n === 4, { intervalMs: 50, timeoutMs: 10000 })).toBe(4);
  });
  test("immediate success", async () => expect(await pollUntil(async () => true, { intervalMs: 1000, timeoutMs: 1 })).toBe(1));
  test("waits between calls", async () => {
    const times = [];
    await pollUntil(() => {
      times.push(Date.now());
      return times.length === 3;
    }, { intervalMs: 200, timeoutMs: 5000 });
    expect(times[2] - times[0]).toBeGreaterThanOrEqual(398);
  });
  test("times out", async () => {
    const t0 = Date.now();
    let caught;
    try {
      await pollUntil(() => false, { intervalMs: 100, timeoutMs: 350 });
    } catch (e) {
      caught = e;
    }
    expect(caught.message).toMatch(/timed out/);
    expect(Date.now() - t0 < 2000).toBe(true);
  });
  test("check errors propagate", async () => {
    let caught;
    try {
      await pollUntil(() => {
        throw new Error("broken probe");
      }, { intervalMs: 10, timeoutMs: 100 });
    } catch (e) {
      caught = e;
    }
    expect(caught.message).toBe("broken probe");
  });
});
`,
  }),
];
