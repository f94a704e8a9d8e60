/**
 * The results file: one JSON line per graded sample, appended as samples finish so a run that is
 * stopped can be resumed (`--resume` skips samples already there, except infra failures).
 */
import { createWriteStream, existsSync, readFileSync, type WriteStream } from "node:fs";
import type { SampleResult } from "./grade-samples.ts";

export function sampleKey(taskId: string, index: number): string {
  return `${taskId}#${index}`;
}

/** Results already in the file; unreadable lines are reported (with their number) and ignored. */
export function readResults(path: string): { results: SampleResult[]; problems: string[] } {
  if (!existsSync(path)) return { results: [], problems: [] };
  const results: SampleResult[] = [];
  const problems: string[] = [];
  readFileSync(path, "utf8")
    .split("\n")
    .forEach((text, i) => {
      if (!text.trim()) return;
      try {
        const value = JSON.parse(text) as Partial<SampleResult>;
        if (typeof value.task_id !== "string" || typeof value.sample_index !== "number")
          throw new Error("not a result");
        results.push(value as SampleResult);
      } catch {
        problems.push(`${path}:${i + 1}: not a result line; ignored`);
      }
    });
  return { results, problems };
}

export class ResultsWriter {
  readonly #stream: WriteStream;

  constructor(path: string, append: boolean) {
    this.#stream = createWriteStream(path, { flags: append ? "a" : "w" });
  }

  write(result: SampleResult): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#stream.write(`${JSON.stringify(result)}\n`, (error) => (error ? reject(error) : resolve()));
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#stream.end(resolve));
  }
}
