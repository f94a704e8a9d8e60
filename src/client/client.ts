/**
 * WebSocket client for OpenEnv servers (ours or Python ones). Unlike OpenEnv's own client, every
 * request carries an `id` and its reply is matched by it, so a timed-out request cannot make later
 * replies land on the wrong call. Against servers that do not echo ids (profile "openenv": no ids
 * are sent, since OpenEnv rejects unknown frame keys), replies are matched in order and the reply
 * of a timed-out request is still consumed and dropped when it arrives.
 *
 * Against codeact-env servers the client also survives a dropped socket: when the connection ends
 * without a close handshake (code 1006) it reconnects as `/ws?resume=<session_id>` within
 * `reconnectWindowMs` and sends again every request that had no reply, with the same ids (the
 * server answers those it already ran from memory). If the server is gone for good the pending
 * calls fail with one clear error naming the server and the session; nothing hangs.
 */
import WebSocket from "ws";
import { CodeActError, type ErrorCode } from "../../errors/index.ts";
import type {
  Action,
  CallToolObservation,
  EnvState,
  ListToolsObservation,
  ResetOptions,
  StepResult,
  ToolInfo,
} from "../env/types.ts";
import { finerCode } from "./error-codes.ts";
import { type ForkedSessionInfo, HttpSession, httpBase } from "./http-session.ts";

export interface ClientOptions {
  /** Per-request timeout. Default 60 s (OpenEnv's message timeout). */
  timeoutMs?: number;
  /** Handshake timeout. Default 10 s. */
  connectTimeoutMs?: number;
  /** "default": send request ids (codeact-env servers echo them). "openenv": plain OpenEnv frames. */
  profile?: "default" | "openenv";
  /** Largest reply accepted. Default 100 MiB (OpenEnv's client default). */
  maxMessageBytes?: number;
  /**
   * After a dropped socket, keep trying to resume the session for this long. Default 10 s; 0 turns
   * resuming off. Only with profile "default" (OpenEnv servers cannot resume).
   */
  reconnectWindowMs?: number;
  /** Ping the server this often; no pong within one interval counts as a dropped socket. Default 20 s; 0 off. */
  keepAliveMs?: number;
}

export interface JsonRpcRequest {
  method: string;
  params?: Record<string, unknown>;
  id?: string | number | null;
}

