/**
 * errors/: the one error class of codeact-env and its codes (package subpath codeact-env/errors).
 * May import nothing: every layer (sandbox, rewards, tasks, src, the client) imports it.
 *
 * The one error class of codeact-env. Agent failures (timeouts, exceptions in cells, ...) are
 * results, never this; it is for misuse and for failures of the environment itself.
 * The server maps `code` to HTTP statuses and wire error codes in one place.
 */
export type ErrorCode =
  | "DISPOSED"
  | "INVALID_ARGUMENT"
  | "INVALID_ACTION"
  | "NOT_FOUND"
  | "EPISODE_DONE"
  | "NOT_RESET"
  | "CAPACITY"
  | "TIMEOUT"
  | "ENGINE_FAILURE"
  | "TASK_FILE"
  | "UPSTREAM";

export class CodeActError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "CodeActError";
    this.code = code;
    this.details = options?.details;
  }
}

export function isCodeActError(value: unknown, code?: ErrorCode): value is CodeActError {
  return value instanceof CodeActError && (code === undefined || value.code === code);
}
