import { code, defineTask } from "./define.ts";

export const arrayTasks = [
  defineTask({
    slug: "pair-with-sum",
    language: "js",
    difficulty: "easy",
    tags: ["arrays", "hashing"],
    entry_point: "pairWithSum",
    prompt: code`
/**
 * Find indices [i, j] with i < j and nums[i] + nums[j] === target. Among all such pairs return
 * the one with the smallest j, and for that j the smallest i. Return null when there is none.
 * Must run in linear time (arrays of 10^5 numbers).
 *   pairWithSum([3, 1, 4, 1, 5], 2) => [1, 3]
 */
function pairWithSum(nums, target) {
`,
    solution: code`
  const firstIndex = new Map();
  for (let j = 0; j < nums.length; j++) {
    const i = firstIndex.get(target - nums[j]);
    if (i !== undefined) return [i, j];
    if (!firstIndex.has(nums[j])) firstIndex.set(nums[j], j);
  }
  return null;
}
`,
    tests: code`
describe("pairWithSum", () => {
  test("example", () => expect(pairWithSum([3, 1, 4, 1, 5], 2)).toEqual([1, 3]));
  test("smallest j first", () => expect(pairWithSum([1, 9, 5, 5, 0], 10)).toEqual([0, 1]));
  test("same value twice", () => expect(pairWithSum([5, 2, 5], 10)).toEqual([0, 2]));
  test("none", () => expect(pairWithSum([1, 2, 3], 100)).toBeNull());
  test("empty", () => expect(pairWithSum([], 0)).toBeNull());
  test("negatives", () => expect(pairWithSum([-4, 7, 11, -3], 4)).toEqual([1, 3]));
  test("large input", () => {
    const nums = Array.from({ length: 100000 }, (_, k) => k * 2);
    expect(pairWithSum(nums, 399999)).toBeNull();
    expect(pairWithSum(nums, 4)).toEqual([0, 2]);
  });
});
`,
  }),
  defineTask({
    slug: "chunk",
    language: "ts",
    difficulty: "easy",
    tags: ["arrays", "generics"],
    entry_point: "chunk",
    prompt: code`
/**
 * Split items into consecutive chunks of size elements (the last chunk may be shorter).
 * Throws a RangeError when size is not a positive integer. Does not modify items.
 *   chunk([1, 2, 3, 4, 5], 2) => [[1, 2], [3, 4], [5]]
 */
function chunk<T>(items: readonly T[], size: number): T[][] {
`,
    solution: code`
  if (!Number.isInteger(size) || size < 1) throw new RangeError("size must be a positive integer");
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
`,
    tests: code`
describe("chunk", () => {
  test("example", () => expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]));
  test("exact", () => expect(chunk(["a", "b", "c", "d"], 2)).toEqual([["a", "b"], ["c", "d"]]));
  test("size larger than input", () => expect(chunk([1], 10)).toEqual([[1]]));
  test("empty", () => expect(chunk([], 3)).toEqual([]));
  test("bad sizes", () => {
    expect(() => chunk([1], 0)).toThrow(RangeError);
    expect(() => chunk([1], 1.5)).toThrow(RangeError);
    expect(() => chunk([1], -2)).toThrow(RangeError);
  });
  test("input untouched", () => {
    const input = [1, 2, 3];
    chunk(input, 2);
    expect(input).toEqual([1, 2, 3]);
  });
});
`,
  }),
  defineTask({
    slug: "rotate-grid",
    language: "js",
    difficulty: "easy",
    tags: ["arrays", "matrix"],
    entry_point: "rotateClockwise",
    prompt: code`
/**
 * Return a new grid: the rectangular grid (array of equal-length rows) rotated 90 degrees
 * clockwise. An R x C grid becomes C x R. The input is not modified. [] gives [].
 *   rotateClockwise([[1, 2, 3], [4, 5, 6]]) => [[4, 1], [5, 2], [6, 3]]
 */
function rotateClockwise(grid) {
`,
    solution: code`
  if (grid.length === 0) return [];
  const rows = grid.length;
  const cols = grid[0].length;
  const out = [];
  for (let c = 0; c < cols; c++) {
    const row = [];
    for (let r = rows - 1; r >= 0; r--) row.push(grid[r][c]);
    out.push(row);
  }
  return out;
}
`,
    tests: code`
describe("rotateClockwise", () => {
  test("rectangle", () => expect(rotateClockwise([[1, 2, 3], [4, 5, 6]])).toEqual([[4, 1], [5, 2], [6, 3]]));
  test("square", () => expect(rotateClockwise([[1, 2], [3, 4]])).toEqual([[3, 1], [4, 2]]));
  test("single column", () => expect(rotateClockwise([[1], [2], [3]])).toEqual([[3, 2, 1]]));
  test("empty", () => expect(rotateClockwise([])).toEqual([]));
  test("four turns is identity and input is untouched", () => {
    const g = [[1, 2, 3], [4, 5, 6]];
    let r = g;
    for (let i = 0; i < 4; i++) r = rotateClockwise(r);
    expect(r).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(g).toEqual([[1, 2, 3], [4, 5, 6]]);
  });
});
`,
  }),
  defineTask({
    slug: "moving-average",
    language: "ts",
    difficulty: "easy",
    tags: ["arrays", "sliding-window"],
    entry_point: "movingAverage",
    prompt: code`
/**
 * Averages of every window of window consecutive values, in order (length n - window + 1;
 * [] when window > n). Throws a RangeError when window is not a positive integer.
 * Must be linear time (n up to 10^6).
 *   movingAverage([1, 2, 3, 4], 2) => [1.5, 2.5, 3.5]
 */
function movingAverage(values: number[], window: number): number[] {
`,
    solution: code`
  if (!Number.isInteger(window) || window < 1) throw new RangeError("window must be a positive integer");
  const out: number[] = [];
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i]!;
    if (i >= window) sum -= values[i - window]!;
    if (i >= window - 1) out.push(sum / window);
  }
  return out;
}
`,
    tests: code`
describe("movingAverage", () => {
  test("example", () => expect(movingAverage([1, 2, 3, 4], 2)).toEqual([1.5, 2.5, 3.5]));
  test("window 1", () => expect(movingAverage([5, 6], 1)).toEqual([5, 6]));
  test("window equals length", () => expect(movingAverage([1, 2, 3], 3)).toEqual([2]));
  test("window too large", () => expect(movingAverage([1, 2], 3)).toEqual([]));
  test("bad window", () => expect(() => movingAverage([1], 0)).toThrow(RangeError));
  test("fractions", () => {
    const r = movingAverage([0.1, 0.2, 0.3], 2);
    expect(r[0]).toBeCloseTo(0.15, 10);
    expect(r[1]).toBeCloseTo(0.25, 10);
  });
  test("large input", () => {
    const values = Array.from({ length: 1000000 }, (_, i) => i % 10);
    const r = movingAverage(values, 10);
    expect(r.length).toBe(999991);
    expect(r[12345]).toBeCloseTo(4.5, 6);
  });
});
`,
  }),
  defineTask({
    slug: "top-k-words",
    language: "ts",
    difficulty: "medium",
    tags: ["arrays", "hashing", "sorting"],
    entry_point: "topKWords",
    prompt: code`
/**
 * The k most frequent words of words, as [word, count] pairs sorted by count (highest first)
 * and, for equal counts, alphabetically (plain < comparison). Words are compared exactly.
 * Fewer than k distinct words gives them all.
 *   topKWords(["b", "a", "b", "c", "a", "b"], 2) => [["b", 3], ["a", 2]]
 */
function topKWords(words: string[], k: number): Array<[string, number]> {
`,
    solution: code`
  const counts = new Map<string, number>();
  for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, Math.max(0, k));
}
`,
    tests: code`
describe("topKWords", () => {
  test("example", () => expect(topKWords(["b", "a", "b", "c", "a", "b"], 2)).toEqual([["b", 3], ["a", 2]]));
  test("ties alphabetical", () => expect(topKWords(["z", "y", "x", "y", "z"], 3)).toEqual([["y", 2], ["z", 2], ["x", 1]]));
  test("k larger than distinct", () => expect(topKWords(["q"], 5)).toEqual([["q", 1]]));
  test("k zero", () => expect(topKWords(["q"], 0)).toEqual([]));
  test("case-sensitive, plain ordering", () => expect(topKWords(["a", "B", "A", "b"], 4)).toEqual([["A", 1], ["B", 1], ["a", 1], ["b", 1]]));
});
`,
  }),
  defineTask({
    slug: "spiral-order",
    language: "js",
    difficulty: "medium",
    tags: ["arrays", "matrix"],
    entry_point: "spiralOrder",
    prompt: code`
/**
 * The elements of a rectangular grid in clockwise spiral order starting at the top-left.
 *   spiralOrder([[1, 2, 3], [4, 5, 6], [7, 8, 9]]) => [1, 2, 3, 6, 9, 8, 7, 4, 5]
 */
function spiralOrder(grid) {
`,
    solution: code`
  const out = [];
  if (grid.length === 0) return out;
  let top = 0, bottom = grid.length - 1, left = 0, right = grid[0].length - 1;
  while (top <= bottom && left <= right) {
    for (let c = left; c <= right; c++) out.push(grid[top][c]);
    top++;
    for (let r = top; r <= bottom; r++) out.push(grid[r][right]);
    right--;
    if (top <= bottom) {
      for (let c = right; c >= left; c--) out.push(grid[bottom][c]);
      bottom--;
    }
    if (left <= right) {
      for (let r = bottom; r >= top; r--) out.push(grid[r][left]);
      left++;
    }
  }
  return out;
}
`,
    tests: code`
describe("spiralOrder", () => {
  test("square", () => expect(spiralOrder([[1, 2, 3], [4, 5, 6], [7, 8, 9]])).toEqual([1, 2, 3, 6, 9, 8, 7, 4, 5]));
  test("wide", () => expect(spiralOrder([[1, 2, 3, 4], [5, 6, 7, 8]])).toEqual([1, 2, 3, 4, 8, 7, 6, 5]));
  test("tall", () => expect(spiralOrder([[1], [2], [3]])).toEqual([1, 2, 3]));
  test("single row", () => expect(spiralOrder([[1, 2, 3]])).toEqual([1, 2, 3]));
  test("empty", () => expect(spiralOrder([])).toEqual([]));
  test("3x4", () =>
    expect(spiralOrder([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]])).toEqual([1, 2, 3, 4, 8, 12, 11, 10, 9, 5, 6, 7]));
});
`,
  }),
  defineTask({
    slug: "merge-sorted",
    language: "js",
    difficulty: "medium",
    tags: ["arrays", "merging", "heap"],
    entry_point: "mergeSorted",
    prompt: code`
/**
 * Merge any number of arrays, each sorted ascending, into one ascending array. The merge must
 * be stable: equal values keep the order of their arrays (earlier argument first). Values are
 * numbers. The inputs are not modified.
 *   mergeSorted([1, 4], [2, 3, 5], []) => [1, 2, 3, 4, 5]
 */
function mergeSorted(...arrays) {
`,
    solution: code`
  const pos = arrays.map(() => 0);
  const out = [];
  for (;;) {
    let best = -1;
    for (let a = 0; a < arrays.length; a++) {
      if (pos[a] >= arrays[a].length) continue;
      if (best === -1 || arrays[a][pos[a]] < arrays[best][pos[best]]) best = a;
    }
    if (best === -1) return out;
    out.push(arrays[best][pos[best]++]);
  }
}
`,
    tests: code`
describe("mergeSorted", () => {
  test("example", () => expect(mergeSorted([1, 4], [2, 3, 5], [])).toEqual([1, 2, 3, 4, 5]));
  test("no arrays", () => expect(mergeSorted()).toEqual([]));
  test("duplicates", () => expect(mergeSorted([1, 1, 2], [1, 2])).toEqual([1, 1, 1, 2, 2]));
  test("negatives and floats", () => expect(mergeSorted([-2.5, 0], [-3, 7.5])).toEqual([-3, -2.5, 0, 7.5]));
  test("stable: -0 before 0 keeps argument order", () => {
    const r = mergeSorted([0], [-0]);
    expect(Object.is(r[0], 0)).toBe(true);
    expect(Object.is(r[1], -0)).toBe(true);
  });
  test("inputs untouched", () => {
    const a = [1, 3];
    const b = [2];
    mergeSorted(a, b);
    expect(a).toEqual([1, 3]);
    expect(b).toEqual([2]);
  });
});
`,
  }),
  defineTask({
    slug: "group-by-key",
    language: "ts",
    difficulty: "easy",
    tags: ["arrays", "objects"],
    entry_point: "groupBy",
    prompt: code`
/**
 * Group items by the string returned by keyOf. The result is a plain object whose keys appear in
 * order of first occurrence and whose values keep the items' input order. Keys such as
 * "__proto__" or "constructor" must work like any other key (use an object without a prototype
 * or define properties explicitly).
 *   groupBy(["apple", "avocado", "banana"], (s) => s[0]) => { a: ["apple", "avocado"], b: ["banana"] }
 */
function groupBy<T>(items: T[], keyOf: (item: T) => string): Record<string, T[]> {
`,
    solution: code`
  const out: Record<string, T[]> = Object.create(null);
  for (const item of items) {
    const key = keyOf(item);
    if (!Object.prototype.hasOwnProperty.call(out, key)) {
      Object.defineProperty(out, key, { value: [], enumerable: true, writable: true, configurable: true });
    }
    out[key]!.push(item);
  }
  return out;
}
`,
    tests: code`
describe("groupBy", () => {
  test("example", () => {
    const g = groupBy(["apple", "avocado", "banana"], (s) => s[0]);
    expect(Object.keys(g)).toEqual(["a", "b"]);
    expect(g.a).toEqual(["apple", "avocado"]);
    expect(g.b).toEqual(["banana"]);
  });
  test("empty", () => expect(Object.keys(groupBy([], () => "x"))).toEqual([]));
  test("numbers by parity", () => {
    const g = groupBy([1, 2, 3, 4, 5], (n) => (n % 2 ? "odd" : "even"));
    expect(Object.keys(g)).toEqual(["odd", "even"]);
    expect(g.odd).toEqual([1, 3, 5]);
  });
  test("dangerous keys", () => {
    const g = groupBy(["__proto__", "constructor", "__proto__"], (s) => s);
    expect(Object.keys(g)).toEqual(["__proto__", "constructor"]);
    expect(g["__proto__"]).toEqual(["__proto__", "__proto__"]);
    expect(g["constructor"]).toEqual(["constructor"]);
    expect({}.polluted).toBeUndefined();
  });
});
`,
  }),
];
