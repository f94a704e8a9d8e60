/** The finer error codes a codeact-env server sends beside OpenEnv's generic wire codes. */
import type { ErrorCode } from "../../errors/index.ts";

/**
 * The finer codes a codeact-env server sends in `error_code` beside a generic wire code; others
 * (a newer server's) fall back to the wire code's mapping.
 */
const FINER_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  "NOT_FOUND",
  "EPISODE_DONE",
  "NOT_RESET",
  "TIMEOUT",
  "DISPOSED",
  "ENGINE_FAILURE",
  "TASK_FILE",
  "UPSTREAM",
]);

/** A server's `error_code`, when it is one this client knows. */
export function finerCode(value: unknown): ErrorCode | undefined {
  return typeof value === "string" && FINER_CODES.has(value) ? (value as ErrorCode) : undefined;
}
