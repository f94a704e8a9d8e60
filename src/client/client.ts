/**
 * WebSocket client for OpenEnv servers (ours or Python ones). Unlike OpenEnv's own client, every
 * request carries an `id` and its reply is matched by it, so a timed-out request cannot make later
 * replies land on the wrong call. Against servers that do not echo ids (profile "openenv": no ids
 * are sent, since OpenEnv rejects unknown frame keys), replies are matched in order and the reply
 * of a timed-out request is still consumed and dropped when it arrives.
 */
import WebSocket from "ws";
import { CodeActError, type ErrorCode } from "../../sandbox/index.ts";
import type {
  Action,
  CallToolObservation,
  EnvState,
  ListToolsObservation,
  ResetOptions,
  StepResult,
  ToolInfo,
} from "../env/types.ts";
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
  return new CodeActError(WIRE_TO_CODE[wire] ?? "UPSTREAM", `Server error: ${message} (code: ${wire})`, {
    details: { ...data, wire_code: wire },
  });
}

export class EnvClient implements AsyncDisposable {
  readonly #socket: WebSocket;
  readonly #base: string;
  readonly #timeoutMs: number;
  readonly #sendIds: boolean;
  readonly #pending: Pending[] = [];
  /** Ids whose request timed out: their late replies are dropped. */
  readonly #late = new Set<number>();
  #nextId = 1;
  #failure: CodeActError | undefined;
  #closed = false;

  private constructor(socket: WebSocket, options: ClientOptions, base: string) {
    this.#socket = socket;
    this.#base = base;
    this.#timeoutMs = options.timeoutMs ?? 60_000;
    this.#sendIds = (options.profile ?? "default") === "default";
    socket.on("message", (data, isBinary) => this.#onMessage(isBinary ? "" : data.toString("utf8")));
    socket.on("close", (code, reason) => {
      this.#failure ??= new CodeActError(
        "UPSTREAM",
        `Connection closed (code ${code}${reason.length ? `: ${reason}` : ""})`,
      );
      this.#rejectAll(this.#failure);
    });
    socket.on("error", (error) => {
      this.#failure ??= new CodeActError("UPSTREAM", `WebSocket error: ${error.message}`, { cause: error });
    });
  }

  /** Connects to `<url>/ws` (http(s) URLs are converted, a trailing /ws is kept). */
  static async connect(url: string, options: ClientOptions = {}): Promise<EnvClient> {
    const socket = new WebSocket(wsUrl(url), {
      handshakeTimeout: options.connectTimeoutMs ?? 10_000,
      maxPayload: options.maxMessageBytes ?? 100 * 1024 * 1024,
    });
    // Listening before the handshake ends: a capacity error frame can arrive together with it.
    const client = new EnvClient(socket, options, httpBase(url));
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", (error) =>
        reject(
          new CodeActError("UPSTREAM", `Cannot connect to ${wsUrl(url)}: ${error.message}`, { cause: error }),
        ),
      );
    });
    return client;
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
    return reply.sessions.map((s) => HttpSession.attach(this.#base, s.session_id));
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
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.#timeout(entry), this.#timeoutMs);
      const entry: Pending = { id, expect, resolve, reject, timer, timedOut: false };
      this.#pending.push(entry);
      this.#socket.send(JSON.stringify(frame), (error) => {
        if (error)
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
    for (const entry of this.#pending.splice(0)) {
      clearTimeout(entry.timer);
      if (!entry.timedOut) entry.reject(error);
    }
  }
}
