/** Structured logs: one JSON line per event on stderr, filtered by level. */

export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

const RANK: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  readonly level: LogLevel;
  log(level: Exclude<LogLevel, "silent">, event: string, fields?: Record<string, unknown>): void;
}

export function createLogger(level: LogLevel = "info", write: (line: string) => void = writeStderr): Logger {
  const threshold = RANK[level];
  return {
    level,
    log(at, event, fields) {
      if (RANK[at] < threshold) return;
      write(`${JSON.stringify({ time: new Date().toISOString(), level: at, event, ...fields })}\n`);
    },
  };
}

function writeStderr(line: string): void {
  process.stderr.write(line);
}
