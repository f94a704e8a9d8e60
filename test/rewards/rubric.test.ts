import { describe, expect, it } from "vitest";
import { isCodeActError } from "../../errors/index.ts";
import {
  Gate,
  type JsonObject,
  Rubric,
  type RubricObservation,
  Sequential,
  WeightedSum,
} from "../../rewards/index.ts";

/** Scores stdout length / 10 (capped at 1): a pure function of the observation. */
class StdoutLength extends Rubric {
  forward(_action: unknown, observation: RubricObservation): number {
    return Math.min(1, (observation.stdout ?? "").length / 10);
  }
}

/** A stateful rubric: counts its calls this episode; `bonus` is config kept in the state dict. */
class Counter extends Rubric {
  calls = 0;
  bonus: number;
  constructor(bonus = 0) {
    super();
    this.bonus = bonus;
  }
  async forward(): Promise<number> {
    await Promise.resolve();
    this.calls += 1;
    return Math.min(1, this.calls / 10 + this.bonus);
  }
  protected override ownState(): JsonObject {
    return { calls: this.calls, bonus: this.bonus };
  }
  protected override loadOwnState(state: JsonObject): void {
    this.calls = Number(state.calls);
    this.bonus = Number(state.bonus);
  }
  protected override resetOwnState(): void {
    this.calls = 0;
  }
}

/** A composite written the RFC way: children assigned to properties through addRubric. */
class CodeRubric extends Rubric {
  readonly length = this.addRubric("length", new StdoutLength());
  readonly gate = this.addRubric("gate", new Gate(new Counter(), 0.1));
  async forward(action: unknown, observation: RubricObservation): Promise<number> {
    const a = await this.length.call(action as object, observation);
    const b = await this.gate.call(action as object, observation);
    return (a + b) / 2;
  }
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isCodeActError(error) ? error.code : `not a CodeActError: ${String(error)}`;
  }
  return undefined;
}

