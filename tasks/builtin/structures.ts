import { code, defineTask } from "./define.ts";

export const structureTasks = [
  defineTask({
    slug: "lru-cache",
    language: "ts",
    difficulty: "medium",
    tags: ["data-structures", "classes", "maps"],
    entry_point: "LRUCache",
    prompt: code`
/*
Write a class LRUCache<K, V> holding at most capacity entries (capacity is a positive integer;
otherwise the constructor throws a RangeError):
- get(key): V | undefined — returns the value and marks the key most recently used.
- set(key, value): this — inserts or updates (an update also marks it most recently used); when
  a new key would exceed the capacity, first evicts the least recently used key.
- has(key): boolean — does NOT change recency.
- delete(key): boolean.
- size: number (a getter).
- keys(): K[] — from least to most recently used.
All operations must be O(1) on average.
*/
`,
    solution: code`
class LRUCache<K, V> {
  #capacity: number;
  #map = new Map<K, V>();
  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError("capacity must be a positive integer");
    this.#capacity = capacity;
  }
  get(key: K): V | undefined {
    if (!this.#map.has(key)) return undefined;
    const value = this.#map.get(key) as V;
    this.#map.delete(key);
    this.#map.set(key, value);
    return value;
  }
  set(key: K, value: V): this {
    this.#map.delete(key);
    if (this.#map.size >= this.#capacity) this.#map.delete(this.#map.keys().next().value as K);
    this.#map.set(key, value);
    return this;
  }
  has(key: K): boolean {
    return this.#map.has(key);
  }
  delete(key: K): boolean {
    return this.#map.delete(key);
  }
  get size(): number {
    return this.#map.size;
  }
  keys(): K[] {
    return [...this.#map.keys()];
  }
}
`,
    tests: code`
describe("LRUCache", () => {
  test("evicts the least recently used", () => {
    const c = new LRUCache(2);
    c.set("a", 1).set("b", 2);
    expect(c.get("a")).toBe(1);
    c.set("c", 3);
    expect(c.has("b")).toBe(false);
    expect(c.keys()).toEqual(["a", "c"]);
  });
  test("update refreshes recency", () => {
    const c = new LRUCache(2);
    c.set("a", 1);
    c.set("b", 2);
    c.set("a", 10);
    c.set("c", 3);
    expect(c.keys()).toEqual(["a", "c"]);
    expect(c.get("a")).toBe(10);
  });
  test("has does not refresh", () => {
    const c = new LRUCache(2);
    c.set(1, "x").set(2, "y");
    expect(c.has(1)).toBe(true);
    c.set(3, "z");
    expect(c.has(1)).toBe(false);
  });
  test("undefined values and missing keys", () => {
    const c = new LRUCache(1);
    c.set("u", undefined);
    expect(c.has("u")).toBe(true);
    expect(c.get("missing")).toBeUndefined();
    expect(c.size).toBe(1);
  });
  test("delete and size", () => {
    const c = new LRUCache(3);
    c.set("a", 1).set("b", 2);
    expect(c.delete("a")).toBe(true);
    expect(c.delete("a")).toBe(false);
    expect(c.size).toBe(1);
  });
  test("capacity validation", () => {
    expect(() => new LRUCache(0)).toThrow(RangeError);
    expect(() => new LRUCache(1.5)).toThrow(RangeError);
  });
  test("many operations stay fast", () => {
    const c = new LRUCache(1000);
    for (let i = 0; i < 200000; i++) {
      c.set(i, i);
      c.get(i - 500);
    }
    expect(c.size).toBe(1000);
  });
});
`,
  }),
  defineTask({
    slug: "priority-queue",
    language: "js",
    difficulty: "medium",
    tags: ["data-structures", "heap", "classes"],
    entry_point: "PriorityQueue",
    prompt: code`
/*
Write a class PriorityQueue backed by a binary heap.
- new PriorityQueue(compare?) — compare(a, b) < 0 means a comes out first; default: numbers
  ascending.
- push(...items) returns the new size; pop() removes and returns the first item (undefined when
  empty); peek() returns it without removing; size is a getter.
- Items with equal priority come out in insertion order (FIFO), which a plain heap does not give
  you for free.
push and pop must be O(log n).
*/
`,
    solution: code`
class PriorityQueue {
  constructor(compare = (a, b) => a - b) {
    this.compare = compare;
    this.heap = [];
    this.counter = 0;
  }
  get size() {
    return this.heap.length;
  }
  less(i, j) {
    const c = this.compare(this.heap[i].item, this.heap[j].item);
    return c < 0 || (c === 0 && this.heap[i].seq < this.heap[j].seq);
  }
  swap(i, j) {
    [this.heap[i], this.heap[j]] = [this.heap[j], this.heap[i]];
  }
  push(...items) {
    for (const item of items) {
      this.heap.push({ item, seq: this.counter++ });
      for (let i = this.heap.length - 1; i > 0 && this.less(i, (i - 1) >> 1); i = (i - 1) >> 1) this.swap(i, (i - 1) >> 1);
    }
    return this.heap.length;
  }
  peek() {
    return this.heap.length ? this.heap[0].item : undefined;
  }
  pop() {
    if (this.heap.length === 0) return undefined;
    const top = this.heap[0].item;
    const last = this.heap.pop();
    if (this.heap.length > 0) {
      this.heap[0] = last;
      for (let i = 0; ; ) {
        let m = i;
        for (const c of [2 * i + 1, 2 * i + 2]) if (c < this.heap.length && this.less(c, m)) m = c;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }
}
`,
    tests: code`
describe("PriorityQueue", () => {
  test("numbers ascending by default", () => {
    const q = new PriorityQueue();
    expect(q.push(5, 1, 4, 2, 3)).toBe(5);
    const out = [];
    while (q.size) out.push(q.pop());
    expect(out).toEqual([1, 2, 3, 4, 5]);
  });
  test("empty", () => {
    const q = new PriorityQueue();
    expect(q.pop()).toBeUndefined();
    expect(q.peek()).toBeUndefined();
    expect(q.size).toBe(0);
  });
  test("custom compare and FIFO ties", () => {
    const q = new PriorityQueue((a, b) => b.p - a.p);
    q.push({ p: 1, id: "a" }, { p: 3, id: "b" }, { p: 3, id: "c" }, { p: 1, id: "d" }, { p: 3, id: "e" });
    expect(q.peek().id).toBe("b");
    const ids = [];
    while (q.size) ids.push(q.pop().id);
    expect(ids).toEqual(["b", "c", "e", "a", "d"]);
  });
  test("heap sort of many values", () => {
    const q = new PriorityQueue();
    const values = Array.from({ length: 20000 }, (_, i) => (i * 7919) % 20011);
    q.push(...values.slice(0, 10));
    for (const v of values.slice(10)) q.push(v);
    const out = [];
    while (q.size) out.push(q.pop());
    expect(out).toEqual([...values].sort((a, b) => a - b));
  });
});
`,
  }),
  defineTask({
    slug: "autocomplete-trie",
    language: "ts",
    difficulty: "medium",
    tags: ["data-structures", "trie", "classes"],
    entry_point: "Autocomplete",
    prompt: code`
/*
Write a class Autocomplete:
- add(word: string): void — records one use of word (words are case-sensitive; "" is ignored).
- count(word: string): number — how many times word was added.
- suggest(prefix: string, limit = 5): string[] — the added words starting with prefix (the prefix
  itself included if it was added), most used first, ties in plain < order, at most limit.
Use a trie so that suggest does not scan every word ever added.
*/
`,
    solution: code`
interface TrieNode {
  children: Map<string, TrieNode>;
  uses: number;
}
class Autocomplete {
  #root: TrieNode = { children: new Map(), uses: 0 };
  #find(prefix: string): TrieNode | undefined {
    let node: TrieNode | undefined = this.#root;
    for (const ch of prefix) {
      node = node.children.get(ch);
      if (!node) return undefined;
    }
    return node;
  }
  add(word: string): void {
    if (word === "") return;
    let node = this.#root;
    for (const ch of word) {
      let next = node.children.get(ch);
      if (!next) {
        next = { children: new Map(), uses: 0 };
        node.children.set(ch, next);
      }
      node = next;
    }
    node.uses++;
  }
  count(word: string): number {
    return this.#find(word)?.uses ?? 0;
  }
  suggest(prefix: string, limit = 5): string[] {
    const start = this.#find(prefix);
    if (!start) return [];
    const found: Array<[string, number]> = [];
    const stack: Array<[TrieNode, string]> = [[start, prefix]];
    while (stack.length) {
      const [node, word] = stack.pop()!;
      if (node.uses > 0 && word !== "") found.push([word, node.uses]);
      for (const [ch, child] of node.children) stack.push([child, word + ch]);
    }
    found.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return found.slice(0, limit).map(([w]) => w);
  }
}
`,
    tests: code`
describe("Autocomplete", () => {
  const build = (words) => {
    const ac = new Autocomplete();
    for (const w of words) ac.add(w);
    return ac;
  };
  test("most used first, ties alphabetical", () => {
    const ac = build(["car", "cart", "care", "cart", "cat", "dog", "care", "cart"]);
    expect(ac.suggest("car")).toEqual(["cart", "care", "car"]);
    expect(ac.suggest("ca", 2)).toEqual(["cart", "care"]);
  });
  test("counts", () => {
    const ac = build(["x", "x", "xy"]);
    expect(ac.count("x")).toBe(2);
    expect(ac.count("xy")).toBe(1);
    expect(ac.count("xyz")).toBe(0);
  });
  test("unknown prefix and empty word", () => {
    const ac = build(["", "abc"]);
    expect(ac.suggest("b")).toEqual([]);
    expect(ac.count("")).toBe(0);
    expect(ac.suggest("")).toEqual(["abc"]);
  });
  test("case-sensitive", () => expect(build(["Apple", "apple"]).suggest("a")).toEqual(["apple"]));
  test("default limit is 5", () => expect(build(["a1", "a2", "a3", "a4", "a5", "a6"]).suggest("a")).toEqual(["a1", "a2", "a3", "a4", "a5"]));
});
`,
  }),
];
