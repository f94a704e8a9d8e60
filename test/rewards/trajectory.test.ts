import { describe, expect, it } from "vitest";
import {
  ExponentialDiscountingTrajectoryRubric,
  isDone,
  type RubricObservation,
  Sequential,
  TrajectoryRubric,
  type TrajectoryStep,
} from "../../rewards/index.ts";

/** Final score = fraction of steps whose cell exited 0. */
class CleanSteps extends ExponentialDiscountingTrajectoryRubric {
  scored = 0;
  scoreTrajectory(steps: readonly TrajectoryStep[]): number {
    this.scored += 1;
    return steps.filter((s) => s.observation.exit_code === 0).length / steps.length;
  }
}

/** All credit to the last step, via an async scorer. */
class LastStepOnly extends TrajectoryRubric {
  async scoreTrajectory(steps: readonly TrajectoryStep[]): Promise<number> {
    await Promise.resolve();
    return steps.at(-1)?.observation.tests?.passed === 1 ? 1 : 0;
  }
  computeStepRewards(): number[] {
    const steps = this.trajectory.length;
    return Array.from({ length: steps }, (_, t) => (t === steps - 1 ? (this.finalScore ?? 0) : 0));
  }
}

const step = (exit_code: number, extra: RubricObservation = {}): RubricObservation => ({
  stdout: "",
  stderr: "",
  exit_code,
  ...extra,
});

describe("TrajectoryRubric", () => {
  it("returns the intermediate reward until done, then the trajectory score", async () => {
    const rubric = new CleanSteps({ gamma: 0.5 });
    expect(await rubric.call({ code: "a" }, step(0))).toBe(0);
    expect(await rubric.call({ code: "b" }, step(1))).toBe(0);
    expect(rubric.finalScore).toBeUndefined();
    expect(rubric.computeStepRewards()).toEqual([0, 0]);
    expect(await rubric.call({ code: "c" }, step(0, { done_reason: "submitted" }))).toBeCloseTo(2 / 3, 12);
    expect(rubric.scored).toBe(1);
    expect(rubric.trajectory.map((s) => s.action.code)).toEqual(["a", "b", "c"]);
  });

  it("discounts r_t = gamma^(T-1-t) * R (numbers checked by hand)", async () => {
    const rubric = new CleanSteps({ gamma: 0.5 });
    for (let i = 0; i < 3; i++) await rubric.call({}, step(0));
    await rubric.call({}, step(0, { done: true }));
    // T = 4, R = 1: [0.5^3, 0.5^2, 0.5^1, 0.5^0]
    expect(rubric.computeStepRewards()).toEqual([0.125, 0.25, 0.5, 1]);

    const withFailures = new CleanSteps(0.9);
    await withFailures.call({}, step(1));
    await withFailures.call({}, step(0, { done: true }));
    // T = 2, R = 1/2: [0.9 * 0.5, 0.5]
    const rewards = withFailures.computeStepRewards();
    expect(rewards[0]).toBeCloseTo(0.45, 12);
    expect(rewards[1]).toBe(0.5);
  });

  it("gamma = 1 gives every step R; intermediate reward is configurable", async () => {
    const rubric = new CleanSteps({ gamma: 1, intermediateReward: 0.01 });
    expect(await rubric.call({}, step(0))).toBe(0.01);
    expect(await rubric.call({}, step(1, { done: true }))).toBe(0.5);
    expect(rubric.computeStepRewards()).toEqual([0.5, 0.5]);
  });

  it("reset clears the trajectory (also through a parent)", async () => {
    const inner = new CleanSteps({ gamma: 0.9 });
    const parent = new Sequential({ outcome: inner });
    await parent.call({}, step(0));
    await parent.call({}, step(0, { done: true }));
    parent.reset();
    expect(inner.trajectory).toEqual([]);
    expect(inner.finalScore).toBeUndefined();
    expect(inner.computeStepRewards()).toEqual([]);
  });

  it("supports an async scorer and custom credit assignment", async () => {
    const rubric = new LastStepOnly();
    await rubric.call({}, step(1));
    const tests = { passed: 1, failed: 0, skipped: 0, total: 1, cases: [] };
    expect(await rubric.call({}, step(0, { tests, done: true }))).toBe(1);
    expect(rubric.computeStepRewards()).toEqual([0, 1]);
  });

  it("validates gamma", () => {
    expect(() => new CleanSteps({ gamma: 1.5 })).toThrow("gamma");
    expect(() => new CleanSteps({ gamma: -0.1 })).toThrow("gamma");
  });

  it("stateDict carries config and the steps, and round-trips", async () => {
    const source = new CleanSteps({ gamma: 0.8 });
    await source.call({ code: "x" }, step(0));
    await source.call({ code: "y" }, step(1, { done: true }));
    const state = JSON.parse(JSON.stringify(source.stateDict()));
    const target = new CleanSteps();
    target.loadStateDict(state);
    expect(target.gamma).toBe(0.8);
    expect(target.finalScore).toBe(0.5);
    expect(target.trajectory).toEqual(source.trajectory);
    expect(target.computeStepRewards()).toEqual(source.computeStepRewards());
    expect(() => target.loadStateDict({ "": { ...state[""], gamma: 2 } })).toThrow("gamma");
  });

  it("isDone reads done or done_reason", () => {
    expect(isDone({})).toBe(false);
    expect(isDone({ done: false })).toBe(false);
    expect(isDone({ done: true })).toBe(true);
    expect(isDone({ done_reason: "step_budget" })).toBe(true);
  });
});