describe("Rubric base", () => {
  it("call runs forward and records lastScore", async () => {
    const rubric = new StdoutLength();
    expect(rubric.lastScore).toBeUndefined();
    expect(await rubric.call({}, { stdout: "hello" })).toBe(0.5);
    expect(rubric.lastScore).toBe(0.5);
  });

  it("runs pre hooks before forward and post hooks after, in order, and awaits async hooks", async () => {
    const rubric = new StdoutLength();
    const events: string[] = [];
    rubric.registerForwardPreHook(async (r, _a, o) => {
      await Promise.resolve();
      events.push(`pre ${o.stdout} last=${String(r.lastScore)}`);
    });
    rubric.registerForwardHook((r, _a, _o, score) => {
      events.push(`post ${score} last=${String(r.lastScore)}`);
    });
    rubric.registerForwardHook(() => {
      events.push("post2");
    });
    await rubric.call({}, { stdout: "abc" });
    expect(events).toEqual(["pre abc last=undefined", "post 0.3 last=0.3", "post2"]);
  });

  it("remove() unregisters a hook and is harmless twice", async () => {
    const rubric = new StdoutLength();
    const seen: number[] = [];
    const handle = rubric.registerForwardHook((_r, _a, _o, score) => void seen.push(score));
    const pre = rubric.registerForwardPreHook(() => void seen.push(-1));
    await rubric.call({}, { stdout: "ab" });
    handle.remove();
    handle.remove();
    pre.remove();
    await rubric.call({}, { stdout: "abcd" });
    expect(seen).toEqual([-1, 0.2]);
    expect(rubric.lastScore).toBe(0.4);
  });

  it("a hook that throws fails the call", async () => {
    const rubric = new StdoutLength();
    rubric.registerForwardPreHook(() => {
      throw new Error("hook failed");
    });
    await expect(rubric.call({}, {})).rejects.toThrow("hook failed");
  });

  it("rejects a forward that returns a non-finite number", async () => {
    class Broken extends Rubric {
      forward(): number {
        return Number.NaN;
      }
    }
    await expect(new Broken().call({}, {})).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });

  it("registers children by property assignment and lists them by path", () => {
    const rubric = new CodeRubric();
    expect(rubric.namedChildren().map(([name]) => name)).toEqual(["length", "gate"]);
    expect(rubric.children()).toEqual([rubric.length, rubric.gate]);
    expect(rubric.namedRubrics().map(([path]) => path)).toEqual(["length", "gate", "gate.rubric"]);
    expect(rubric.rubrics()).toHaveLength(3);
    expect(rubric.getRubric("gate.rubric")).toBe(rubric.gate.rubric);
    expect(rubric.getRubric("")).toBe(rubric);
  });

  it("getRubric names the missing segment and the children there", () => {
    const rubric = new CodeRubric();
    expect(() => rubric.getRubric("gate.nope")).toThrow(
      'no rubric at path "gate.nope": "gate" has no child "nope" (children: "rubric")',
    );
    expect(() => rubric.getRubric("style")).toThrow('the root has no child "style"');
    expect(codeOf(() => rubric.getRubric("length.x"))).toBe("NOT_FOUND");
  });

  it("addRubric rejects duplicate names, dots, non-rubrics and cycles", () => {
    const parent = new CodeRubric();
    expect(codeOf(() => parent.addRubric("length", new StdoutLength()))).toBe("INVALID_ARGUMENT");
    expect(codeOf(() => parent.addRubric("a.b", new StdoutLength()))).toBe("INVALID_ARGUMENT");
    expect(codeOf(() => parent.addRubric("", new StdoutLength()))).toBe("INVALID_ARGUMENT");
    expect(codeOf(() => parent.addRubric("x", {} as Rubric))).toBe("INVALID_ARGUMENT");
    expect(codeOf(() => parent.addRubric("self", parent))).toBe("INVALID_ARGUMENT");
    expect(codeOf(() => parent.gate.addRubric("up", parent))).toBe("INVALID_ARGUMENT");
  });

  it("reset clears state recursively and lastScore", async () => {
    const rubric = new CodeRubric();
    const counter = rubric.getRubric("gate.rubric") as Counter;
    await rubric.call({}, { stdout: "x" });
    await rubric.call({}, { stdout: "x" });
    expect(counter.calls).toBe(2);
    rubric.reset();
    expect(counter.calls).toBe(0);
    expect(rubric.lastScore).toBeUndefined();
    expect(counter.lastScore).toBeUndefined();
    expect(rubric.lastScores()).toEqual({});
  });

  it("lastScores gives the root and every rubric that ran in the last call only", async () => {
    const tests = new Counter();
    const rubric = new Sequential({ length: new StdoutLength(), tests });
    await rubric.call({}, { stdout: "12345" });
    expect(rubric.lastScores()).toEqual({ "": 0.1, length: 0.5, tests: 0.1 });
    // Fail-fast: "tests" does not run, so its score from the previous call must not be reported.
    await rubric.call({}, { stdout: "" });
    expect(rubric.lastScores()).toEqual({ "": 0, length: 0 });
    expect(tests.lastScore).toBe(0.1);
  });

  it("stateDict round-trips config and state by path", async () => {
    const source = new CodeRubric();
    await source.call({}, { stdout: "x" });
    (source.gate.rubric as Counter).bonus = 0.35;
    source.gate.threshold = 0.5;
    const state = JSON.parse(JSON.stringify(source.stateDict()));
    expect(state).toEqual({
      "": {},
      length: {},
      gate: { threshold: 0.5 },
      "gate.rubric": { calls: 1, bonus: 0.35 },
    });
    const target = new CodeRubric();
    target.loadStateDict(state);
    expect(target.stateDict()).toEqual(state);
    expect(await target.call({}, { stdout: "" })).toBeCloseTo((0 + (2 / 10 + 0.35)) / 2, 10);
  });

  it("loadStateDict rejects unknown and (strict) missing paths and bad values", () => {
    const rubric = new CodeRubric();
    const state = rubric.stateDict();
    expect(codeOf(() => rubric.loadStateDict({ ...state, extra: {} }))).toBe("INVALID_ARGUMENT");
    const { gate: _gate, ...partial } = state;
    expect(codeOf(() => rubric.loadStateDict(partial))).toBe("INVALID_ARGUMENT");
    expect(codeOf(() => rubric.loadStateDict(partial, { strict: false }))).toBeUndefined();
    expect(codeOf(() => rubric.loadStateDict({ ...state, gate: { threshold: "high" } }))).toBe(
      "INVALID_ARGUMENT",
    );
    expect(codeOf(() => rubric.loadStateDict({ ...state, length: { surprise: 1 } }))).toBe(
      "INVALID_ARGUMENT",
    );
  });

  it("a child shared by two parents is listed under both paths", () => {
    const shared = new StdoutLength();
    const sum = new WeightedSum({ a: shared, b: new Gate(shared, 0) }, [1, 1]);
    expect(sum.namedRubrics().map(([path]) => path)).toEqual(["a", "b", "b.rubric"]);
    expect(sum.getRubric("b.rubric")).toBe(shared);
  });
});
