/**
 * `/ws`: one environment per connection, OpenEnv frames, strictly in order, one reply per request.
 *
 * Deliberate differences from OpenEnv (all invisible to its clients):
 * - a top-level `id` on a frame is echoed on its reply (fixes desync after client timeouts);
 * - a binary frame gets an INVALID_JSON error frame and the session continues (OpenEnv answers
 *   SESSION_ERROR and closes);
 * - a frame over `maxFrameBytes` gets a VALIDATION_ERROR frame and the session continues (frames
 *   over twice the limit are refused by the socket layer with close code 1009);
 * - an idle session is really closed: code 4000, reason "idle timeout"; shutdown closes with 1001;
 * - a socket that drops without a close handshake leaves its session resumable for a grace period
 *   (`/ws?resume=<id>`, see ws-link.ts); `{"type":"session"}` answers the id to resume by; the
 *   server pings every socket so idle connections survive proxies and dead ones are noticed;
 * - a clean disconnect is one info log line (`session_close`), never an error.
 */
import type { WSContext, WSEvents } from "hono/ws";
import { CodeActError } from "../../errors/index.ts";
import { formatValidationIssues, parseAction } from "../env/index.ts";
import { describeFailure, errorFrameData, FATAL_WIRE_CODES, type Failure } from "./errors.ts";
import { forkSession, parseForkData } from "./fork-routes.ts";
import { handleRpc } from "./jsonrpc.ts";
import { type OpsContext, runReset, runStep } from "./ops.ts";
import type { SessionManager } from "./sessions.ts";
import { type ClientFrame, parseFrame, toWireResult } from "./wire.ts";
import type { Reply, WsLink, WsLinks } from "./ws-link.ts";

export interface WsContext extends OpsContext {
  readonly sessions: SessionManager;
  readonly links: WsLinks;
  readonly maxFrameBytes: number;
  /** `/ws?resume=<session_id>`: this socket takes over a kept session instead of opening one. */
  readonly resumeId?: string | undefined;
}

export const IDLE_CLOSE_CODE = 4000;
export const SHUTDOWN_CLOSE_CODE = 1001;
/** `/ws?resume=<id>` named a session that cannot be resumed. */
export const RESUME_FAILED_CLOSE_CODE = 4004;
const ABNORMAL_CLOSE = 1006;

type Id = string | number | undefined;

