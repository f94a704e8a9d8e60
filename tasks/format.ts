/**
 * How a task and a solution become what the grader runs. Two cells, not one concatenated
 * program: cell 1 (prompt + solution) runs with REPL semantics so its top-level declarations
 * become globals, cell 2 (the tests) runs in strict mode and cannot redeclare or shadow them by
 * accident; a solution that ends early or rewrites the harness cannot swallow the tests.
 */
import type { Task } from "./schema.ts";

export interface TaskProgram {
  /** Cell 1: the prompt followed by the solution (what the agent's own cell would hold). */
  program: string;
  /** Cell 2: the task's hidden tests. */
  tests: string;
  language: Task["language"];
}

export function buildProgram(task: Task, solution: string): TaskProgram {
  return { program: task.prompt + solution, tests: task.tests, language: task.language };
}

/** The single-script form of shared/suites/README.md: prompt + solution + "\n" + tests. */
export function buildFullProgram(task: Task, solution: string): string {
  return `${task.prompt}${solution}\n${task.tests}`;
}

/** The task's reference solution as a TaskProgram, or null when it has none. */
export function buildReferenceProgram(task: Task): TaskProgram | null {
  return typeof task.canonical_solution === "string" ? buildProgram(task, task.canonical_solution) : null;
}
