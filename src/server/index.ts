export { type BenchRow, benchServer } from "./bench.ts";
export { benchGradeHttp } from "./bench-grade.ts";
export { benchLayers } from "./bench-layers.ts";
export {
  createForwarder,
  type Forwarder,
  joinCluster,
  runPrimary,
  WORKER_ENV,
  workerIndex,
} from "./cluster.ts";
export { describeFailure, type Failure, type WireErrorCode } from "./errors.ts";
export type { ForkedSession, ForkReply } from "./fork-routes.ts";
export { type GradedItem, MAX_GRADE_ITEMS } from "./grade-routes.ts";
export type { LogLevel } from "./log.ts";
export { MCP_STREAM_PATH } from "./mcp-stream.ts";
export { type Readiness, readiness } from "./ready.ts";
export type { CommandRunResult, RunCodeResponse } from "./run-code.ts";
export { type BatchConfig, type CodeActServer, createServer, type ServerConfig } from "./server.ts";
export { type Session, type SessionKind, SessionManager } from "./sessions.ts";
export { benchSoak, type SoakReport, soakRows } from "./soak.ts";
export { type CheckResult, formatReport, type ValidationReport, validateServer } from "./validate.ts";
export { type Profile, profileObservation, toHttpResult, toWireResult, type WireResult } from "./wire.ts";
export { IDLE_CLOSE_CODE, RESUME_FAILED_CLOSE_CODE, SHUTDOWN_CLOSE_CODE } from "./ws.ts";
