/**
 * The results file: one JSON line per graded sample, appended as samples finish so a run that is
 * stopped can be resumed (`--resume` skips samples already there, except infra failures).
 */
import {
  appendFileSync,
  createWriteStream,
  existsSync,
  readFileSync,
  truncateSync,
  type WriteStream,
} from "node:fs";
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

/**
 * A run stopped mid-write leaves a last line without its newline. Appending to it would glue the
 * next result onto it and lose both, so before resuming: a cut-off line is dropped (its sample is
 * graded again); a complete one that only lacks the newline gets it. Returns what was done.
 */
export function repairInterruptedTail(path: string): string | undefined {
  if (!existsSync(path)) return undefined;
  const bytes = readFileSync(path);
  if (bytes.length === 0 || bytes[bytes.length - 1] === 0x0a) return undefined;
  const start = bytes.lastIndexOf(0x0a) + 1;
  const line = bytes.subarray(0, start).toString("utf8").split("\n").length;
  if (isResult(bytes.subarray(start).toString("utf8"))) {
    appendFileSync(path, "\n");
    return undefined;
  }
  truncateSync(path, start);
  return `${path}:${line}: dropped an interrupted last line (${bytes.length - start} bytes, written by a run that was stopped); its sample is graded again`;
}

function isResult(text: string): boolean {
  try {
    const value = JSON.parse(text) as Partial<SampleResult> | null;
    return typeof value?.task_id === "string" && typeof value.sample_index === "number";
  } catch {
    return false;
  }
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