export interface JsonRpcResponse {
  jsonrpc: "2.0";
  id: string | number | null;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

interface Pending {
  id: number;
  /** The frame as sent, for sending it again after a resume. */
  text: string;
  expect: string;
  resolve: (data: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
  timedOut: boolean;
}

/** ws://... URL of the `/ws` endpoint, the way OpenEnv's client derives it. */
export function wsUrl(base: string): string {
  let url = base.trim().replace(/\/+$/, "");
  if (url.startsWith("http://")) url = `ws://${url.slice(7)}`;
  else if (url.startsWith("https://")) url = `wss://${url.slice(8)}`;
  else if (!/^wss?:\/\//.test(url)) url = `ws://${url}`;
  return url.endsWith("/ws") ? url : `${url}/ws`;
}

const WIRE_TO_CODE: Readonly<Record<string, ErrorCode>> = {
  VALIDATION_ERROR: "INVALID_ACTION",
  CAPACITY_REACHED: "CAPACITY",
  SESSION_ERROR: "DISPOSED",
};

/** An error frame as a CodeActError; `details.wire_code` is the server's code. */
export function errorFromFrame(data: Record<string, unknown>): CodeActError {
  const wire = typeof data.code === "string" ? data.code : "UNKNOWN";
  const message = typeof data.message === "string" ? data.message : "server error";
  const code = finerCode(data.error_code) ?? WIRE_TO_CODE[wire] ?? "UPSTREAM";
  return new CodeActError(code, `Server error: ${message} (code: ${wire})`, {
    details: { ...data, wire_code: wire },
  });
}

export class EnvClient implements AsyncDisposable {
  /** The base URL this client was opened with. */
  readonly url: string;
  #socket: WebSocket;
  readonly #options: ClientOptions;
  readonly #timeoutMs: number;
  readonly #sendIds: boolean;
  readonly #pending: Pending[] = [];
  /** Ids whose request timed out: their late replies are dropped. */
  readonly #late = new Set<number>();
  #nextId = 1;
  #failure: CodeActError | undefined;
  #closed = false;
  #sessionId: string | undefined;
  #hello: Promise<string | undefined> = Promise.resolve(undefined);
  /** Set while a dropped socket is being replaced; requests wait for it instead of sending. */
  #reconnecting: Promise<void> | undefined;
  #stopKeepAlive: () => void = () => undefined;
  #resolveEnded: (error: CodeActError | undefined) => void = () => undefined;
  /**
   * Settles once this client can no longer be used: with the error when the server was lost (or
   * broke the protocol), with undefined when the caller closed it.
   */
  readonly ended: Promise<CodeActError | undefined> = new Promise((resolve) => {
    this.#resolveEnded = resolve;
  });

  private constructor(url: string, socket: WebSocket, options: ClientOptions) {
    this.url = url;
    this.#socket = socket;
    this.#options = options;
    this.#timeoutMs = options.timeoutMs ?? 60_000;
    this.#sendIds = (options.profile ?? "default") === "default";
    this.#wire(socket);
  }

  /** Connects to `<url>/ws` (http(s) URLs are converted, a trailing /ws is kept). */
  static async connect(url: string, options: ClientOptions = {}): Promise<EnvClient> {
    const socket = await openSocket(wsUrl(url), options);
    const client = new EnvClient(url, socket.ws, options);
    await socket.opened;
    client.#startKeepAlive();
    if (client.#sendIds) {
      // Pipelined: the reply arrives before that of the caller's first request, without a wait.
      client.#hello = client.#request("session", {}, "session").then(
        (data) => {
          const id = (data as { session_id?: unknown }).session_id;
          if (typeof id === "string") client.#sessionId = id;
          return client.#sessionId;
        },
        (error: CodeActError) => {
          // A server that does not know the frame (older, or not codeact-env) still works, unresumable.
          if (error.details?.wire_code === "UNKNOWN_TYPE") return undefined;
          throw error;
        },
      );
      client.#hello.catch(() => undefined);
    }
    return client;
  }

  /**
   * Waits for the server to confirm the session: resolves with its id (undefined when the server
   * does not tell it), rejects like the first request would (CAPACITY when the server is full).
   */
  async opened(): Promise<string | undefined> {
    return this.#hello;
  }

  /** The server's id of this episode's session (known shortly after connecting; undefined for OpenEnv). */
  get sessionId(): string | undefined {
    return this.#sessionId;
  }

  get #resumable(): boolean {
    return this.#sendIds && (this.#options.reconnectWindowMs ?? 10_000) > 0;
  }

  #wire(socket: WebSocket): void {
    socket.on("message", (data, isBinary) => {
      if (socket === this.#socket) this.#onMessage(isBinary ? "" : data.toString("utf8"));
    });
    socket.on("close", (code, reason) => {
      if (socket !== this.#socket) return;
      this.#stopKeepAlive();
      if (code === 1006 && !this.#closed && this.#resumable && this.#sessionId !== undefined) {
        this.#reconnecting ??= this.#reconnect(this.#sessionId);
        return;
      }
      if (code === 1006 && !this.#closed && this.#resumable) {
        this.#failure ??= new CodeActError(
          "UPSTREAM",
          `Lost the server at ${this.url}: the connection dropped before the session was confirmed`,
          { details: { url: this.url } },
        );
      }
      this.#failure ??= new CodeActError(
        "UPSTREAM",
        `Connection closed (code ${code}${reason.length ? `: ${reason}` : ""})`,
      );
      this.#rejectAll(this.#failure);
    });
    socket.on("error", (error) => {
      if (socket !== this.#socket) return;
      this.#failure ??= new CodeActError("UPSTREAM", `WebSocket error: ${error.message}`, { cause: error });
    });
  }

