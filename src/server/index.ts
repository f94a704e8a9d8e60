/**
 * src/server/: the Hono server speaking the OpenEnv wire protocol (/ws, HTTP routes, /mcp, /grade).
 * May import errors/, sandbox/, tasks/, src/env/, src/eval/ and src/web/; never src/cli/ or src/bench/.
 */

export {
  createForwarder,
  type Forwarder,
  joinCluster,
  runPrimary,
  untilStopped,
  WORKER_ENV,
  workerIndex,
} from "./cluster.ts";
export type { Failure, WireErrorCode } from "./errors.ts";
export type { ForkedSession, ForkReply } from "./fork-routes.ts";
export { type GradedItem, MAX_GRADE_ITEMS } from "./grade-routes.ts";
export type { LogLevel } from "./log.ts";
export { MCP_STREAM_PATH } from "./mcp-stream.ts";
export { type Readiness, readiness } from "./ready.ts";
export type { CommandRunResult, RunCodeResponse } from "./run-code.ts";
export { type BatchConfig, type CodeActServer, createServer, type ServerConfig } from "./server.ts";
export type { Profile, WireResult } from "./wire.ts";
export { IDLE_CLOSE_CODE, RESUME_FAILED_CLOSE_CODE, SHUTDOWN_CLOSE_CODE } from "./ws.ts";
