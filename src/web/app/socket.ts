/**
 * The page's /ws connection: request/reply with ids, reconnect with backoff. The server keeps one
 * episode per connection, so a dropped socket means the episode is gone; the page is told so.
 */
import { isRecord } from "./dom.ts";

export interface ServerFrame {
  type: string;
  data: unknown;
  id?: unknown;
}

export type ConnectionStatus = "connecting" | "open" | "closed";

export interface ConnectionEvents {
  status(status: ConnectionStatus, detail: string): void;
  /** The socket dropped after having been open: server-side episode state is lost. */
  lost(code: number, reason: string, byUs: boolean): void;
  /** The socket is open; `afterLoss` when an earlier connection had dropped. */
  opened(afterLoss: boolean): void;
}

interface Pending {
  resolve(frame: ServerFrame): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

const MAX_BACKOFF_MS = 5_000;

export class Connection {
  readonly #url: string;
  readonly #events: ConnectionEvents;
  readonly #pending = new Map<string, Pending>();
  #ws: WebSocket | undefined;
  #nextId = 1;
  #attempt = 0;
  #everOpened = false;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** The socket being closed by abort(): reconnect at once, and say it was us. */
  #aborting: WebSocket | undefined;

  constructor(url: string, events: ConnectionEvents) {
    this.#url = url;
    this.#events = events;
  }

  get isOpen(): boolean {
    return this.#ws?.readyState === WebSocket.OPEN;
  }

  connect(): void {
    this.#events.status("connecting", this.#attempt === 0 ? "Connecting…" : "Reconnecting…");
    const ws = new WebSocket(this.#url);
    this.#ws = ws;
    ws.addEventListener("open", () => {
      this.#attempt = 0;
      this.#events.status("open", "Connected");
      const afterLoss = this.#everOpened;
      this.#everOpened = true;
      this.#events.opened(afterLoss);
    });
    ws.addEventListener("message", (event) => {
      if (this.#ws === ws) this.#onMessage(event.data); // a stopped socket's late replies are stale
    });
    ws.addEventListener("close", (event) => this.#onClose(ws, event.code, event.reason));
  }

  /** Sends one frame and resolves with its reply (error frames resolve too: they are answers). */
  request(frame: { type: string; data?: unknown }, timeoutMs = 300_000): Promise<ServerFrame> {
    const ws = this.#ws;
    if (ws === undefined || ws.readyState !== WebSocket.OPEN) {
      return Promise.reject(new Error("not connected to the server"));
    }
    const id = `p${this.#nextId++}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`no reply from the server after ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      ws.send(JSON.stringify({ ...frame, id }));
    });
  }

  #onMessage(raw: unknown): void {
    let frame: unknown;
    try {
      frame = JSON.parse(String(raw));
    } catch {
      return;
    }
    if (!isRecord(frame) || typeof frame.type !== "string") return;
    // Replies carry our id back; a server that does not echo ids answers in order.
    const key =
      typeof frame.id === "string" && this.#pending.has(frame.id)
        ? frame.id
        : this.#pending.keys().next().value;
    if (key === undefined) return;
    const pending = this.#pending.get(key);
    this.#pending.delete(key);
    if (pending === undefined) return;
    clearTimeout(pending.timer);
    pending.resolve({ type: frame.type, data: frame.data, id: frame.id });
  }

  /**
   * Drops the connection and opens a new one at once. The protocol has no way to cancel one step,
   * so this is how the page stops a long cell: the server ends the session (and its episode).
   */
  abort(): void {
    const ws = this.#ws;
    if (ws === undefined) return;
    this.#aborting = ws;
    ws.close(4001, "stopped by the user");
    // The close event arrives after the server answers the close frame; do not wait for it.
    this.#onClose(ws, 4001, "stopped by the user");
  }

  #onClose(ws: WebSocket, code: number, reason: string): void {
    if (this.#ws !== ws) return;
    this.#ws = undefined;
    const byUs = this.#aborting === ws;
    this.#aborting = undefined;
    for (const [key, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.reject(new Error("the connection to the server was lost"));
      this.#pending.delete(key);
    }
    const wasOpen = this.#attempt === 0 && this.#everOpened;
    const delay = byUs
      ? 0
      : Math.min(MAX_BACKOFF_MS, 250 * 2 ** this.#attempt) + Math.floor(Math.random() * 150);
    if (!byUs) this.#attempt++;
    this.#events.status("closed", `Disconnected — retrying in ${(delay / 1000).toFixed(1)} s`);
    if (wasOpen) this.#events.lost(code, reason, byUs);
    this.#retryTimer = setTimeout(() => this.connect(), delay);
  }

  /** Stops reconnecting and closes the socket (page unload). */
  close(): void {
    clearTimeout(this.#retryTimer);
    this.#ws?.close(1000);
    this.#ws = undefined;
  }
}
