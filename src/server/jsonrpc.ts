/**
 * OpenEnv's private JSON-RPC dialect (`POST /mcp` and `mcp` frames on /ws): tools/list,
 * tools/call, openenv/session/create, openenv/session/close, with the error codes of the protocol
 * description (section 3.7). Replies always come back as a JSON-RPC response object.
 */
import { z } from "zod";
import type { Environment } from "../env/types.ts";
import { describeFailure, JSONRPC, jsonRpcCodeFor } from "./errors.ts";
import type { OpsContext } from "./ops.ts";
import type { Session, SessionManager } from "./sessions.ts";

type RpcId = string | number | null;

export interface RpcResponse {
  jsonrpc: "2.0";
  id: RpcId;
  result?: unknown;
  error?: { code: number; message: string; data: unknown };
}

const requestSchema = z
  .object({
    jsonrpc: z.literal("2.0"),
    method: z.string(),
    params: z.record(z.string(), z.unknown()).default({}),
    id: z.union([z.string(), z.number().int(), z.null()]).optional(),
  })
  .strict();

export interface RpcContext extends OpsContext {
  readonly sessions: SessionManager;
  /** The WebSocket's own session, when the request arrived as an `mcp` frame. */
  readonly own?: Session;
}

class RpcError extends Error {
  readonly code: number;
  readonly data: unknown;
  constructor(code: number, message: string, data: unknown = null) {
    super(message);
    this.code = code;
    this.data = data;
  }
}

export function rpcError(id: RpcId, code: number, message: string, data: unknown = null): RpcResponse {
  return { jsonrpc: "2.0", id, error: { code, message, data } };
}

/** Handles one already-parsed JSON-RPC payload. Never throws. */
export async function handleRpc(ctx: RpcContext, payload: unknown): Promise<RpcResponse> {
  if (Array.isArray(payload)) return rpcError(null, JSONRPC.PARSE_ERROR, "Parse error");
  const parsed = requestSchema.safeParse(payload);
  if (!parsed.success) {
    const detail = parsed.error.issues
      .map((i) => `${i.path.join(".") || "request"}: ${i.message}`)
      .join("; ");
    return rpcError(null, JSONRPC.INVALID_REQUEST, `Invalid request: ${detail}`);
  }
  const { method, params } = parsed.data;
  const id = parsed.data.id ?? null;
  try {
    return { jsonrpc: "2.0", id, result: await dispatch(ctx, method, params) };
  } catch (error) {
    if (error instanceof RpcError) return rpcError(id, error.code, error.message, error.data);
    const failure = describeFailure(error);
    ctx.metrics.error(failure.wire);
    const data = Object.keys(failure.extra).length > 0 ? failure.extra : null;
    return rpcError(id, jsonRpcCodeFor(failure), failure.message, data);
  }
}

async function dispatch(ctx: RpcContext, method: string, params: Record<string, unknown>): Promise<unknown> {
  switch (method) {
    case "tools/list":
      return withEnv(ctx, params, async (env) => ({ tools: env.tools().map(toRpcTool) }));
    case "tools/call":
      return callTool(ctx, params);
    case "openenv/session/create":
      return createSession(ctx);
    case "openenv/session/close":
      return closeSession(ctx, params);
    default:
      throw new RpcError(JSONRPC.METHOD_NOT_FOUND, `Method not found: ${method}`);
  }
}

/** MCP 1.x spelling (what OpenEnv's lockfiles pin); OpenEnv's MCPToolClient reads either. */
function toRpcTool(tool: { name: string; description: string; input_schema: Record<string, unknown> }) {
  return { name: tool.name, description: tool.description, inputSchema: tool.input_schema };
}

async function callTool(ctx: RpcContext, params: Record<string, unknown>): Promise<unknown> {
  const name = params.name;
  if (typeof name !== "string" || name === "")
    throw new RpcError(JSONRPC.INVALID_PARAMS, "Missing 'name' in params");
  const args = params.arguments ?? {};
  if (typeof args !== "object" || args === null || Array.isArray(args)) {
    throw new RpcError(JSONRPC.INVALID_PARAMS, "'arguments' must be an object");
  }
  // A tool call, not a step (as in OpenEnv, MCP calls do not change step_count).
  const observation = await withEnv(ctx, params, (env) =>
    env.callTool(name, args as Record<string, unknown>),
  );
  if (observation.error) throw new RpcError(JSONRPC.INTERNAL_ERROR, observation.error.message);
  return flattenToolResult(observation.result);
}

/** The shape of FastMCP's CallToolResult as OpenEnv flattens it (`data` is what clients return). */
export function flattenToolResult(value: unknown) {
  const text = typeof value === "string" ? value : (JSON.stringify(value) ?? "null");
  const structured =
    typeof value === "object" && value !== null && !Array.isArray(value) ? value : { result: value };
  return {
    content: [{ type: "text", text }],
    structured_content: structured,
    meta: null,
    data: value,
    is_error: false,
  };
}

/** Runs `fn` on the named session's env (in its order), the WS's own env, or a fresh env closed after. */
async function withEnv<T>(
  ctx: RpcContext,
  params: Record<string, unknown>,
  fn: (env: Environment, where: Record<string, unknown>) => Promise<T>,
): Promise<T> {
  const sessionId = params.session_id;
  // The WS's own session is already inside its queue: running through it again would deadlock.
  if (ctx.own !== undefined && (sessionId === undefined || sessionId === ctx.own.id)) {
    return fn(ctx.own.env, { session_id: ctx.own.id, via: "ws_mcp" });
  }
  if (sessionId !== undefined) {
    const session = typeof sessionId === "string" ? ctx.sessions.get(sessionId) : undefined;
    if (session === undefined || session.kind === "mcp_stream") {
      throw new RpcError(JSONRPC.INVALID_PARAMS, `Unknown session_id: ${String(sessionId)}`);
    }
    return session.run(() => fn(session.env, { session_id: session.id, via: "jsonrpc" }));
  }
  const env = ctx.sessions.createEnv();
  try {
    return await fn(env, { via: "jsonrpc_stateless" });
  } finally {
    await env.close();
  }
}

function createSession(ctx: RpcContext): { session_id: string } {
  if (ctx.own !== undefined) return { session_id: ctx.own.id };
  return { session_id: ctx.sessions.open("mcp").id };
}

async function closeSession(ctx: RpcContext, params: Record<string, unknown>) {
  const sessionId = params.session_id;
  if (typeof sessionId !== "string" || sessionId === "") {
    throw new RpcError(JSONRPC.INVALID_PARAMS, "Invalid params - 'session_id' is required");
  }
  if (ctx.own?.id === sessionId) {
    throw new RpcError(
      JSONRPC.INVALID_REQUEST,
      "Cannot close the WebSocket's own session; send a close frame",
    );
  }
  const session = ctx.sessions.get(sessionId);
  if (session === undefined || session.kind === "ws" || session.kind === "mcp_stream") {
    throw new RpcError(JSONRPC.INVALID_PARAMS, `Unknown session_id: ${sessionId}`);
  }
  await ctx.sessions.close(session, "rpc_close");
  return { session_id: sessionId, closed: true };
}