  /** Opens `/ws?resume=<id>` until it works or the window passes, then re-sends unanswered requests. */
  async #reconnect(sessionId: string): Promise<void> {
    const windowMs = this.#options.reconnectWindowMs ?? 10_000;
    const deadline = Date.now() + windowMs;
    let delayMs = 50;
    let last = "no attempt";
    while (!this.#closed) {
      const url = `${wsUrl(this.url)}?resume=${encodeURIComponent(sessionId)}`;
      const outcome = await resumeOnce(url, this.#options);
      if (outcome.ok && this.#closed) {
        outcome.ws.terminate(); // closed by the caller meanwhile
        break;
      }
      if (outcome.ok) {
        this.#socket = outcome.ws;
        outcome.ws.off("message", outcome.collect);
        this.#wire(outcome.ws);
        this.#reconnecting = undefined;
        this.#startKeepAlive();
        for (const text of outcome.early) this.#onMessage(text);
        for (const entry of this.#pending) if (!entry.timedOut) outcome.ws.send(entry.text);
        return;
      }
      last = outcome.reason;
      if (outcome.final || Date.now() + delayMs > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      delayMs = Math.min(delayMs * 2, 1000);
    }
    this.#reconnecting = undefined;
    this.#failure = new CodeActError(
      "UPSTREAM",
      `Lost the server at ${this.url}: session ${sessionId} could not be resumed within ${windowMs} ms (${last})`,
      { details: { url: this.url, session_id: sessionId } },
    );
    this.#rejectAll(this.#failure);
  }

  #startKeepAlive(): void {
    const everyMs = this.#options.keepAliveMs ?? 20_000;
    if (everyMs <= 0) return;
    const socket = this.#socket;
    let answered = true;
    const onPong = () => {
      answered = true;
    };
    socket.on("pong", onPong);
    const timer = setInterval(() => {
      if (!answered) {
        socket.terminate(); // a silent server: treated like a drop (1006), so resumed if it can be
        return;
      }
      answered = false;
      socket.ping();
    }, everyMs);
    timer.unref();
    this.#stopKeepAlive = () => {
      clearInterval(timer);
      socket.off("pong", onPong);
    };
  }

  get closed(): boolean {
    return this.#closed;
  }

