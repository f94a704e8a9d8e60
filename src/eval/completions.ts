/** Reads a completions file keeping each entry's line number, so problems can name their line. */
import { readFile } from "node:fs/promises";
import { CodeActError } from "../../errors/index.ts";
import { type Completion, parseCompletionsJsonl } from "../../tasks/index.ts";
import type { InputProblem } from "./samples.ts";

export interface NumberedCompletion {
  line: number;
  task_id: string;
  completion: string;
  /** The line's other keys, carried into its result. */
  extra?: Record<string, unknown>;
}

/** Everything but task_id and completion, as the sampling script wrote it. */
function carried(c: Completion): { extra?: Record<string, unknown> } {
  const extra: Array<[string, unknown]> = Object.entries(c.extra ?? {});
  if (c.sample_id !== undefined) extra.unshift(["sample_id", c.sample_id]);
  if (c.metadata !== undefined) extra.unshift(["metadata", c.metadata]);
  return extra.length > 0 ? { extra: Object.fromEntries(extra) } : {};
}

export async function readCompletions(
  path: string,
): Promise<{ entries: NumberedCompletion[]; problems: InputProblem[] }> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new CodeActError("NOT_FOUND", `cannot read completions file ${path}: ${(error as Error).message}`);
  }
  const entries: NumberedCompletion[] = [];
  const problems: InputProblem[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === "") return;
    const line = i + 1;
    const { completions, errors } = parseCompletionsJsonl(raw, { source: path });
    for (const e of errors) problems.push({ line, message: e.message });
    for (const c of completions)
      entries.push({ line, task_id: c.task_id, completion: c.completion, ...carried(c) });
  });
  return { entries, problems };
}
