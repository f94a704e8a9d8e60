/**
 * Which rubric an episode gets. The default rubric and the scoring of a step (with its infra mask)
 * live in rewards/ (defaultRubric, scoreStep); this only adapts them to tasks.
 */
import { defaultRubric, type Rubric } from "../../rewards/index.ts";
import type { Task } from "../../tasks/index.ts";

export type RubricFactory = (task: Task | null) => Rubric;

/** rewards' defaultRubric, with hidden tests when the episode has a task. */
export function defaultRubricFor(task: Task | null): Rubric {
  return defaultRubric({ hiddenTests: task !== null });
}
