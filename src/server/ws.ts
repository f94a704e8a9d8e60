/**
 * `/ws`: one environment per connection, OpenEnv frames, strictly in order, one reply per request.
 *
 * Deliberate differences from OpenEnv (all invisible to its clients):
 * - a top-level `id` on a frame is echoed on its reply (fixes desync after client timeouts);
 * - a binary frame gets an INVALID_JSON error frame and the session continues (OpenEnv answers
 *   SESSION_ERROR and closes);
 * - a frame over `maxFrameBytes` gets a VALIDATION_ERROR frame and the session continues (frames
 *   over twice the limit are refused by the socket layer with close code 1009);
 * - an idle session is really closed: code 4000, reason "idle timeout"; shutdown closes with 1001.
 */
import type { WSContext, WSEvents } from "hono/ws";
import { describeFailure, errorFrameData, FATAL_WIRE_CODES, type Failure } from "./errors.ts";
import { forkSession, parseForkData } from "./fork-routes.ts";
import { handleRpc } from "./jsonrpc.ts";
import { type OpsContext, runReset, runStep } from "./ops.ts";
import type { Session, SessionManager } from "./sessions.ts";
import { type ClientFrame, parseFrame, toWireResult } from "./wire.ts";

export interface WsContext extends OpsContext {
  readonly sessions: SessionManager;
  readonly maxFrameBytes: number;
}

export const IDLE_CLOSE_CODE = 4000;
export const SHUTDOWN_CLOSE_CODE = 1001;

type Reply = Record<string, unknown>;
type Id = string | number | undefined;

export function wsEvents(ctx: WsContext): WSEvents {
  let session: Session | undefined;
  let reading = true;

  const send = (ws: WSContext, reply: Reply, id: Id) => {
    if (ws.readyState !== 1) return;
    ws.send(JSON.stringify(id === undefined ? reply : { ...reply, id }));
  };
  const sendError = (ws: WSContext, failure: Failure, id: Id) => {
    ctx.metrics.error(failure.wire);
    send(ws, { type: "error", data: errorFrameData(failure) }, id);
  };

  return {
    onOpen(_event, ws) {
      try {
        session = ctx.sessions.open("ws");
      } catch (error) {
        reading = false;
        const failure = describeFailure(error);
        ctx.logger.log("warn", "ws_rejected", { code: failure.wire, message: failure.message });
        sendError(ws, failure, undefined);
        ws.close(1000, failure.wire);
        return;
      }
      const own = session;
      own.onEnd = (reason) => {
        reading = false;
        if (reason === "idle") ws.close(IDLE_CLOSE_CODE, "idle timeout");
        else ws.close(SHUTDOWN_CLOSE_CODE, "server shutting down");
      };
    },
    onMessage(event, ws) {
      const own = session;
      if (!reading || own === undefined || own.closed) return;
      const data: unknown = event.data;
      if (typeof data !== "string") {
        const failure = simpleFailure(
          "INVALID_JSON",
          "Binary frames are not supported: send JSON text frames",
        );
        void own.run(async () => sendError(ws, failure, undefined));
        return;
      }
      const bytes = Buffer.byteLength(data);
      if (bytes > ctx.maxFrameBytes) {
        const failure = simpleFailure(
          "VALIDATION_ERROR",
          `Frame too large: ${bytes} bytes (limit ${ctx.maxFrameBytes})`,
        );
        void own.run(async () => sendError(ws, failure, undefined));
        return;
      }
      const parsed = parseFrame(data);
      if (!parsed.ok) {
        const failure = simpleFailure(
          parsed.code,
          parsed.message,
          parsed.errors ? { errors: parsed.errors } : {},
        );
        void own.run(async () => sendError(ws, failure, parsed.id));
        return;
      }
      if (parsed.frame.type === "close") {
        reading = false;
        void own.run(async () => ws.close(1000, "closed by client"));
        void ctx.sessions.close(own, "client_close");
        return;
      }
      const frame = parsed.frame;
      void own.run(async () => {
        try {
          send(ws, await answer(ctx, own, frame), frame.id);
        } catch (error) {
          const failure = describeFailure(error);
          sendError(ws, failure, frame.id);
          // A fork refused for capacity leaves the parent's own session as it was.
          if (FATAL_WIRE_CODES.has(failure.wire) && frame.type !== "fork") ws.close(1000, failure.wire);
        }
      });
    },
    onClose() {
      reading = false;
      if (session !== undefined) void ctx.sessions.close(session, "disconnect");
    },
    onError(event) {
      ctx.logger.log("warn", "ws_error", { message: String((event as ErrorEvent).error ?? event.type) });
    },
  };
}

function simpleFailure(wire: Failure["wire"], message: string, extra: Record<string, unknown> = {}): Failure {
  return { status: 400, wire, message, extra, code: "INVALID_ARGUMENT" };
}

async function answer(
  ctx: WsContext,
  session: Session,
  frame: Exclude<ClientFrame, { type: "close" }>,
): Promise<Reply> {
  const where = { session_id: session.id, via: "ws" };
  switch (frame.type) {
    case "reset":
      return {
        type: "observation",
        data: toWireResult(await runReset(ctx, session.env, frame.data, where), ctx.profile),
      };
    case "step":
      return {
        type: "observation",
        data: toWireResult(await runStep(ctx, session.env, frame.data, where), ctx.profile),
      };
    case "state":
      return { type: "state", data: session.env.state() };
    case "mcp":
      return { type: "mcp", data: await handleRpc({ ...ctx, own: session }, frame.data) };
    case "fork":
      return { type: "fork", data: await forkSession(ctx, session, parseForkData(frame.data)) };
  }
}
