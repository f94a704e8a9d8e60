import { setImmediate as nextTurn } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import {
  Gate,
  Rubric,
  RubricDict,
  RubricList,
  type RubricObservation,
  Sequential,
  WeightedSum,
} from "../../rewards/index.ts";

/** Reads its score from observation.rewards[key] (so each test states its inputs), logging calls. */
class FromObservation extends Rubric {
  readonly key: string;
  readonly log: string[];
  constructor(key: string, log: string[] = []) {
    super();
    this.key = key;
    this.log = log;
  }
  async forward(_action: unknown, observation: RubricObservation): Promise<number> {
    this.log.push(`${this.key} start`);
    await nextTurn();
    this.log.push(`${this.key} end`);
    return observation.rewards?.[this.key] ?? 0;
  }
}

const obs = (rewards: Record<string, number>): RubricObservation => ({ rewards });

describe("Sequential", () => {
  it("returns the last child's score when none scores 0, running children in order", async () => {
    const log: string[] = [];
    const seq = new Sequential(new FromObservation("a", log), new FromObservation("b", log));
    expect(await seq.call({}, obs({ a: 0.5, b: 0.8 }))).toBe(0.8);
    expect(log).toEqual(["a start", "a end", "b start", "b end"]);
    expect(seq.namedChildren().map(([name]) => name)).toEqual(["0", "1"]);
  });

  it("stops at the first child scoring 0 and returns 0 without running the rest", async () => {
    const log: string[] = [];
    const seq = new Sequential({
      first: new FromObservation("a", log),
      second: new FromObservation("b", log),
      third: new FromObservation("c", log),
    });
    expect(await seq.call({}, obs({ a: 1, b: 0, c: 1 }))).toBe(0);
    expect(log).toEqual(["a start", "a end", "b start", "b end"]);
    expect(seq.lastScores()).toEqual({ "": 0, first: 1, second: 0 });
  });

  it("needs at least one child", () => {
    expect(() => new Sequential()).toThrow("at least one rubric");
  });
});

describe("Gate", () => {
  it("passes the score at or above the threshold and gives 0 below", async () => {
    const gate = new Gate(new FromObservation("t"), 0.5);
    expect(await gate.call({}, obs({ t: 0.5 }))).toBe(0.5);
    expect(await gate.call({}, obs({ t: 0.7 }))).toBe(0.7);
    expect(await gate.call({}, obs({ t: 0.49 }))).toBe(0);
  });

  it("defaults to threshold 1 and validates it", async () => {
    const gate = new Gate(new FromObservation("t"));
    expect(await gate.call({}, obs({ t: 0.99 }))).toBe(0);
    expect(await gate.call({}, obs({ t: 1 }))).toBe(1);
    expect(() => new Gate(new FromObservation("t"), Number.NaN)).toThrow("invalid Gate threshold");
  });
});

describe("WeightedSum", () => {
  it("normalizes the weights and sums", async () => {
    const sum = new WeightedSum([new FromObservation("a"), new FromObservation("b")], [3, 1]);
    expect(sum.weights).toEqual([0.75, 0.25]);
    expect(await sum.call({}, obs({ a: 1, b: 0.2 }))).toBeCloseTo(0.75 * 1 + 0.25 * 0.2, 12);
  });

  it("evaluates async children concurrently", async () => {
    const log: string[] = [];
    const sum = new WeightedSum(
      { a: new FromObservation("a", log), b: new FromObservation("b", log) },
      [1, 1],
    );
    await sum.call({}, obs({ a: 1, b: 1 }));
    expect(log).toEqual(["a start", "b start", "a end", "b end"]);
    expect(sum.lastScores()).toEqual({ "": 1, a: 1, b: 1 });
  });

  it("validates weights: same length, finite, sum > 0", () => {
    const two = () => [new FromObservation("a"), new FromObservation("b")];
    expect(() => new WeightedSum(two(), [1])).toThrow("2 rubrics but 1 weights");
    expect(() => new WeightedSum(two(), [1, Number.POSITIVE_INFINITY])).toThrow(
      "invalid WeightedSum weights",
    );
    expect(() => new WeightedSum(two(), [1, -1])).toThrow("sum to > 0");
    expect(() => new WeightedSum(two(), [0, 0])).toThrow("sum to > 0");
  });

  it("state dict holds the normalized weights", () => {
    const sum = new WeightedSum([new FromObservation("a"), new FromObservation("b")], [1, 1]);
    sum.loadStateDict({ "": { weights: [1, 4] }, "0": {}, "1": {} });
    expect(sum.weights).toEqual([0.2, 0.8]);
    expect(() => sum.loadStateDict({ "": { weights: [1] }, "0": {}, "1": {} })).toThrow("1 weights");
  });
});

