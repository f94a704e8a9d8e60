import { code, defineTask } from "./define.ts";

/** Timers in the sandbox run on a virtual clock, so these tests "wait" seconds in microseconds. */
export const asyncTasks = [
  defineTask({
    slug: "retry-backoff",
    language: "ts",
    difficulty: "medium",
    tags: ["async", "timers", "retries"],
    entry_point: "retry",
    prompt: code`
/**
 * Call fn(attempt) (attempt = 1, 2, ...) until its promise fulfills, and resolve with its value.
 * After a failed attempt k, wait baseDelayMs * 2 ** (k - 1) milliseconds (use setTimeout) and try
 * again, up to retries extra attempts; then reject with the last error. If shouldRetry is given
 * and returns false for an error, reject with that error at once without waiting.
 */
async function retry<T>(
  fn: (attempt: number) => Promise<T>,
  options: { retries: number; baseDelayMs: number; shouldRetry?: (error: unknown) => boolean },
): Promise<T> {
`,
    solution: code`
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt > options.retries) throw error;
      if (options.shouldRetry && !options.shouldRetry(error)) throw error;
      const delay = options.baseDelayMs * 2 ** (attempt - 1);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
`,
    tests: code`
describe("retry", () => {
  test("succeeds after failures with exponential waits", async () => {
    const times = [];
    const value = await retry(
      async (attempt) => {
        times.push(Date.now());
        if (attempt < 4) throw new Error("flaky " + attempt);
        return "done";
      },
      { retries: 5, baseDelayMs: 100 },
    );
    expect(value).toBe("done");
    expect(times.length).toBe(4);
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(99);
    expect(times[2] - times[1]).toBeGreaterThanOrEqual(199);
    expect(times[3] - times[2]).toBeGreaterThanOrEqual(399);
  });
  test("gives up with the last error", async () => {
    let calls = 0;
    let caught;
    try {
      await retry(async (a) => {
        calls++;
        throw new Error("fail " + a);
      }, { retries: 2, baseDelayMs: 10 });
    } catch (e) {
      caught = e;
    }
    expect(calls).toBe(3);
    expect(caught.message).toBe("fail 3");
  });
  test("first try success does not wait", async () => {
    const t0 = Date.now();
    expect(await retry(async () => 42, { retries: 3, baseDelayMs: 1000 })).toBe(42);
    expect(Date.now() - t0 < 1000).toBe(true);
  });
  test("shouldRetry false stops at once", async () => {
    let calls = 0;
    const t0 = Date.now();
    let caught;
    try {
      await retry(async () => {
        calls++;
        throw new TypeError("fatal");
      }, { retries: 5, baseDelayMs: 1000, shouldRetry: (e) => !(e instanceof TypeError) });
    } catch (e) {
      caught = e;
    }
    expect(calls).toBe(1);
    expect(caught instanceof TypeError).toBe(true);
    expect(Date.now() - t0 < 1000).toBe(true);
  });
  test("retries 0 means one attempt", async () => {
    let calls = 0;
    await retry(async () => calls++, { retries: 0, baseDelayMs: 5 });
    expect(calls).toBe(1);
  });
});
`,
  }),
  defineTask({
    slug: "with-timeout",
    language: "js",
    difficulty: "medium",
    tags: ["async", "timers", "promises"],
    entry_point: "withTimeout",
    prompt: code`
/**
 * Settle like promise, unless ms milliseconds pass first: then reject with an Error whose name
 * is "TimeoutError" and whose message is "timed out after <ms> ms". Clear the timer when the
 * promise settles first.
 */
function withTimeout(promise, ms) {
`,
    solution: code`
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => {
      const error = new Error("timed out after " + ms + " ms");
      error.name = "TimeoutError";
      reject(error);
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
`,
    tests: code`
describe("withTimeout", () => {
  const later = (ms, value, fail) =>
    new Promise((resolve, reject) => setTimeout(() => (fail ? reject(new Error(value)) : resolve(value)), ms));
  test("fast promise wins", async () => expect(await withTimeout(later(10, "ok"), 500)).toBe("ok"));
  test("slow promise times out", async () => {
    let caught;
    try {
      await withTimeout(later(2000, "late"), 300);
    } catch (e) {
      caught = e;
    }
    expect(caught.name).toBe("TimeoutError");
    expect(caught.message).toBe("timed out after 300 ms");
  });
  test("rejection passes through", async () => {
    let caught;
    try {
      await withTimeout(later(5, "boom", true), 500);
    } catch (e) {
      caught = e;
    }
    expect(caught.name).toBe("Error");
    expect(caught.message).toBe("boom");
  });
  test("already resolved value", async () => expect(await withTimeout(Promise.resolve(7), 0)).toBe(7));
});
`,
  }),
  defineTask({
    slug: "map-with-limit",
    language: "ts",
    difficulty: "hard",
    tags: ["async", "concurrency", "promises"],
    entry_point: "mapLimit",
    prompt: code`
/**
 * Like Promise.all(items.map(fn)) but with at most limit calls of fn in flight at any time: start
 * the next item as soon as one finishes. Results keep the items' order. If a call rejects, reject
 * with that error and start no further items (calls already running may finish). limit >= 1.
 */
async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
`,
    solution: code`
  const results: R[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index]!, index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const workers = Array.from({ length: Math.min(limit, items.length) }, worker);
  await Promise.all(workers);
  return results;
}
`,
    tests: code`
describe("mapLimit", () => {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  test("order kept and concurrency bounded", async () => {
    let active = 0;
    let peak = 0;
    const delays = [30, 10, 50, 20, 5, 40, 15, 25];
    const out = await mapLimit(delays, 3, async (ms, i) => {
      active++;
      peak = Math.max(peak, active);
      await sleep(ms);
      active--;
      return i * 10;
    });
    expect(out).toEqual([0, 10, 20, 30, 40, 50, 60, 70]);
    expect(peak).toBe(3);
  });
  test("starts the next item as soon as a slot frees", async () => {
    const t0 = Date.now();
    await mapLimit([100, 10, 10, 10, 10], 2, (ms) => sleep(ms));
    expect(Date.now() - t0 < 150).toBe(true);
  });
  test("empty input", async () => expect(await mapLimit([], 4, async () => 1)).toEqual([]));
  test("limit above length", async () => expect(await mapLimit([1, 2], 10, async (x) => x * 2)).toEqual([2, 4]));
  test("rejects and stops starting new items", async () => {
    const started = [];
    let caught;
    try {
      await mapLimit([1, 2, 3, 4, 5, 6], 2, async (x) => {
        started.push(x);
        await sleep(10);
        if (x === 2) throw new Error("bad " + x);
        return x;
      });
    } catch (e) {
      caught = e;
    }
    expect(caught.message).toBe("bad 2");
    await sleep(100);
    expect(started.length <= 4).toBe(true);
    expect(started.includes(6)).toBe(false);
  });
});
`,
  }),
  defineTask({
    slug: "debounce-promise",
    language: "js",
    difficulty: "medium",
    tags: ["async", "timers", "closures"],
    entry_point: "debounce",
    prompt: code`
/**
 * Return a debounced version of fn. Each call returns a promise and (re)starts a waitMs timer;
 * when the timer fires, fn is called once with the arguments of the latest call, and every
 * promise returned since the previous run settles with fn's result (or rejects with its error;
 * fn may be sync or async). Calls after that start a new batch.
 */
function debounce(fn, waitMs) {
`,
    solution: code`
  let timer = null;
  let pending = [];
  let lastArgs = [];
  return (...args) => {
    lastArgs = args;
    if (timer !== null) clearTimeout(timer);
    const promise = new Promise((resolve, reject) => pending.push({ resolve, reject }));
    timer = setTimeout(async () => {
      const batch = pending;
      pending = [];
      timer = null;
      try {
        const value = await fn(...lastArgs);
        for (const p of batch) p.resolve(value);
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
    }, waitMs);
    return promise;
  };
}
`,
    tests: code`
describe("debounce", () => {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  test("collapses a burst into one call with the latest arguments", async () => {
    const calls = [];
    const save = debounce((text) => {
      calls.push(text);
      return text.length;
    }, 100);
    const a = save("h");
    await sleep(50);
    const b = save("he");
    await sleep(50);
    const c = save("hello");
    expect(await Promise.all([a, b, c])).toEqual([5, 5, 5]);
    expect(calls).toEqual(["hello"]);
  });
  test("separate bursts call separately", async () => {
    let n = 0;
    const f = debounce(async (x) => {
      n++;
      return x * 2;
    }, 20);
    expect(await f(1)).toBe(2);
    expect(await f(2)).toBe(4);
    expect(n).toBe(2);
  });
  test("waits the full period after the last call", async () => {
    let ran = false;
    const f = debounce(() => (ran = true), 100);
    f();
    await sleep(80);
    f();
    await sleep(80);
    expect(ran).toBe(false);
    await sleep(40);
    expect(ran).toBe(true);
  });
  test("errors reach every caller", async () => {
    const f = debounce(() => {
      throw new Error("nope");
    }, 10);
    const results = await Promise.allSettled([f(), f()]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(results[1].reason.message).toBe("nope");
  });
});
`,
  }),
];
