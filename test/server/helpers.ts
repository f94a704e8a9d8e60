/** Real servers on 127.0.0.1 with real CodeActEnv (isolated-vm) and raw `ws` sockets. */
import WebSocket from "ws";
import { liveSandboxCount, shutdownEngines } from "../../sandbox/index.ts";
import { CodeActEnv, type EnvOptions } from "../../src/env/index.ts";
import { type CodeActServer, createServer, type ServerConfig } from "../../src/server/index.ts";

export type TestServer = CodeActServer & { url: string; wsUrl: string };

export async function startServer(
  overrides: Partial<ServerConfig> = {},
  envOptions: EnvOptions = {},
): Promise<TestServer> {
  const server = createServer({
    port: 0,
    logLevel: "silent",
    createEnv: () => new CodeActEnv({ engine: "isolated-vm", ...envOptions }),
    ...overrides,
  });
  const { url } = await server.start();
  return Object.assign(server, { url, wsUrl: `${url.replace(/^http/, "ws")}/ws` });
}

/** Stops the sandbox worker pools once a test file is done; no sandbox may outlive its server. */
export async function stopEngines(): Promise<void> {
  const live = liveSandboxCount();
  await shutdownEngines();
  if (live !== 0) throw new Error(`${live} sandbox(es) still live after the tests`);
}

/** A raw WebSocket with an inbox of parsed frames. */
export class RawSocket {
  readonly ws: WebSocket;
  readonly frames: Array<Record<string, unknown>> = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  #waiters: Array<() => void> = [];

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on("message", (data) => {
      this.frames.push(JSON.parse(data.toString()) as Record<string, unknown>);
      for (const w of this.#waiters.splice(0)) w();
    });
    this.closed = new Promise((resolve) => {
      ws.once("close", (code, reason) => {
        for (const w of this.#waiters.splice(0)) w();
        resolve({ code, reason: reason.toString() });
      });
    });
  }

  static async open(url: string): Promise<RawSocket> {
    const ws = new WebSocket(url);
    const socket = new RawSocket(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    return socket;
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === "string" || Buffer.isBuffer(frame) ? frame : JSON.stringify(frame));
  }

  /** Waits for the next unread frame. */
  async next(timeoutMs = 20_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    while (this.frames.length === 0) {
      if (this.ws.readyState === WebSocket.CLOSED) throw new Error("socket closed");
      if (Date.now() > deadline) throw new Error("no frame in time");
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.frames.shift() as Record<string, unknown>;
  }

  async request(frame: unknown): Promise<Record<string, unknown>> {
    this.send(frame);
    return this.next();
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    this.ws.close();
    await this.closed;
  }
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return readResponse(response);
}

export async function getJson(url: string) {
  return readResponse(await fetch(url));
}

/** Status, body text, the body as JSON (undefined when it is not JSON) and headers. */
async function readResponse(response: Response) {
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, json: json as Record<string, unknown>, text, headers: response.headers };
}

/** Polls until `fn` is true (for effects that happen after a reply, like freeing a slot). */
export async function eventually(fn: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