describe("RubricList and RubricDict", () => {
  it("RubricList holds children by index and refuses to score on its own", async () => {
    const a = new FromObservation("a");
    const b = new FromObservation("b");
    const list = new RubricList([a]).push(b);
    expect(list.length).toBe(2);
    expect(list.at(1)).toBe(b);
    expect(list.at(-1)).toBe(b);
    expect([...list]).toEqual([a, b]);
    expect(list.getRubric("0")).toBe(a);
    expect(() => list.at(2)).toThrow("no index 2");
    await expect(list.call({}, {})).rejects.toThrow("only holds rubrics");
  });

  it("RubricDict dispatches by key inside a parent rubric", async () => {
    class PerTask extends Rubric {
      readonly tasks = this.addRubric(
        "tasks",
        new RubricDict({ sum: new FromObservation("sum"), sort: new FromObservation("sort") }),
      );
      forward(action: { metadata?: Record<string, unknown> }, observation: RubricObservation) {
        return this.tasks.get(String(action.metadata?.task)).call(action, observation);
      }
    }
    const rubric = new PerTask();
    expect(await rubric.call({ metadata: { task: "sort" } }, obs({ sum: 0.1, sort: 0.9 }))).toBe(0.9);
    expect(rubric.lastScores()).toEqual({ "": 0.9, "tasks.sort": 0.9 });
    expect(rubric.namedRubrics().map(([p]) => p)).toEqual(["tasks", "tasks.sum", "tasks.sort"]);
    expect(() => rubric.tasks.get("nope")).toThrow('no key "nope" (keys: ["sum","sort"])');
    await expect(rubric.tasks.call({}, {})).rejects.toThrow("RubricDict only holds rubrics");
  });

  it("RubricDict set replaces, delete removes", () => {
    const dict = new RubricDict({ a: new FromObservation("a") });
    const replacement = new FromObservation("a2");
    dict.set("a", replacement).set("b", new FromObservation("b"));
    expect(dict.get("a")).toBe(replacement);
    expect(dict.keys()).toEqual(["a", "b"]);
    expect(dict.delete("a")).toBe(true);
    expect(dict.has("a")).toBe(false);
  });
});

describe("composition (RFC 004 example)", () => {
  it("Sequential(Gate, Gate, WeightedSum) computes the hand-checked value", async () => {
    const rubric = new Sequential({
      compiles: new Gate(new FromObservation("compiles")),
      tests: new Gate(new FromObservation("tests"), 0.5),
      blend: new WeightedSum(
        { tests: new FromObservation("tests"), style: new FromObservation("style") },
        [0.7, 0.3],
      ),
    });
    expect(await rubric.call({}, obs({ compiles: 1, tests: 0.6, style: 1 }))).toBeCloseTo(
      0.7 * 0.6 + 0.3,
      12,
    );
    expect(await rubric.call({}, obs({ compiles: 1, tests: 0.4, style: 1 }))).toBe(0);
    expect(Object.keys(rubric.lastScores())).toEqual([
      "",
      "compiles",
      "compiles.rubric",
      "tests",
      "tests.rubric",
    ]);
  });
});
