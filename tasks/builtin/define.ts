/** Shorthand for writing built-in tasks; every task still goes through the strict schema. */
import { type Task, taskSchema } from "../schema.ts";

/** Raw code text: backslashes stay as written ("\n" in task code is an escape, not a newline). */
export const code = (strings: TemplateStringsArray, ...values: unknown[]): string =>
  String.raw(strings, ...values).replace(/^\n/, "");

export interface BuiltinSpec {
  slug: string;
  language: "js" | "ts";
  difficulty: "easy" | "medium" | "hard";
  tags: string[];
  /** A doc comment and an open function header, or full instructions in a comment. */
  prompt: string;
  /** The reference solution: appended to the prompt, it must pass the tests. */
  solution: string;
  tests: string;
  entry_point: string;
  entry_points?: string[];
  tools?: string[];
  done_when_tests_pass?: boolean;
  max_steps?: number;
}

export function defineTask(spec: BuiltinSpec): Task {
  const { slug, difficulty, tags, solution, ...rest } = spec;
  return taskSchema.parse({
    ...rest,
    id: `builtin/${slug}`,
    suite: "builtin",
    canonical_solution: solution,
    metadata: { difficulty, tags },
  });
}
