/**
 * A stateful HTTP session of a codeact-env server (`POST /reset {"session": true}`, then
 * `session_id` on every call): what `fork` hands back, one per child. Errors are CodeActErrors
 * whose `details.status` / `details.body` are the server's answer.
 */
import { CodeActError } from "../../errors/index.ts";
import type { Action, EnvState, ResetOptions, StepResult } from "../env/types.ts";
import { finerCode } from "./error-codes.ts";

export interface ForkedSessionInfo {
  session_id: string;
  episode_id: string | null;
  step_count: number;
}

/** http(s):// base URL of a server from any of the URL forms the clients accept. */
export function httpBase(url: string): string {
  let base = url.trim().replace(/\/+$/, "");
  if (base.startsWith("ws://")) base = `http://${base.slice(5)}`;
  else if (base.startsWith("wss://")) base = `https://${base.slice(6)}`;
  else if (!/^https?:\/\//.test(base)) base = `http://${base}`;
  return base.endsWith("/ws") ? base.slice(0, -3) : base;
}

export class HttpSession implements AsyncDisposable {
  readonly base: string;
  readonly sessionId: string;
  #closed = false;

  private constructor(base: string, sessionId: string) {
    this.base = base;
    this.sessionId = sessionId;
  }

  /** Opens a new stateful session with a reset; returns it and the reset's result. */
  static async open(
    url: string,
    options: ResetOptions = {},
  ): Promise<{ session: HttpSession; result: StepResult }> {
    const base = httpBase(url);
    const body = (await call(base, "POST", "/reset", { ...options, session: true })) as StepResult & {
      session_id: string;
    };
    const { session_id, ...result } = body;
    return { session: new HttpSession(base, session_id), result };
  }

  /** A session that already exists on the server (a forked child). */
  static attach(url: string, sessionId: string): HttpSession {
    return new HttpSession(httpBase(url), sessionId);
  }

  get closed(): boolean {
    return this.#closed;
  }

  async reset(options: ResetOptions = {}): Promise<StepResult> {
    const { session_id: _id, ...result } = (await this.#call("POST", "/reset", {
      ...options,
      session_id: this.sessionId,
    })) as StepResult & { session_id?: string };
    return result;
  }

  async step(action: Action | Record<string, unknown>): Promise<StepResult> {
    return (await this.#call("POST", "/step", { action, session_id: this.sessionId })) as StepResult;
  }

  async state(): Promise<EnvState> {
    return (await this.#call("GET", `/state?session_id=${encodeURIComponent(this.sessionId)}`)) as EnvState;
  }

  /** `count` children of this session's episode, each a new session. */
  async fork(count = 1): Promise<HttpSession[]> {
    const reply = (await this.#call("POST", `/sessions/${encodeURIComponent(this.sessionId)}/fork`, {
      n: count,
    })) as { sessions: ForkedSessionInfo[] };
    return reply.sessions.map((s) => new HttpSession(this.base, s.session_id));
  }

  /** Ends the session on the server. Harmless twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await call(this.base, "DELETE", `/sessions/${encodeURIComponent(this.sessionId)}`);
    } catch (error) {
      // Already gone (idle timeout, server restart): closing it is done either way.
      if (!(error instanceof CodeActError && error.details?.status === 404)) throw error;
    }
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #call(method: string, path: string, body?: unknown): Promise<unknown> {
    if (this.#closed) return Promise.reject(new CodeActError("DISPOSED", "Session closed"));
    return call(this.base, method, path, body);
  }
}

async function call(base: string, method: string, path: string, body?: unknown): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(`${base}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new CodeActError("UPSTREAM", `Cannot reach ${base}: ${(error as Error).message}`, { cause: error });
  }
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  if (!response.ok) {
    const detail = (json as { detail?: unknown })?.detail;
    const message = typeof detail === "string" ? detail : JSON.stringify(detail ?? json);
    const status = response.status === 404 ? "NOT_FOUND" : response.status === 503 ? "CAPACITY" : "UPSTREAM";
    const code = finerCode((json as { error_code?: unknown } | null)?.error_code) ?? status;
    throw new CodeActError(code, `Server error ${response.status} on ${method} ${path}: ${message}`, {
      details: { status: response.status, body: json },
    });
  }
  return json;
}
