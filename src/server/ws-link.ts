/**
 * The part of a `/ws` session that outlives one socket. When a socket drops without a close
 * handshake (code 1006: a network cut, a proxy restart, a client that stopped answering pings) the
 * session is kept, detached, for a grace period; a new socket opened as `/ws?resume=<session_id>`
 * takes it over. Replies are remembered by frame id, so a frame the client sends again after a
 * resume (because it never saw the reply) is answered from memory instead of running twice.
 */
import type { WSContext } from "hono/ws";
import type { WebSocket } from "ws";
import type { Logger } from "./log.ts";
import type { Session, SessionManager } from "./sessions.ts";

export type Reply = Record<string, unknown>;
export type FrameId = string | number;

export interface WsLinkOptions {
  readonly sessions: SessionManager;
  readonly logger: Logger;
  /** How long a dropped socket's session waits for a resume. */
  readonly resumeGraceMs: number;
  /** Protocol pings every this often; a socket that misses one whole interval is cut (then resumable). */
  readonly pingIntervalMs: number;
  /**
   * Bytes of replies a socket may hold unsent (its client stopped reading) before the session is
   * closed (1008) and ended: without a bound, a client that never reads grows server memory.
   */
  readonly maxSendBufferBytes: number;
}

/**
 * Frames of one session waiting for their turn before the server stops reading its socket (TCP
 * then pushes back on the client); reading resumes when half of them are answered. A client that
 * waits for each reply (every OpenEnv client) never gets near it.
 */
export const MAX_QUEUED_FRAMES = 64;
export const SLOW_READER_CLOSE_CODE = 1008;

/** Replies kept per session for frames sent again after a resume (clients have ~1 in flight). */
const REMEMBERED_REPLIES = 16;

export class WsLink {
  readonly session: Session;
  readonly #links: WsLinks;
  #socket: WSContext | undefined;
  readonly #replies = new Map<string, Promise<Reply | undefined>>();
  #grace: NodeJS.Timeout | undefined;
  #lastId: FrameId | undefined;
  #paused = false;

  constructor(links: WsLinks, session: Session) {
    this.#links = links;
    this.session = session;
  }

  get attached(): boolean {
    return this.#socket !== undefined;
  }

  get lastId(): FrameId | undefined {
    return this.#lastId;
  }

  isCurrent(ws: WSContext): boolean {
    return this.#socket !== undefined && sameSocket(this.#socket, ws);
  }

  /** Sends on whichever socket carries the session now; a reply while detached waits in memory. */
  send(reply: Reply, id: FrameId | undefined): void {
    const ws = this.#socket;
    if (ws === undefined || ws.readyState !== 1) return;
    ws.send(JSON.stringify(id === undefined ? reply : { ...reply, id }));
    const raw = rawOf(ws);
    const limit = this.#links.options.maxSendBufferBytes;
    if (raw !== undefined && raw.bufferedAmount > limit) this.#dropSlowReader(raw, limit);
  }

  /** Stops reading the socket while too many of its frames wait (see MAX_QUEUED_FRAMES). */
  throttle(): void {
    const raw = this.#socket === undefined ? undefined : rawOf(this.#socket);
    if (raw === undefined) return;
    const queued = this.session.pending;
    if (!this.#paused && queued >= MAX_QUEUED_FRAMES) {
      this.#paused = true;
      raw.pause();
    } else if (this.#paused && queued <= MAX_QUEUED_FRAMES / 2) {
      this.#paused = false;
      raw.resume();
    }
  }

