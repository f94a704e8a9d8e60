/**
 * Standard MCP (Streamable HTTP, official SDK) at `/mcp/stream`. Each MCP session is backed by its
 * own environment and exposes the environment's TOOLS plus `run_code` (a cell in the session's
 * sandbox, mcp-run-code.ts); no reset/step (OpenEnv RFC 001/002: agents never reset their own
 * episode). MCP sessions share capacity and the idle timeout with
 * every other session.
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import {
  CallToolRequestSchema,
  isInitializeRequest,
  ListToolsRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";
import type { Context, Hono } from "hono";
import { describeFailure, errorFrameData, JSONRPC, RETRY_AFTER_S } from "./errors.ts";
import { JsonDepthError, parseJson } from "./json.ts";
import { rpcError } from "./jsonrpc.ts";
import { callRunCode, RUN_CODE_TOOL, runCodeToolInfo } from "./mcp-run-code.ts";
import type { OpsContext } from "./ops.ts";
import type { Session, SessionManager } from "./sessions.ts";

export const MCP_STREAM_PATH = "/mcp/stream";

export interface McpStreamContext extends OpsContext {
  readonly sessions: SessionManager;
  readonly maxBodyBytes: number;
  readonly serverName: string;
  readonly serverVersion: string;
}

interface Entry {
  transport: WebStandardStreamableHTTPServerTransport;
  server: McpServer;
  session: Session;
}

/** Mounts the endpoint; returns a function that ends every MCP session (for shutdown). */
export function registerMcpStream(app: Hono, ctx: McpStreamContext): () => Promise<void> {
  const entries = new Map<string, Entry>();

  const end = async (entry: Entry, reason: string) => {
    entries.delete(entry.session.id);
    await ctx.sessions.close(entry.session, reason);
    await entry.server.close().catch(() => undefined);
  };

  app.all(MCP_STREAM_PATH, async (c) => {
    const sessionId = c.req.header("mcp-session-id");
    if (sessionId !== undefined) {
      const entry = entries.get(sessionId);
      if (entry === undefined)
        return c.json(rpcError(null, JSONRPC.INVALID_REQUEST, "Unknown or expired MCP session"), 404);
      if (c.req.method !== "POST") return entry.transport.handleRequest(c.req.raw);
      // Parsed here, with the nesting limit: the SDK's own parse has none.
      let body: unknown;
      try {
        body = parseJson(await c.req.text());
      } catch (error) {
        const why = error instanceof JsonDepthError ? `: ${error.message}` : "";
        return c.json(rpcError(null, JSONRPC.PARSE_ERROR, `Parse error${why}`), 400);
      }
      return entry.transport.handleRequest(c.req.raw, { parsedBody: body });
    }
    if (c.req.method !== "POST") {
      return c.json(rpcError(null, JSONRPC.INVALID_REQUEST, "Missing mcp-session-id header"), 400);
    }
    return initialize(c, ctx, entries, end);
  });

  return async () => {
    await Promise.all([...entries.values()].map((entry) => end(entry, "shutdown")));
  };
}

async function initialize(
  c: Context,
  ctx: McpStreamContext,
  entries: Map<string, Entry>,
  end: (entry: Entry, reason: string) => Promise<void>,
): Promise<Response> {
  let body: unknown;
  try {
    body = parseJson(await c.req.text());
  } catch (error) {
    const why = error instanceof JsonDepthError ? `: ${error.message}` : "";
    return c.json(rpcError(null, JSONRPC.PARSE_ERROR, `Parse error${why}`), 400);
  }
  if (!isInitializeRequest(body)) {
    return c.json(
      rpcError(null, JSONRPC.INVALID_REQUEST, "First request of an MCP session must be initialize"),
      400,
    );
  }
  let session: Session;
  try {
    session = ctx.sessions.open("mcp_stream");
  } catch (error) {
    const failure = describeFailure(error);
    ctx.metrics.error(failure.wire);
    const id = (body as { id?: string | number }).id ?? null;
    return c.json(rpcError(id, JSONRPC.SERVER_ERROR, failure.message, errorFrameData(failure)), 503, {
      "Retry-After": String(RETRY_AFTER_S),
    });
  }
  const server = toolServer(ctx, session);
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: () => session.id,
    enableJsonResponse: true,
    maxRequestBodySize: ctx.maxBodyBytes,
  });
  const entry: Entry = { transport, server, session };
  entries.set(session.id, entry);
  transport.onclose = () => void end(entry, "mcp_closed");
  session.onEnd = () => void transport.close();
  await server.connect(transport);
  return transport.handleRequest(c.req.raw, { parsedBody: body });
}

function toolServer(ctx: McpStreamContext, session: Session): McpServer {
  const mcp = new McpServer(
    { name: ctx.serverName, version: ctx.serverVersion },
    { capabilities: { tools: { listChanged: false } } },
  );
  mcp.server.setRequestHandler(ListToolsRequestSchema, async () => {
    const tools = await session.run(async () => session.env.tools());
    return {
      tools: [
        runCodeToolInfo(tools),
        ...tools
          .filter((t) => t.name !== RUN_CODE_TOOL)
          .map((t) => ({
            name: t.name,
            description: t.description,
            inputSchema: { type: "object" as const, ...t.input_schema },
          })),
      ],
    };
  });
  mcp.server.setRequestHandler(CallToolRequestSchema, async (request) => {
    if (request.params.name === RUN_CODE_TOOL) return callRunCode(session, request.params.arguments ?? {});
    try {
      // A tool call, not a step: MCP agents never step, so it uses no step budget.
      const observation = await session.run(() =>
        session.env.callTool(request.params.name, request.params.arguments ?? {}),
      );
      if (observation.error)
        return { content: [{ type: "text" as const, text: observation.error.message }], isError: true };
      const value = observation.result;
      const text = typeof value === "string" ? value : (JSON.stringify(value) ?? "null");
      const structured = typeof value === "object" && value !== null && !Array.isArray(value);
      return {
        content: [{ type: "text" as const, text }],
        ...(structured ? { structuredContent: value as Record<string, unknown> } : {}),
        isError: false,
      };
    } catch (error) {
      return { content: [{ type: "text" as const, text: describeFailure(error).message }], isError: true };
    }
  });
  return mcp;
}