  async reset(options: ResetOptions & Record<string, unknown> = {}): Promise<StepResult> {
    return (await this.#request("reset", { data: options }, "observation")) as StepResult;
  }

  async step(action: Action | Record<string, unknown>): Promise<StepResult> {
    return (await this.#request("step", { data: action }, "observation")) as StepResult;
  }

  async state(): Promise<EnvState> {
    return (await this.#request("state", {}, "state")) as EnvState;
  }

  /** One direct tool call (a `call_tool` step). */
  async call(toolName: string, args: Record<string, unknown> = {}): Promise<StepResult<CallToolObservation>> {
    return (await this.step({
      type: "call_tool",
      tool_name: toolName,
      arguments: args,
    })) as StepResult<CallToolObservation>;
  }

  async listTools(): Promise<ToolInfo[]> {
    const result = (await this.step({ type: "list_tools" })) as StepResult<ListToolsObservation>;
    return result.observation.tools;
  }

  /**
   * Forks this connection's episode (codeact-env servers): `count` children equal to it now, each
   * a stateful HTTP session of the same server; this connection keeps the parent.
   */
  async fork(count = 1): Promise<HttpSession[]> {
    const reply = (await this.#request("fork", { data: { n: count } }, "fork")) as {
      sessions: ForkedSessionInfo[];
    };
    return reply.sessions.map((s) => HttpSession.attach(httpBase(this.url), s.session_id));
  }

  /** A JSON-RPC request in an `mcp` frame (OpenEnv dialect: tools/list, tools/call, ...). */
  async mcp(request: JsonRpcRequest): Promise<JsonRpcResponse> {
    const data = {
      jsonrpc: "2.0",
      method: request.method,
      params: request.params ?? {},
      id: request.id ?? this.#nextId,
    };
    return (await this.#request("mcp", { data }, "mcp")) as JsonRpcResponse;
  }

  /** Sends a close frame and waits (bounded) for the server to close. Harmless twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopKeepAlive();
    const socket = this.#socket;
    if (socket.readyState === WebSocket.OPEN) {
      const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
      socket.send(JSON.stringify({ type: "close" }));
      const timer = setTimeout(() => socket.terminate(), 2000);
      await closed;
      clearTimeout(timer);
    } else if (socket.readyState !== WebSocket.CLOSED) {
      socket.terminate();
    }
    this.#rejectAll(new CodeActError("DISPOSED", "Client closed"));
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #request(type: string, fields: Record<string, unknown>, expect: string): Promise<unknown> {
    if (this.#closed) return Promise.reject(new CodeActError("DISPOSED", "Client closed"));
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    const id = this.#nextId++;
    const frame = this.#sendIds ? { type, ...fields, id } : { type, ...fields };
    const text = JSON.stringify(frame);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.#timeout(entry), this.#timeoutMs);
      const entry: Pending = { id, text, expect, resolve, reject, timer, timedOut: false };
      this.#pending.push(entry);
      // While reconnecting, the frame waits in #pending and goes out once the session is resumed.
      if (this.#reconnecting !== undefined) return;
      this.#socket.send(text, (error) => {
        // A send that fails because the socket dropped is sent again after the resume.
        if (error && this.#reconnecting === undefined && !this.#resumable)
          this.#settle(
            entry,
            new CodeActError("UPSTREAM", `Send failed: ${error.message}`, { cause: error }),
          );
      });
    });
  }

  #timeout(entry: Pending): void {
    entry.timedOut = true;
    entry.reject(new CodeActError("TIMEOUT", `No reply within ${this.#timeoutMs} ms`));
    if (this.#sendIds) {
      // Matched by id: forget it now, drop its reply if it ever comes.
      this.#late.add(entry.id);
      this.#remove(entry);
    }
  }

  #onMessage(text: string): void {
    let frame: { type?: unknown; data?: unknown; id?: unknown };
    try {
      frame = JSON.parse(text) as typeof frame;
    } catch {
      this.#failure = new CodeActError("UPSTREAM", "Server sent a frame that is not JSON");
      this.#rejectAll(this.#failure);
      return;
    }
    const entry = this.#match(frame.id);
    const data = (frame.data ?? {}) as Record<string, unknown>;
    if (entry === undefined) {
      // An unsolicited error (capacity, factory) explains the close that follows.
      if (frame.type === "error" && frame.id === undefined) this.#failure = errorFromFrame(data);
      return;
    }
    if (entry.timedOut) return;
    if (frame.type === "error") this.#settle(entry, errorFromFrame(data));
    else if (frame.type !== entry.expect) {
      this.#settle(
        entry,
        new CodeActError("UPSTREAM", `Expected a '${entry.expect}' reply, got '${String(frame.type)}'`),
      );
    } else this.#settle(entry, undefined, frame.data);
  }

  #match(id: unknown): Pending | undefined {
    if (typeof id === "number") {
      if (this.#late.delete(id)) return undefined;
      const entry = this.#pending.find((p) => p.id === id);
      if (entry !== undefined) this.#remove(entry);
      return entry;
    }
    return this.#pending.shift();
  }

  #settle(entry: Pending, error: Error | undefined, data?: unknown): void {
    clearTimeout(entry.timer);
    this.#remove(entry);
    if (error !== undefined) entry.reject(error);
    else entry.resolve(data);
  }

  #remove(entry: Pending): void {
    const index = this.#pending.indexOf(entry);
    if (index >= 0) this.#pending.splice(index, 1);
  }

  #rejectAll(error: CodeActError): void {
    this.#stopKeepAlive();
    this.#resolveEnded(this.#closed ? undefined : error);
    for (const entry of this.#pending.splice(0)) {
      clearTimeout(entry.timer);
      if (!entry.timedOut) entry.reject(error);
    }
  }
}

function openSocket(url: string, options: ClientOptions): { ws: WebSocket; opened: Promise<void> } {
  const ws = new WebSocket(url, {
    handshakeTimeout: options.connectTimeoutMs ?? 10_000,
    maxPayload: options.maxMessageBytes ?? 100 * 1024 * 1024,
  });
  const opened = new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", (error) =>
      reject(new CodeActError("UPSTREAM", `Cannot connect to ${url}: ${error.message}`, { cause: error })),
    );
  });
  return { ws, opened };
}

type ResumeOutcome =
  | { ok: true; ws: WebSocket; early: string[]; collect: (data: WebSocket.RawData) => void }
  | { ok: false; final: boolean; reason: string };

/** One resume attempt: the server's first frame says whether it took the session over. */
async function resumeOnce(url: string, options: ClientOptions): Promise<ResumeOutcome> {
  const { ws, opened } = openSocket(url, options);
  // Frames after the first one (a reply that was in flight during the drop) may arrive in the same
  // tick: keep them for the client, which takes the socket over synchronously after this returns.
  const early: string[] = [];
  let onFirst: (text: string) => void = () => undefined;
  const first = new Promise<string>((resolve) => {
    onFirst = resolve;
    ws.once("close", (code) => resolve(`closed ${code}`));
  });
  let seenFirst = false;
  const collect = (data: WebSocket.RawData) => {
    if (seenFirst) early.push(data.toString());
    else {
      seenFirst = true;
      onFirst(data.toString());
    }
  };
  ws.on("message", collect);
  try {
    await opened;
  } catch (error) {
    ws.terminate();
    return { ok: false, final: false, reason: (error as Error).message };
  }
  const text = await first;
  let frame: { type?: unknown; data?: { message?: unknown } } = {};
  try {
    frame = JSON.parse(text) as typeof frame;
  } catch {
    // not JSON: reported below
  }
  if (frame.type === "resumed") return { ok: true, ws, early, collect };
  ws.terminate();
  const message = typeof frame.data?.message === "string" ? frame.data.message : text;
  // The server answered and refused: the session is gone, retrying cannot help.
  return { ok: false, final: frame.type === "error", reason: message };
}
