/**
 * Scoring a step with the episode's rubric tree: the root's score is the reward, and every rubric
 * path that ran reports its score on the observation (`rewards`).
 */
import {
  Compiles,
  ExecutionSucceeded,
  Gate,
  type Rubric,
  type RubricAction,
  type RubricObservation,
  Sequential,
  TestsPassed,
} from "../../rewards/index.ts";
import type { Task } from "../../tasks/index.ts";
import type { Action, Observation } from "./types.ts";

export type RubricFactory = (task: Task | null) => Rubric;

/**
 * A task: gate on compiling, then the fraction of hidden tests passed (a tool call has no code to
 * compile, so it passes the gate and scores the latest test results, e.g. on submit).
 * No task: 1 when the cell ran without error.
 */
export function defaultRubricFor(task: Task | null): Rubric {
  if (!task) return new ExecutionSucceeded();
  return new Sequential({
    compiles: new Gate(new Compiles({ nonCodeScore: 1 }), 1),
    tests: new TestsPassed({ mode: "fraction" }),
  });
}

export async function scoreStep(
  rubric: Rubric,
  action: Action,
  observation: Observation,
): Promise<{ reward: number; rewards: Record<string, number> }> {
  const reward = await rubric.call(action as RubricAction, observation as RubricObservation);
  return { reward, rewards: rubric.lastScores() };
}
