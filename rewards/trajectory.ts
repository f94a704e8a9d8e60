/**
 * Delayed rewards (RFC 004 "Self-Accumulating TrajectoryRubric"): one environment is one
 * trajectory, so the rubric keeps the steps itself and `reset()` (on env reset) clears them.
 */
import { z } from "zod";
import { CodeActError } from "../errors/index.ts";
import { parseStrict } from "./parse-options.ts";
import { Rubric } from "./rubric.ts";
import type { Json, JsonObject, RubricAction, RubricObservation } from "./types.ts";

export interface TrajectoryStep {
  action: RubricAction;
  observation: RubricObservation;
}

/** The last step of an episode: `observation.done === true` or a `done_reason` is set. */
export function isDone(observation: RubricObservation): boolean {
  return observation.done === true || typeof observation.done_reason === "string";
}

const trajectoryStateSchema = z.strictObject({
  intermediateReward: z.number().finite(),
  steps: z.array(
    z.strictObject({
      action: z.record(z.string(), z.unknown()),
      observation: z.record(z.string(), z.unknown()),
    }),
  ),
  finalScore: z.number().finite().optional(),
});

/**
 * Records every (action, observation). Returns `intermediateReward` (default 0) until an
 * observation says done (see isDone), then `scoreTrajectory(steps)` — the final score R, which is
 * also kept in `finalScore`. Per-step credit assignment comes from `computeStepRewards()`.
 * Steps are kept in memory and serialized by stateDict(), so observations must be plain JSON.
 */
export abstract class TrajectoryRubric extends Rubric {
  intermediateReward: number;
  #steps: TrajectoryStep[] = [];
  #finalScore: number | undefined = undefined;

  constructor(options: { intermediateReward?: number } = {}) {
    super();
    this.intermediateReward = parseStrict(
      z.strictObject({ intermediateReward: z.number().finite().default(0) }),
      options,
      "TrajectoryRubric options",
    ).intermediateReward;
  }

  /** Score of the complete trajectory (called once, on the done step). */
  abstract scoreTrajectory(steps: readonly TrajectoryStep[]): number | Promise<number>;

  /** One reward per recorded step; the credit assignment strategy. */
  abstract computeStepRewards(): number[];

  /** A copy of the recorded steps. */
  get trajectory(): TrajectoryStep[] {
    return [...this.#steps];
  }

  /** R once the done step was scored, else undefined. */
  get finalScore(): number | undefined {
    return this.#finalScore;
  }

  async forward(action: RubricAction, observation: RubricObservation): Promise<number> {
    this.#steps.push({ action, observation });
    if (!isDone(observation)) return this.intermediateReward;
    const score = await this.scoreTrajectory(this.trajectory);
    if (typeof score !== "number" || !Number.isFinite(score)) {
      throw new CodeActError(
        "INVALID_ARGUMENT",
        `scoreTrajectory returned ${String(score)}; need a finite number`,
      );
    }
    this.#finalScore = score;
    return score;
  }

  protected override resetOwnState(): void {
    this.#steps = [];
    this.#finalScore = undefined;
  }

  protected override ownState(): JsonObject {
    const state: JsonObject = {
      intermediateReward: this.intermediateReward,
      steps: this.#steps as unknown as Json[],
    };
    if (this.#finalScore !== undefined) state.finalScore = this.#finalScore;
    return state;
  }

  protected override loadOwnState(state: JsonObject): void {
    const parsed = parseStrict(trajectoryStateSchema, state, `${this.constructor.name} state`);
    this.intermediateReward = parsed.intermediateReward;
    this.#steps = parsed.steps as TrajectoryStep[];
    this.#finalScore = parsed.finalScore;
  }
}

/**
 * Credit assignment by discounting the final score back over the steps:
 * r_t = gamma^(T-1-t) * R for t = 0..T-1 (T steps, R = finalScore). The last step gets R; with
 * gamma = 1 every step gets R. Before the episode is done every step gets intermediateReward.
 */
export abstract class ExponentialDiscountingTrajectoryRubric extends TrajectoryRubric {
  gamma: number;

  /** `new X(0.9)` or `new X({ gamma: 0.9, intermediateReward: 0 })`; gamma defaults to 0.99. */
  constructor(options: number | { gamma?: number; intermediateReward?: number } = {}) {
    const { gamma, ...rest } = typeof options === "number" ? { gamma: options } : options;
    super(rest);
    this.gamma = parseGamma(gamma ?? 0.99);
  }

  computeStepRewards(): number[] {
    const steps = this.trajectory.length;
    const final = this.finalScore;
    if (final === undefined) return new Array<number>(steps).fill(this.intermediateReward);
    return Array.from({ length: steps }, (_, t) => final * this.gamma ** (steps - 1 - t));
  }

  protected override ownState(): JsonObject {
    return { ...super.ownState(), gamma: this.gamma };
  }

  protected override loadOwnState(state: JsonObject): void {
    const { gamma, ...rest } = state;
    this.gamma = parseGamma(gamma);
    super.loadOwnState(rest);
  }
}

function parseGamma(gamma: unknown): number {
  return parseStrict(z.number().min(0).max(1), gamma, "gamma (a discount factor in [0, 1])");
}