export function wsEvents(ctx: WsContext): WSEvents {
  let link: WsLink | undefined;
  let reading = true;
  let stopPings: () => void = () => undefined;

  const sendError = (ws: WSContext, failure: Failure, id: Id) => {
    ctx.metrics.error(failure.wire);
    const reply = { type: "error", data: errorFrameData(failure) };
    if (link !== undefined) link.send(reply, id);
    else if (ws.readyState === 1) ws.send(JSON.stringify(id === undefined ? reply : { ...reply, id }));
  };

  return {
    onOpen(_event, ws) {
      const opened = openLink(ctx, ws);
      if (!opened.ok) {
        reading = false;
        ctx.logger.log("warn", "ws_rejected", { code: opened.failure.wire, message: opened.failure.message });
        sendError(ws, opened.failure, undefined);
        ws.close(opened.closeCode, opened.failure.wire);
        return;
      }
      const own = opened.link;
      link = own;
      own.session.onEnd = (reason) => {
        reading = false;
        if (reason === "idle") own.closeSocket(IDLE_CLOSE_CODE, "idle timeout");
        else own.closeSocket(SHUTDOWN_CLOSE_CODE, "server shutting down");
      };
      stopPings = ctx.links.keepAlive(ws);
      if (ctx.resumeId !== undefined) {
        const lastId = own.lastId;
        own.send(
          { type: "resumed", data: { session_id: own.session.id, last_id: lastId ?? null } },
          undefined,
        );
      }
    },
    onMessage(event, ws) {
      const own = link;
      if (!reading || own === undefined || own.session.closed || !own.isCurrent(ws)) return;
      const data: unknown = event.data;
      if (typeof data !== "string") {
        const failure = simpleFailure(
          "INVALID_JSON",
          "Binary frames are not supported: send JSON text frames",
        );
        void own.session.run(async () => sendError(ws, failure, undefined));
        return;
      }
      const bytes = Buffer.byteLength(data);
      if (bytes > ctx.maxFrameBytes) {
        const failure = simpleFailure(
          "VALIDATION_ERROR",
          `Frame too large: ${bytes} bytes (limit ${ctx.maxFrameBytes})`,
        );
        void own.session.run(async () => sendError(ws, failure, undefined));
        return;
      }
      const parsed = parseFrame(data);
      if (!parsed.ok) {
        const failure = simpleFailure(
          parsed.code,
          parsed.message,
          parsed.errors ? { errors: parsed.errors } : {},
        );
        void own.session.run(async () => sendError(ws, failure, parsed.id));
        return;
      }
      if (parsed.frame.type === "close") {
        reading = false;
        void own.session.run(async () => ws.close(1000, "closed by client"));
        void ctx.links.end(own, "client_close");
        return;
      }
      const frame = parsed.frame;
      // A frame id seen before (sent again after a resume): answer from memory, never run twice.
      const seen = frame.id === undefined ? undefined : own.replyFor(frame.id);
      if (seen !== undefined) {
        void seen.then((reply) => reply !== undefined && own.send(reply, frame.id));
        return;
      }
      const invalid = frame.type === "step" ? validateAtEdge(frame) : undefined;
      const reply = own.session.run(async (): Promise<Reply | undefined> => {
        try {
          if (invalid !== undefined) throw invalid;
          const answered = await answer(ctx, own, frame);
          own.send(answered, frame.id);
          return answered;
        } catch (error) {
          const failure = describeFailure(error);
          if (invalid !== undefined) {
            ctx.logger.log("warn", "step_failed", {
              session_id: own.session.id,
              via: "ws",
              kind: "invalid",
              code: failure.wire,
            });
          }
          sendError(ws, failure, frame.id);
          // A fork refused for capacity leaves the parent's own session as it was.
          if (FATAL_WIRE_CODES.has(failure.wire) && frame.type !== "fork")
            own.closeSocket(1000, failure.wire);
          return { type: "error", data: errorFrameData(failure) };
        }
      });
      if (frame.id !== undefined) own.remember(frame.id, reply);
      own.throttle();
      void reply.finally(() => own.throttle());
    },
    onClose(event, ws) {
      stopPings();
      const own = link;
      if (own === undefined || !own.isCurrent(ws)) return; // replaced by a resume, or never opened
      if (!reading || own.session.closed) return;
      reading = false;
      // No close handshake (1006): the network dropped it. Keep the episode for a resume.
      if (event.code === ABNORMAL_CLOSE) own.detach(ws);
      else void ctx.links.end(own, "disconnect");
    },
    onError(event) {
      ctx.logger.log("info", "ws_error", { message: String((event as ErrorEvent).error ?? event.type) });
    },
  };
}

type Opened = { ok: true; link: WsLink } | { ok: false; failure: Failure; closeCode: number };

function openLink(ctx: WsContext, ws: WSContext): Opened {
  if (ctx.resumeId === undefined) {
    try {
      return { ok: true, link: ctx.links.open(ws) };
    } catch (error) {
      return { ok: false, failure: describeFailure(error), closeCode: 1000 };
    }
  }
  const link = ctx.links.resume(ctx.resumeId, ws);
  if (link !== undefined) return { ok: true, link };
  const failure: Failure = {
    status: 410,
    wire: "SESSION_ERROR",
    message: `Cannot resume session ${ctx.resumeId}: it is unknown here, ended, or its grace period passed`,
    extra: { session_id: ctx.resumeId },
    code: "DISPOSED",
  };
  return { ok: false, failure, closeCode: RESUME_FAILED_CLOSE_CODE };
}

/**
 * The edge of a step: its action is validated here, once, as the frame arrives (the frame keeps
 * the frozen action parseAction made, which env.step does not validate again). Returns the error
 * to answer, in the frame's turn, when the action is invalid.
 */
function validateAtEdge(frame: { data: Record<string, unknown> }): CodeActError | undefined {
  const parsed = parseAction(frame.data);
  if (parsed.ok) {
    frame.data = parsed.action as unknown as Record<string, unknown>;
    return undefined;
  }
  return new CodeActError("INVALID_ACTION", `Invalid action: ${formatValidationIssues(parsed.errors)}`, {
    details: { errors: parsed.errors },
  });
}

function simpleFailure(wire: Failure["wire"], message: string, extra: Record<string, unknown> = {}): Failure {
  return { status: 400, wire, message, extra, code: "INVALID_ARGUMENT" };
}

async function answer(
  ctx: WsContext,
  link: WsLink,
  frame: Exclude<ClientFrame, { type: "close" }>,
): Promise<Reply> {
  const session = link.session;
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
    case "session":
      return {
        type: "session",
        data: { session_id: session.id, resume_grace_ms: ctx.links.options.resumeGraceMs },
      };
  }
}
