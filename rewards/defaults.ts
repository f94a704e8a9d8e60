/** The environment's default rubric and the infra-failure mask (their only definitions). */

import { ExecutionSucceeded, TestsPassed } from "./code.ts";
import { Compiles } from "./compiles.ts";
import { Gate, Sequential } from "./containers.ts";
import type { Rubric } from "./rubric.ts";
import type { RubricAction, RubricObservation } from "./types.ts";

/**
 * With hidden tests (an episode on a task): Sequential({ compiles: Gate(Compiles, 1), tests:
 * TestsPassed fraction }): 0 when the cell does not compile (tests are then not scored), else the
 * fraction of tests passed. A tool call has no code to compile, so it passes the gate and scores
 * the latest test results (e.g. on submit). Paths: "" (root), "compiles", "compiles.rubric", "tests".
 * Without (a free episode): ExecutionSucceeded, 1 when the cell ran without error.
 */
export function defaultRubric(options: { hiddenTests: boolean }): Rubric {
  if (!options.hiddenTests) return new ExecutionSucceeded();
  return new Sequential({
    compiles: new Gate(new Compiles({ nonCodeScore: 1 }), 1),
    tests: new TestsPassed({ mode: "fraction" }),
  });
}

/**
 * false when the step failed because of the sandbox, not the model: `infra_error` is true or the
 * error's kind is "infra". The environment must then skip the rubric and report reward null, so
 * trainers can mask the step — infra failures are never the model's failure.
 */
export function isScorable(observation: RubricObservation): boolean {
  if (observation.infra_error === true) return false;
  const error = observation.error;
  return !(error !== undefined && error !== null && "kind" in error && error.kind === "infra");
}

/**
 * One environment step's scoring: reward null (and no rewards) when !isScorable(observation),
 * else the rubric's score and `rubric.lastScores()` (path -> score, "" = root) for the observation.
 * Errors of the rubric (e.g. an LLM judge outage) propagate.
 */
export async function scoreStep(
  rubric: Rubric,
  action: RubricAction,
  observation: RubricObservation,
): Promise<{ reward: number | null; rewards: Record<string, number> }> {
  if (!isScorable(observation)) return { reward: null, rewards: {} };
  const reward = await rubric.call(action, observation);
  return { reward, rewards: rubric.lastScores() };
}
