export { type BenchRow, benchServer } from "./bench.ts";
export { describeFailure, type Failure, type WireErrorCode } from "./errors.ts";
export type { LogLevel } from "./log.ts";
export { MCP_STREAM_PATH } from "./mcp-stream.ts";
export { type CodeActServer, createServer, type ServerConfig } from "./server.ts";
export { type Session, type SessionKind, SessionManager } from "./sessions.ts";
export { type CheckResult, formatReport, type ValidationReport, validateServer } from "./validate.ts";
export { type Profile, profileObservation, toHttpResult, toWireResult, type WireResult } from "./wire.ts";
export { IDLE_CLOSE_CODE, SHUTDOWN_CLOSE_CODE } from "./ws.ts";