  /** The client stopped reading: close with a reason, cut it soon after, end the session. */
  #dropSlowReader(raw: WebSocket, limit: number): void {
    const unsent = raw.bufferedAmount;
    this.#links.options.logger.log("warn", "ws_slow_reader", {
      session_id: this.session.id,
      unsent_bytes: unsent,
    });
    this.#socket = undefined;
    // The close frame queues behind the unread bytes: a client that never reads never sees it.
    raw.close(
      SLOW_READER_CLOSE_CODE,
      `client not reading: ${unsent} bytes of replies unsent (limit ${limit})`,
    );
    setTimeout(() => raw.terminate(), 1000).unref();
    this.session.onEnd = undefined;
    void this.#links.end(this, "slow_reader");
  }

  /** The reply of a frame id seen before (settled or still running), if remembered. */
  replyFor(id: FrameId): Promise<Reply | undefined> | undefined {
    return this.#replies.get(key(id));
  }

  remember(id: FrameId, reply: Promise<Reply | undefined>): void {
    this.#lastId = id;
    this.#replies.set(key(id), reply);
    if (this.#replies.size > REMEMBERED_REPLIES) {
      const oldest = this.#replies.keys().next().value;
      if (oldest !== undefined) this.#replies.delete(oldest);
    }
  }

  /** @internal */ attach(ws: WSContext): void {
    clearTimeout(this.#grace);
    this.#grace = undefined;
    const previous = this.#socket;
    this.#socket = ws;
    // A half-open old socket (the server had not noticed the drop yet) is cut: the new one wins.
    if (previous !== undefined && !sameSocket(previous, ws)) rawOf(previous)?.terminate();
  }

  /** @internal */ detach(ws: WSContext): void {
    if (!this.isCurrent(ws)) return;
    this.#socket = undefined;
    const graceMs = this.#links.options.resumeGraceMs;
    this.#links.options.logger.log("info", "ws_detached", {
      session_id: this.session.id,
      resume_grace_ms: graceMs,
    });
    this.#grace = setTimeout(() => this.#links.end(this, "resume_timeout"), graceMs);
    this.#grace.unref();
  }

  /** @internal */ stop(): void {
    clearTimeout(this.#grace);
    // The socket stays: replies to frames queued before a close frame still go out before it.
    this.#replies.clear();
  }

  /** @internal */ closeSocket(code: number, reason: string): void {
    this.#socket?.close(code, reason);
  }
}

/** Every `/ws` session of one server, by session id. */
export class WsLinks {
  readonly options: WsLinkOptions;
  readonly #links = new Map<string, WsLink>();

  constructor(options: WsLinkOptions) {
    this.options = options;
  }

  get detachedCount(): number {
    let n = 0;
    for (const link of this.#links.values()) if (!link.attached) n += 1;
    return n;
  }

  /** A new session for a new socket (throws the session manager's CAPACITY/DISPOSED errors). */
  open(ws: WSContext): WsLink {
    const link = new WsLink(this, this.options.sessions.open("ws"));
    this.#links.set(link.session.id, link);
    link.attach(ws);
    return link;
  }

  /** Takes a kept session over with a new socket; undefined when it is unknown or already ended. */
  resume(sessionId: string, ws: WSContext): WsLink | undefined {
    const link = this.#links.get(sessionId);
    if (link === undefined || link.session.closed) return undefined;
    link.attach(ws);
    this.options.logger.log("info", "ws_resumed", { session_id: sessionId });
    return link;
  }

  /** Ends the session for good: the socket (if any) is closed by the caller, the environment disposed. */
  end(link: WsLink, reason: string): Promise<void> {
    link.stop();
    this.#links.delete(link.session.id);
    return this.options.sessions.close(link.session, reason);
  }

  /** Forgets every link (the session manager's shutdown disposes their sessions). */
  shutdown(): void {
    for (const link of this.#links.values()) link.stop();
    this.#links.clear();
  }

  /**
   * Pings `ws` every `pingIntervalMs`; one that has not answered the previous ping is terminated,
   * which closes it with 1006 and so detaches (not ends) its session. Returns the stopper.
   */
  keepAlive(ws: WSContext): () => void {
    const raw = rawOf(ws);
    if (raw === undefined) return () => undefined;
    let answered = true;
    const onPong = () => {
      answered = true;
    };
    raw.on("pong", onPong);
    const timer = setInterval(() => {
      if (!answered) {
        this.options.logger.log("info", "ws_ping_timeout", {});
        raw.terminate();
        return;
      }
      answered = false;
      raw.ping();
    }, this.options.pingIntervalMs);
    timer.unref();
    return () => {
      clearInterval(timer);
      raw.off("pong", onPong);
    };
  }
}

function key(id: FrameId): string {
  return `${typeof id}:${id}`;
}

function rawOf(ws: WSContext): WebSocket | undefined {
  return ws.raw as WebSocket | undefined;
}

/** hono makes a new WSContext per event; the underlying `ws` socket is the identity. */
function sameSocket(a: WSContext, b: WSContext): boolean {
  return a.raw !== undefined ? a.raw === b.raw : a === b;
}
