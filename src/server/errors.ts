/**
 * The ONE place where failures become HTTP statuses and OpenEnv wire error codes.
 * Every route and frame handler goes through `describeFailure`.
 */
import { CodeActError, type ErrorCode } from "../../errors/index.ts";
import { JsonDepthError } from "./json.ts";

/** OpenEnv's WSErrorCode. */
export type WireErrorCode =
  | "INVALID_JSON"
  | "UNKNOWN_TYPE"
  | "VALIDATION_ERROR"
  | "EXECUTION_ERROR"
  | "CAPACITY_REACHED"
  | "FACTORY_ERROR"
  | "SESSION_ERROR";

interface Mapping {
  status: number;
  wire: WireErrorCode;
}

const MAPPINGS: Readonly<Record<ErrorCode, Mapping>> = {
  INVALID_ACTION: { status: 422, wire: "VALIDATION_ERROR" },
  INVALID_ARGUMENT: { status: 422, wire: "VALIDATION_ERROR" },
  NOT_FOUND: { status: 404, wire: "EXECUTION_ERROR" },
  EPISODE_DONE: { status: 409, wire: "EXECUTION_ERROR" },
  NOT_RESET: { status: 409, wire: "EXECUTION_ERROR" },
  CAPACITY: { status: 503, wire: "CAPACITY_REACHED" },
  TIMEOUT: { status: 504, wire: "EXECUTION_ERROR" },
  DISPOSED: { status: 410, wire: "SESSION_ERROR" },
  ENGINE_FAILURE: { status: 500, wire: "EXECUTION_ERROR" },
  TASK_FILE: { status: 500, wire: "EXECUTION_ERROR" },
  UPSTREAM: { status: 502, wire: "EXECUTION_ERROR" },
};

/**
 * Seconds an HTTP client is told to wait (`Retry-After`) when the server has no free session:
 * slots free up as episodes end, so a short, fixed hint spreads retries without stalling them.
 */
export const RETRY_AFTER_S = 1;

/** Headers of an HTTP answer to `failure`: `Retry-After` on every 503 (at capacity, draining). */
export function failureHeaders(failure: Pick<Failure, "status">): Record<string, string> {
  return failure.status === 503 ? { "Retry-After": String(RETRY_AFTER_S) } : {};
}

/** Wire codes that end a WebSocket session (OpenEnv closes the socket after sending them). */
export const FATAL_WIRE_CODES: ReadonlySet<WireErrorCode> = new Set(["CAPACITY_REACHED", "FACTORY_ERROR"]);

/** JSON-RPC error codes (OpenEnv /mcp dialect). */
export const JSONRPC = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
  SERVER_ERROR: -32000,
} as const;

export interface Failure {
  status: number;
  wire: WireErrorCode;
  message: string;
  /** Extra keys for the error frame / body (validation `errors`, capacity counts, ...). */
  extra: Record<string, unknown>;
  /** CodeActError code, or "INTERNAL" for anything else. */
  code: ErrorCode | "INTERNAL";
}

/** Describes any thrown value for the wire. Non-CodeActErrors are internal failures (500). */
export function describeFailure(error: unknown): Failure {
  if (error instanceof JsonDepthError) {
    return { status: 400, wire: "INVALID_JSON", message: error.message, extra: {}, code: "INVALID_ARGUMENT" };
  }
  if (error instanceof CodeActError) {
    const mapping = MAPPINGS[error.code];
    // The wire `code` stays OpenEnv's WSErrorCode (clients match on it); which failure a generic
    // one was (EPISODE_DONE, NOT_RESET, TIMEOUT, ...) rides along, for clients that tell them apart.
    // Frames OpenEnv specifies exactly (capacity, validation) keep its shape.
    const generic = mapping.wire === "EXECUTION_ERROR" || mapping.wire === "SESSION_ERROR";
    const extra: Record<string, unknown> = generic ? { error_code: error.code } : {};
    const details = error.details ?? {};
    if (error.code === "INVALID_ACTION" || error.code === "INVALID_ARGUMENT") {
      if (Array.isArray(details.errors)) extra.errors = details.errors;
    }
    if (error.code === "CAPACITY") {
      extra.active_sessions = details.active_sessions;
      extra.max_sessions = details.max_sessions;
    }
    if (typeof details.factory_name === "string") {
      extra.factory_name = details.factory_name;
      return { status: 500, wire: "FACTORY_ERROR", message: error.message, extra, code: error.code };
    }
    const message = error.code === "INVALID_ACTION" ? "Invalid message" : error.message;
    return { status: mapping.status, wire: mapping.wire, message, extra, code: error.code };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { status: 500, wire: "EXECUTION_ERROR", message, extra: {}, code: "INTERNAL" };
}

/** The `data` of an OpenEnv error frame. */
export function errorFrameData(failure: Failure): Record<string, unknown> {
  return { message: failure.message, code: failure.wire, ...failure.extra };
}

export function capacityError(active: number, max: number): CodeActError {
  return new CodeActError(
    "CAPACITY",
    `Server at capacity: ${active}/${max} sessions active. Cannot accept new connections.`,
    { details: { active_sessions: active, max_sessions: max } },
  );
}

/** The environment factory threw: OpenEnv's FACTORY_ERROR (names the factory). */
export function factoryError(factoryName: string, cause: unknown): CodeActError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new CodeActError("ENGINE_FAILURE", `Failed to create environment: ${reason}`, {
    cause,
    details: { factory_name: factoryName },
  });
}

/** A JSON-RPC error code for a failure inside a JSON-RPC method. */
export function jsonRpcCodeFor(failure: Failure): number {
  if (failure.wire === "CAPACITY_REACHED" || failure.wire === "FACTORY_ERROR") return JSONRPC.SERVER_ERROR;
  if (failure.wire === "VALIDATION_ERROR") return JSONRPC.INVALID_PARAMS;
  return JSONRPC.INTERNAL_ERROR;
}
