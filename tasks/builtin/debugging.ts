import { code, defineTask } from "./define.ts";

/** The prompt shows buggy code and symptoms; the agent is expected to run it, find and fix. */
export const debuggingTasks = [
  defineTask({
    slug: "debug-lower-bound",
    language: "js",
    difficulty: "easy",
    tags: ["debugging", "binary-search"],
    entry_point: "lowerBound",
    done_when_tests_pass: true,
    max_steps: 6,
    prompt: code`
/*
lowerBound(sorted, target) should return the first index i with sorted[i] >= target in an
ascending array, or sorted.length when every element is smaller. This version has bugs:
lowerBound([1, 2, 4], 9) returns 2 instead of 3, and lowerBound([1, 2, 2, 3], 2) returns 3
instead of 1. Write the corrected function (still O(log n)).

function lowerBound(sorted, target) {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (sorted[mid] <= target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
*/
`,
    solution: code`
function lowerBound(sorted, target) {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (sorted[mid] < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
`,
    tests: code`
describe("lowerBound", () => {
  test("reported cases", () => {
    expect(lowerBound([1, 2, 4], 9)).toBe(3);
    expect(lowerBound([1, 2, 2, 3], 2)).toBe(1);
  });
  test("edges", () => {
    expect(lowerBound([], 5)).toBe(0);
    expect(lowerBound([5], 5)).toBe(0);
    expect(lowerBound([5], 6)).toBe(1);
    expect(lowerBound([5], -1)).toBe(0);
  });
  test("against a linear scan", () => {
    const arr = [-3, -3, 0, 1, 1, 1, 4, 8, 8, 10];
    for (let t = -5; t <= 12; t++) {
      const expected = arr.findIndex((x) => x >= t);
      expect(lowerBound(arr, t)).toBe(expected === -1 ? arr.length : expected);
    }
  });
  test("large array", () => {
    const arr = Array.from({ length: 1000000 }, (_, i) => i * 2);
    expect(lowerBound(arr, 777777)).toBe(388889);
  });
});
`,
  }),
  defineTask({
    slug: "debug-paginate",
    language: "js",
    difficulty: "medium",
    tags: ["debugging", "arrays"],
    entry_point: "paginate",
    done_when_tests_pass: true,
    max_steps: 8,
    prompt: code`
/*
paginate(items, page, perPage) returns { page, perPage, totalPages, items } for 1-based pages.
totalPages is the number of pages needed (0 for no items); a page past the end has items [];
page must be an integer >= 1 and perPage an integer >= 1, otherwise a RangeError is thrown.
Bug reports: the last partial page is missing from totalPages; page 1 skips the first items;
paginate([1], 0, 10) returns a result instead of throwing; the caller's array gets shorter.
Write the corrected function.

function paginate(items, page, perPage) {
  if (page < 0 || perPage < 1) throw new RangeError("bad page");
  const totalPages = Math.floor(items.length / perPage);
  const start = page * perPage;
  return { page, perPage, totalPages, items: items.splice(start, perPage) };
}
*/
`,
    solution: code`
function paginate(items, page, perPage) {
  if (!Number.isInteger(page) || page < 1 || !Number.isInteger(perPage) || perPage < 1) {
    throw new RangeError("bad page");
  }
  const totalPages = Math.ceil(items.length / perPage);
  const start = (page - 1) * perPage;
  return { page, perPage, totalPages, items: items.slice(start, start + perPage) };
}
`,
    tests: code`
describe("paginate", () => {
  const letters = ["a", "b", "c", "d", "e"];
  test("first and last page", () => {
    expect(paginate(letters, 1, 2)).toEqual({ page: 1, perPage: 2, totalPages: 3, items: ["a", "b"] });
    expect(paginate(letters, 3, 2)).toEqual({ page: 3, perPage: 2, totalPages: 3, items: ["e"] });
  });
  test("past the end", () => expect(paginate(letters, 4, 2).items).toEqual([]));
  test("empty list", () => expect(paginate([], 1, 10)).toEqual({ page: 1, perPage: 10, totalPages: 0, items: [] }));
  test("input untouched", () => {
    const copy = [...letters];
    paginate(copy, 1, 2);
    paginate(copy, 2, 2);
    expect(copy).toEqual(letters);
  });
  test("validation", () => {
    expect(() => paginate([1], 0, 10)).toThrow(RangeError);
    expect(() => paginate([1], 1, 0)).toThrow(RangeError);
    expect(() => paginate([1], 1.5, 10)).toThrow(RangeError);
    expect(() => paginate([1], 1, 2.5)).toThrow(RangeError);
  });
});
`,
  }),
  defineTask({
    slug: "debug-ledger",
    language: "ts",
    difficulty: "hard",
    tags: ["debugging", "classes", "money"],
    entry_point: "Ledger",
    done_when_tests_pass: true,
    max_steps: 12,
    prompt: code`
/*
A small ledger in integer cents. Intended behaviour:
- open(account, initialCents = 0): creates an account; throws Error("account exists") if it
  already exists. initialCents must be an integer >= 0 (else RangeError).
- deposit(account, cents) / withdraw(account, cents): cents must be an integer > 0 (else
  RangeError); unknown accounts throw Error("unknown account: <name>"); a withdrawal larger than
  the balance throws Error("insufficient funds") and changes nothing.
- transfer(from, to, cents): same checks for both accounts and the amount; all-or-nothing.
- balance(account): number (unknown accounts throw as above).
- history(account): the account's movements as { kind, cents } in order, where kind is "open",
  "deposit", "withdraw", "transfer-in" or "transfer-out"; a failed operation leaves no trace.
- total(): the sum of all balances (money is never created or destroyed by transfers).

Users report: transfers to a misspelled account make money vanish; a failed withdrawal still
appears in the history; re-opening an account wipes its balance; deposit("x", 0.1) is accepted;
the history of one account can be changed by pushing into the array history() returns.
Multiple bugs interact, so run the code and test each behaviour. Write the corrected class.

class Ledger {
  private accounts = new Map<string, { cents: number; log: Array<{ kind: string; cents: number }> }>();
  open(account: string, initialCents = 0) {
    this.accounts.set(account, { cents: initialCents, log: [{ kind: "open", cents: initialCents }] });
  }
  private get(account: string) {
    const a = this.accounts.get(account);
    if (!a) throw new Error("unknown account: " + account);
    return a;
  }
  deposit(account: string, cents: number) {
    if (cents <= 0) throw new RangeError("amount must be positive");
    const a = this.get(account);
    a.cents += cents;
    a.log.push({ kind: "deposit", cents });
  }
  withdraw(account: string, cents: number) {
    const a = this.get(account);
    a.log.push({ kind: "withdraw", cents });
    if (a.cents < cents) throw new Error("insufficient funds");
    a.cents -= cents;
  }
  transfer(from: string, to: string, cents: number) {
    this.withdraw(from, cents);
    const b = this.accounts.get(to);
    if (b) {
      b.cents += cents;
      b.log.push({ kind: "transfer-in", cents });
    }
  }
  balance(account: string) {
    return this.get(account).cents;
  }
  history(account: string) {
    return this.get(account).log;
  }
  total() {
    let sum = 0;
    for (const a of this.accounts.values()) sum += a.cents;
    return sum;
  }
}
*/
`,
    solution: code`
type Movement = { kind: string; cents: number };
class Ledger {
  private accounts = new Map<string, { cents: number; log: Movement[] }>();
  private static checkAmount(cents: number, allowZero: boolean) {
    if (!Number.isInteger(cents) || cents < 0 || (!allowZero && cents === 0)) {
      throw new RangeError("amount must be a " + (allowZero ? "non-negative" : "positive") + " integer");
    }
  }
  open(account: string, initialCents = 0) {
    if (this.accounts.has(account)) throw new Error("account exists");
    Ledger.checkAmount(initialCents, true);
    this.accounts.set(account, { cents: initialCents, log: [{ kind: "open", cents: initialCents }] });
  }
  private get(account: string) {
    const a = this.accounts.get(account);
    if (!a) throw new Error("unknown account: " + account);
    return a;
  }
  deposit(account: string, cents: number) {
    Ledger.checkAmount(cents, false);
    const a = this.get(account);
    a.cents += cents;
    a.log.push({ kind: "deposit", cents });
  }
  withdraw(account: string, cents: number) {
    Ledger.checkAmount(cents, false);
    const a = this.get(account);
    if (a.cents < cents) throw new Error("insufficient funds");
    a.cents -= cents;
    a.log.push({ kind: "withdraw", cents });
  }
  transfer(from: string, to: string, cents: number) {
    Ledger.checkAmount(cents, false);
    const a = this.get(from);
    const b = this.get(to);
    if (a.cents < cents) throw new Error("insufficient funds");
    a.cents -= cents;
    b.cents += cents;
    a.log.push({ kind: "transfer-out", cents });
    b.log.push({ kind: "transfer-in", cents });
  }
  balance(account: string) {
    return this.get(account).cents;
  }
  history(account: string): Movement[] {
    return this.get(account).log.map((m) => ({ ...m }));
  }
  total() {
    let sum = 0;
    for (const a of this.accounts.values()) sum += a.cents;
    return sum;
  }
}
`,
    tests: code`
describe("Ledger", () => {
  const setup = () => {
    const l = new Ledger();
    l.open("alice", 1000);
    l.open("bob");
    return l;
  };
  const throwsAndKeeps = (l, fn, errorMatch) => {
    const before = [l.balance("alice"), l.balance("bob"), l.history("alice").length, l.history("bob").length];
    expect(fn).toThrow(errorMatch);
    expect([l.balance("alice"), l.balance("bob"), l.history("alice").length, l.history("bob").length]).toEqual(before);
  };
  test("happy path", () => {
    const l = setup();
    l.deposit("bob", 250);
    l.transfer("alice", "bob", 300);
    l.withdraw("bob", 50);
    expect(l.balance("alice")).toBe(700);
    expect(l.balance("bob")).toBe(500);
    expect(l.total()).toBe(1200);
    expect(l.history("alice")).toEqual([{ kind: "open", cents: 1000 }, { kind: "transfer-out", cents: 300 }]);
    expect(l.history("bob")).toEqual([
      { kind: "open", cents: 0 },
      { kind: "deposit", cents: 250 },
      { kind: "transfer-in", cents: 300 },
      { kind: "withdraw", cents: 50 },
    ]);
  });
  test("transfer to an unknown account changes nothing", () => {
    const l = setup();
    throwsAndKeeps(l, () => l.transfer("alice", "bbo", 100), "unknown account: bbo");
    expect(l.total()).toBe(1000);
  });
  test("failed withdrawal and transfer leave no trace", () => {
    const l = setup();
    throwsAndKeeps(l, () => l.withdraw("bob", 1), "insufficient funds");
    throwsAndKeeps(l, () => l.transfer("alice", "bob", 1001), "insufficient funds");
  });
  test("reopening is refused", () => {
    const l = setup();
    expect(() => l.open("alice")).toThrow("account exists");
    expect(l.balance("alice")).toBe(1000);
  });
  test("amounts are positive integers", () => {
    const l = setup();
    throwsAndKeeps(l, () => l.deposit("alice", 0.1), RangeError);
    throwsAndKeeps(l, () => l.deposit("alice", 0), RangeError);
    throwsAndKeeps(l, () => l.withdraw("alice", -5), RangeError);
    throwsAndKeeps(l, () => l.transfer("alice", "bob", 2.5), RangeError);
    expect(() => l.open("carol", -1)).toThrow(RangeError);
    expect(() => l.balance("carol")).toThrow("unknown account: carol");
  });
  test("history is a copy", () => {
    const l = setup();
    l.history("alice").push({ kind: "deposit", cents: 1 });
    expect(l.history("alice").length).toBe(1);
  });
});
`,
  }),
];
