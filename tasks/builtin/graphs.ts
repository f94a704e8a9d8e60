import { code, defineTask } from "./define.ts";

export const graphTasks = [
  defineTask({
    slug: "grid-shortest-path",
    language: "js",
    difficulty: "medium",
    tags: ["graphs", "bfs"],
    entry_point: "shortestPath",
    prompt: code`
/**
 * grid is an array of equal-length strings: "." open, "#" wall, "S" the start, "E" the end
 * (exactly one of each). Moving up/down/left/right onto a non-wall cell costs 1 step.
 * Return the fewest steps from S to E, or -1 when E cannot be reached.
 *   shortestPath(["S.#", "..#", "#.E"]) === 4
 */
function shortestPath(grid) {
`,
    solution: code`
  const rows = grid.length;
  const cols = grid[0].length;
  let start = null;
  for (let r = 0; r < rows; r++) {
    const c = grid[r].indexOf("S");
    if (c !== -1) start = [r, c];
  }
  const dist = new Map([[start[0] * cols + start[1], 0]]);
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const [r, c] = queue[head];
    const d = dist.get(r * cols + c);
    if (grid[r][c] === "E") return d;
    for (const [dr, dc] of [[1, 0], [-1, 0], [0, 1], [0, -1]]) {
      const nr = r + dr, nc = c + dc;
      if (nr < 0 || nc < 0 || nr >= rows || nc >= cols || grid[nr][nc] === "#") continue;
      if (dist.has(nr * cols + nc)) continue;
      dist.set(nr * cols + nc, d + 1);
      queue.push([nr, nc]);
    }
  }
  return -1;
}
`,
    tests: code`
describe("shortestPath", () => {
  test("example", () => expect(shortestPath(["S.#", "..#", "#.E"])).toBe(4));
  test("adjacent", () => expect(shortestPath(["SE"])).toBe(1));
  test("walled off", () => expect(shortestPath(["S#E"])).toBe(-1));
  test("detour", () => expect(shortestPath(["S#...", ".#.#.", "...#E"])).toBe(10));
  test("big open grid", () => {
    const row = ".".repeat(200);
    const grid = Array.from({ length: 200 }, () => row);
    grid[0] = "S" + row.slice(1);
    grid[199] = row.slice(1) + "E";
    expect(shortestPath(grid)).toBe(398);
  });
});
`,
  }),
  defineTask({
    slug: "build-order",
    language: "ts",
    difficulty: "medium",
    tags: ["graphs", "topological-sort"],
    entry_point: "buildOrder",
    prompt: code`
/**
 * deps maps each package to the packages it depends on (which must be built first). Packages
 * that appear only as dependencies exist too. Return every package in a build order; when
 * several packages are ready at the same time, pick the alphabetically smallest first, so the
 * answer is unique. Throw an Error whose message contains "cycle" if there is a cycle.
 *   buildOrder({ app: ["lib", "util"], lib: ["util"] }) => ["util", "lib", "app"]
 */
function buildOrder(deps: Record<string, string[]>): string[] {
`,
    solution: code`
  const waitingOn = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  const touch = (p: string) => {
    if (!waitingOn.has(p)) waitingOn.set(p, 0);
    if (!dependents.has(p)) dependents.set(p, []);
  };
  for (const [pkg, list] of Object.entries(deps)) {
    touch(pkg);
    for (const d of new Set(list)) {
      touch(d);
      waitingOn.set(pkg, waitingOn.get(pkg)! + 1);
      dependents.get(d)!.push(pkg);
    }
  }
  const ready = [...waitingOn].filter(([, n]) => n === 0).map(([p]) => p);
  const order: string[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
    const p = ready.pop()!;
    order.push(p);
    for (const q of dependents.get(p)!) {
      const left = waitingOn.get(q)! - 1;
      waitingOn.set(q, left);
      if (left === 0) ready.push(q);
    }
  }
  if (order.length !== waitingOn.size) throw new Error("dependency cycle");
  return order;
}
`,
    tests: code`
describe("buildOrder", () => {
  test("example", () => expect(buildOrder({ app: ["lib", "util"], lib: ["util"] })).toEqual(["util", "lib", "app"]));
  test("alphabetical among ready", () => expect(buildOrder({ c: [], b: [], a: ["c"] })).toEqual(["b", "c", "a"]));
  test("empty", () => expect(buildOrder({})).toEqual([]));
  test("duplicate dependency listed twice", () => expect(buildOrder({ x: ["y", "y"] })).toEqual(["y", "x"]));
  test("cycle", () => expect(() => buildOrder({ a: ["b"], b: ["c"], c: ["a"] })).toThrow("cycle"));
  test("self cycle", () => expect(() => buildOrder({ a: ["a"] })).toThrow("cycle"));
  test("diamond", () =>
    expect(buildOrder({ top: ["l", "r"], l: ["base"], r: ["base"] })).toEqual(["base", "l", "r", "top"]));
});
`,
  }),
  defineTask({
    slug: "cheapest-route",
    language: "ts",
    difficulty: "hard",
    tags: ["graphs", "dijkstra", "heap"],
    entry_point: "cheapestRoute",
    prompt: code`
/**
 * edges are one-way roads [from, to, cost] with cost >= 0. Return the cheapest route from start
 * to goal as { cost, path } where path lists the nodes from start to goal (any cheapest path),
 * or null when goal is unreachable. start === goal gives { cost: 0, path: [start] }.
 * Graphs have up to 20 000 edges, so an O(E log V) algorithm is expected.
 */
function cheapestRoute(
  edges: Array<[string, string, number]>,
  start: string,
  goal: string,
): { cost: number; path: string[] } | null {
`,
    solution: code`
  const adj = new Map<string, Array<[string, number]>>();
  for (const [a, b, w] of edges) {
    if (!adj.has(a)) adj.set(a, []);
    adj.get(a)!.push([b, w]);
  }
  const dist = new Map<string, number>([[start, 0]]);
  const prev = new Map<string, string>();
  const heap: Array<[number, string]> = [[0, start]];
  const swap = (i: number, j: number) => ([heap[i], heap[j]] = [heap[j]!, heap[i]!]);
  const push = (item: [number, string]) => {
    heap.push(item);
    for (let i = heap.length - 1; i > 0 && heap[(i - 1) >> 1]![0] > heap[i]![0]; i = (i - 1) >> 1) swap(i, (i - 1) >> 1);
  };
  const pop = (): [number, string] => {
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      for (let i = 0; ; ) {
        let m = i;
        for (const c of [2 * i + 1, 2 * i + 2]) if (c < heap.length && heap[c]![0] < heap[m]![0]) m = c;
        if (m === i) break;
        swap(i, m);
        i = m;
      }
    }
    return top;
  };
  while (heap.length > 0) {
    const [d, node] = pop();
    if (d > dist.get(node)!) continue;
    if (node === goal) break;
    for (const [next, w] of adj.get(node) ?? []) {
      if (d + w < (dist.get(next) ?? Infinity)) {
        dist.set(next, d + w);
        prev.set(next, node);
        push([d + w, next]);
      }
    }
  }
  if (!dist.has(goal)) return null;
  const path = [goal];
  while (path[0] !== start) path.unshift(prev.get(path[0]!)!);
  return { cost: dist.get(goal)!, path };
}
`,
    tests: code`
describe("cheapestRoute", () => {
  const costOf = (edges, path) => {
    let total = 0;
    for (let i = 0; i + 1 < path.length; i++) {
      const options = edges.filter((e) => e[0] === path[i] && e[1] === path[i + 1]).map((e) => e[2]);
      expect(options.length > 0).toBe(true);
      total += Math.min(...options);
    }
    return total;
  };
  test("prefers the cheaper longer route", () => {
    const edges = [["a", "b", 10], ["a", "c", 1], ["c", "d", 1], ["d", "b", 1]];
    expect(cheapestRoute(edges, "a", "b")).toEqual({ cost: 3, path: ["a", "c", "d", "b"] });
  });
  test("one-way roads", () => expect(cheapestRoute([["a", "b", 1]], "b", "a")).toBeNull());
  test("unknown nodes", () => expect(cheapestRoute([], "x", "y")).toBeNull());
  test("start is goal", () => expect(cheapestRoute([["a", "b", 1]], "a", "a")).toEqual({ cost: 0, path: ["a"] }));
  test("zero-cost edges", () => expect(cheapestRoute([["a", "b", 0], ["b", "c", 0]], "a", "c")?.cost).toBe(0));
  test("large graph: a valid cheapest path", () => {
    const edges = [];
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let i = 0; i < 2000; i++) {
      for (let k = 0; k < 10; k++) edges.push(["n" + i, "n" + Math.floor(rnd() * 2000), 1 + Math.floor(rnd() * 100)]);
    }
    edges.push(["n0", "n1999", 100000]);
    const r = cheapestRoute(edges, "n0", "n1999");
    expect(r.path[0]).toBe("n0");
    expect(r.path[r.path.length - 1]).toBe("n1999");
    expect(costOf(edges, r.path)).toBe(r.cost);
    expect(r.cost < 100000).toBe(true);
  });
});
`,
  }),
  defineTask({
    slug: "count-islands",
    language: "js",
    difficulty: "easy",
    tags: ["graphs", "flood-fill"],
    entry_point: "countIslands",
    prompt: code`
/**
 * Count the islands of a grid of 0 (water) and 1 (land): groups of land cells connected
 * horizontally or vertically (not diagonally). Do not modify the grid. Grids can be
 * 300 x 300, so avoid deep recursion.
 *   countIslands([[1, 1, 0], [0, 0, 1], [1, 0, 1]]) === 3
 */
function countIslands(grid) {
`,
    solution: code`
  const rows = grid.length;
  const cols = rows ? grid[0].length : 0;
  const seen = new Uint8Array(rows * cols);
  let islands = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      if (grid[r][c] !== 1 || seen[r * cols + c]) continue;
      islands++;
      const stack = [r * cols + c];
      seen[r * cols + c] = 1;
      while (stack.length) {
        const cell = stack.pop();
        const cr = Math.floor(cell / cols), cc = cell % cols;
        for (const [nr, nc] of [[cr + 1, cc], [cr - 1, cc], [cr, cc + 1], [cr, cc - 1]]) {
          if (nr < 0 || nc < 0 || nr >= rows || nc >= cols) continue;
          if (grid[nr][nc] !== 1 || seen[nr * cols + nc]) continue;
          seen[nr * cols + nc] = 1;
          stack.push(nr * cols + nc);
        }
      }
    }
  }
  return islands;
}
`,
    tests: code`
describe("countIslands", () => {
  test("example", () => expect(countIslands([[1, 1, 0], [0, 0, 1], [1, 0, 1]])).toBe(3));
  test("diagonals do not connect", () => expect(countIslands([[1, 0], [0, 1]])).toBe(2));
  test("no land", () => expect(countIslands([[0, 0]])).toBe(0));
  test("empty grid", () => expect(countIslands([])).toBe(0));
  test("ring around a lake", () => expect(countIslands([[1, 1, 1], [1, 0, 1], [1, 1, 1]])).toBe(1));
  test("grid untouched", () => {
    const g = [[1, 0, 1]];
    countIslands(g);
    expect(g).toEqual([[1, 0, 1]]);
  });
  test("one huge snake island", () => {
    const n = 300;
    const g = Array.from({ length: n }, (_, r) =>
      Array.from({ length: n }, (_, c) => (r % 2 === 0 || (r % 4 === 1 && c === n - 1) || (r % 4 === 3 && c === 0) ? 1 : 0)),
    );
    expect(countIslands(g)).toBe(1);
  });
});
`,
  }),
  defineTask({
    slug: "component-sizes",
    language: "js",
    difficulty: "medium",
    tags: ["graphs", "union-find"],
    entry_point: "componentSizes",
    prompt: code`
/**
 * An undirected graph has nodes 0..n-1 and the given edges [a, b]. Return the sizes of its
 * connected components sorted from largest to smallest. Must handle n = 10^5 nodes and as
 * many edges quickly.
 *   componentSizes(5, [[0, 1], [1, 2], [3, 4]]) => [3, 2]
 */
function componentSizes(n, edges) {
`,
    solution: code`
  const parent = Array.from({ length: n }, (_, i) => i);
  const size = new Array(n).fill(1);
  const find = (x) => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  };
  for (const [a, b] of edges) {
    let ra = find(a), rb = find(b);
    if (ra === rb) continue;
    if (size[ra] < size[rb]) [ra, rb] = [rb, ra];
    parent[rb] = ra;
    size[ra] += size[rb];
  }
  const sizes = [];
  for (let i = 0; i < n; i++) if (find(i) === i) sizes.push(size[i]);
  return sizes.sort((a, b) => b - a);
}
`,
    tests: code`
describe("componentSizes", () => {
  test("example", () => expect(componentSizes(5, [[0, 1], [1, 2], [3, 4]])).toEqual([3, 2]));
  test("isolated nodes", () => expect(componentSizes(3, [])).toEqual([1, 1, 1]));
  test("no nodes", () => expect(componentSizes(0, [])).toEqual([]));
  test("self loops and repeats", () => expect(componentSizes(3, [[0, 0], [1, 2], [2, 1]])).toEqual([2, 1]));
  test("long chain", () => {
    const n = 100000;
    const edges = [];
    for (let i = 1; i < n; i++) edges.push([i - 1, i]);
    edges.push([5, 99999]);
    expect(componentSizes(n, edges)).toEqual([n]);
  });
});
`,
  }),
];
