import { code, defineTask } from "./define.ts";

export const dpTasks = [
  defineTask({
    slug: "edit-distance",
    language: "ts",
    difficulty: "medium",
    tags: ["dynamic-programming", "strings"],
    entry_point: "editDistance",
    prompt: code`
/**
 * The minimum number of single-character insertions, deletions and substitutions that turn a
 * into b. Strings can be 1000 characters long (O(n*m) time is fine, memory should stay O(m)).
 *   editDistance("kitten", "sitting") === 3
 */
function editDistance(a: string, b: string): number {
`,
    solution: code`
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const sub = prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      cur.push(Math.min(sub, prev[j]! + 1, cur[j - 1]! + 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
`,
    tests: code`
describe("editDistance", () => {
  test("classic", () => expect(editDistance("kitten", "sitting")).toBe(3));
  test("empty sides", () => {
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("abc", "")).toBe(3);
    expect(editDistance("", "")).toBe(0);
  });
  test("equal", () => expect(editDistance("same", "same")).toBe(0));
  test("symmetric", () => expect(editDistance("flaw", "lawn")).toBe(editDistance("lawn", "flaw")));
  test("case matters", () => expect(editDistance("A", "a")).toBe(1));
  test("long strings", () => {
    const a = "ab".repeat(400);
    expect(editDistance(a, "b" + a.slice(1))).toBe(1);
    expect(editDistance(a, a.slice(0, 600))).toBe(200);
  });
});
`,
  }),
  defineTask({
    slug: "coin-combinations",
    language: "js",
    difficulty: "medium",
    tags: ["dynamic-programming"],
    entry_point: "coinCombinations",
    prompt: code`
/**
 * In how many ways can amount be paid with unlimited coins of the given denominations? Order does
 * not matter (1+2 and 2+1 are the same way). amount 0 has one way (no coins). Denominations are
 * positive integers and may repeat in the input (count each denomination once). Amounts go up to
 * 10 000; results fit in a double below 2^53 for the tests.
 *   coinCombinations(5, [1, 2, 5]) === 4
 */
function coinCombinations(amount, coins) {
`,
    solution: code`
  const ways = new Array(amount + 1).fill(0);
  ways[0] = 1;
  for (const coin of new Set(coins)) {
    for (let v = coin; v <= amount; v++) ways[v] += ways[v - coin];
  }
  return ways[amount];
}
`,
    tests: code`
describe("coinCombinations", () => {
  test("example", () => expect(coinCombinations(5, [1, 2, 5])).toBe(4));
  test("zero amount", () => expect(coinCombinations(0, [7])).toBe(1));
  test("impossible", () => expect(coinCombinations(3, [2])).toBe(0));
  test("no coins", () => expect(coinCombinations(4, [])).toBe(0));
  test("repeated denominations count once", () => expect(coinCombinations(5, [1, 2, 5, 2])).toBe(4));
  test("large", () => expect(coinCombinations(10000, [1, 5, 10, 25, 50])).toBe(6794128501));
});
`,
  }),
  defineTask({
    slug: "longest-increasing-run",
    language: "ts",
    difficulty: "hard",
    tags: ["dynamic-programming", "binary-search"],
    entry_point: "longestIncreasingSubsequence",
    prompt: code`
/**
 * Return one longest strictly increasing subsequence of nums (the values, in order). Inputs have
 * up to 4 * 10^4 numbers, so O(n log n) is required.
 *   longestIncreasingSubsequence([3, 1, 4, 1, 5, 9, 2, 6]) has length 4, e.g. [1, 4, 5, 9]
 */
function longestIncreasingSubsequence(nums: number[]): number[] {
`,
    solution: code`
  const tailIdx: number[] = [];
  const prev: number[] = new Array(nums.length).fill(-1);
  for (let i = 0; i < nums.length; i++) {
    let lo = 0;
    let hi = tailIdx.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (nums[tailIdx[mid]!]! < nums[i]!) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[i] = tailIdx[lo - 1]!;
    tailIdx[lo] = i;
  }
  const out: number[] = [];
  for (let i = tailIdx.length ? tailIdx[tailIdx.length - 1]! : -1; i !== -1; i = prev[i]!) out.push(nums[i]!);
  return out.reverse();
}
`,
    tests: code`
describe("longestIncreasingSubsequence", () => {
  const isSubsequence = (sub, arr) => {
    let k = 0;
    for (const x of arr) if (k < sub.length && sub[k] === x) k++;
    return k === sub.length;
  };
  const check = (nums, expectedLength) => {
    const r = longestIncreasingSubsequence(nums);
    expect(r.length).toBe(expectedLength);
    let increasing = true;
    for (let i = 1; i < r.length; i++) if (!(r[i - 1] < r[i])) increasing = false;
    expect(increasing).toBe(true);
    expect(isSubsequence(r, nums)).toBe(true);
  };
  test("example", () => check([3, 1, 4, 1, 5, 9, 2, 6], 4));
  test("empty", () => check([], 0));
  test("strictly increasing only", () => check([2, 2, 2], 1));
  test("decreasing", () => check([5, 4, 3, 2, 1], 1));
  test("negatives", () => check([-5, -1, -3, 0, -2, 2], 4));
  test("large", () => {
    const nums = [];
    for (let i = 0; i < 40000; i++) nums.push(i % 2 === 0 ? i : -i);
    check(nums, 20000);
  });
});
`,
  }),
  defineTask({
    slug: "knapsack",
    language: "js",
    difficulty: "medium",
    tags: ["dynamic-programming"],
    entry_point: "bestPack",
    prompt: code`
/**
 * 0/1 knapsack: items are { name, weight, value } with positive integer weights. Choose items
 * (each at most once) with total weight <= capacity and the largest total value. Return
 * { value, names } where names are the chosen items' names in input order. If several choices
 * give the best value, any of them is accepted. capacity <= 10 000, up to 200 items.
 */
function bestPack(items, capacity) {
`,
    solution: code`
  const n = items.length;
  const best = Array.from({ length: n + 1 }, () => new Array(capacity + 1).fill(0));
  for (let i = 1; i <= n; i++) {
    const { weight, value } = items[i - 1];
    for (let c = 0; c <= capacity; c++) {
      best[i][c] = best[i - 1][c];
      if (weight <= c && best[i - 1][c - weight] + value > best[i][c]) best[i][c] = best[i - 1][c - weight] + value;
    }
  }
  const names = [];
  for (let i = n, c = capacity; i > 0; i--) {
    if (best[i][c] !== best[i - 1][c]) {
      names.unshift(items[i - 1].name);
      c -= items[i - 1].weight;
    }
  }
  return { value: best[n][capacity], names };
}
`,
    tests: code`
describe("bestPack", () => {
  const verify = (items, capacity, expectedValue) => {
    const r = bestPack(items, capacity);
    expect(r.value).toBe(expectedValue);
    const chosen = r.names.map((nm) => items.find((it) => it.name === nm));
    expect(new Set(r.names).size).toBe(r.names.length);
    expect(chosen.reduce((s, it) => s + it.weight, 0) <= capacity).toBe(true);
    expect(chosen.reduce((s, it) => s + it.value, 0)).toBe(expectedValue);
    const order = r.names.map((nm) => items.findIndex((it) => it.name === nm));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  };
  test("classic", () =>
    verify([{ name: "a", weight: 1, value: 1 }, { name: "b", weight: 3, value: 4 }, { name: "c", weight: 4, value: 5 }, { name: "d", weight: 5, value: 7 }], 7, 9));
  test("greedy by ratio fails here", () =>
    verify([{ name: "x", weight: 6, value: 30 }, { name: "y", weight: 5, value: 20 }, { name: "z", weight: 5, value: 20 }], 10, 40));
  test("nothing fits", () => verify([{ name: "big", weight: 11, value: 100 }], 10, 0));
  test("no items", () => verify([], 5, 0));
  test("many items", () => {
    const items = Array.from({ length: 200 }, (_, i) => ({ name: "i" + i, weight: 1 + ((i * 37) % 97), value: 1 + ((i * 53) % 89) }));
    const r = bestPack(items, 10000);
    expect(r.value).toBe(items.reduce((s, it) => s + it.value, 0));
  });
});
`,
  }),
  defineTask({
    slug: "sentence-splits",
    language: "ts",
    difficulty: "medium",
    tags: ["dynamic-programming", "strings", "memoization"],
    entry_point: "sentenceSplits",
    prompt: code`
/**
 * Return every way to split text (no spaces) into a sequence of dictionary words, each written
 * as the words joined by single spaces, sorted with plain < ordering. Words may be reused.
 * Return [] when there is no way. "" gives [""] (one way: no words).
 *   sentenceSplits("catsanddog", ["cat", "cats", "and", "sand", "dog"])
 *     => ["cat sand dog", "cats and dog"]
 */
function sentenceSplits(text: string, dictionary: string[]): string[] {
`,
    solution: code`
  const words = new Set(dictionary.filter((w) => w.length > 0));
  const memo = new Map<number, string[]>();
  const from = (i: number): string[] => {
    if (i === text.length) return [""];
    const cached = memo.get(i);
    if (cached) return cached;
    const out: string[] = [];
    for (let j = i + 1; j <= text.length; j++) {
      const w = text.slice(i, j);
      if (!words.has(w)) continue;
      for (const rest of from(j)) out.push(rest === "" ? w : w + " " + rest);
    }
    memo.set(i, out);
    return out;
  };
  return from(0).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
`,
    tests: code`
describe("sentenceSplits", () => {
  test("example", () =>
    expect(sentenceSplits("catsanddog", ["cat", "cats", "and", "sand", "dog"])).toEqual(["cat sand dog", "cats and dog"]));
  test("reuse", () => expect(sentenceSplits("aaa", ["a", "aa"])).toEqual(["a a a", "a aa", "aa a"]));
  test("none", () => expect(sentenceSplits("abc", ["ab", "bc"])).toEqual([]));
  test("empty text", () => expect(sentenceSplits("", ["x"])).toEqual([""]));
  test("dead ends are fast", () => expect(sentenceSplits("a".repeat(60) + "b", ["a", "aa", "aaa", "aaaa"])).toEqual([]));
});
`,
  }),
];
