/** Strict validation of options and state dicts; a failure names the rubric and the bad field. */
import type { z } from "zod";
import { CodeActError } from "../errors/index.ts";

export function parseStrict<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(root)"}: ${issue.message}`)
    .join("; ");
  throw new CodeActError("INVALID_ARGUMENT", `invalid ${what}: ${problems}`, { cause: result.error });
}
