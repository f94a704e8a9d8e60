/**
 * src/client/: talking to a server: the TS client, the replica pool, the wire-protocol checker.
 * May import errors/ and types of src/env/ only (importing it loads no sandbox; test/package).
 */
export { CodeActError, type ErrorCode, isCodeActError } from "../../errors/index.ts";
export type {
  CallToolObservation,
  CodeObservation,
  EnvState,
  Observation,
  StepResult,
  ToolInfo,
} from "../env/types.ts";
export { type CheckResult, formatReport, type ValidationReport, validateServer } from "./check-server.ts";
export {
  type ClientOptions,
  EnvClient,
  errorFromFrame,
  type JsonRpcRequest,
  type JsonRpcResponse,
  wsUrl,
} from "./client.ts";
export { type ForkedSessionInfo, HttpSession, httpBase } from "./http-session.ts";
export { EnvPool, type EnvPoolOptions, type ReplicaStatus } from "./pool.ts";
