/**
 * Sessions: one environment each, shared capacity across /ws, stateful HTTP, /mcp (JSON-RPC) and
 * /mcp/stream (standard MCP). Every session has an idle timer that really ends it (the transport
 * is told to close, the environment is disposed), so no transport can hold a slot forever.
 */
import { randomUUID } from "node:crypto";
import { CodeActError } from "../../errors/index.ts";
import type { Environment } from "../env/types.ts";
import { capacityError, factoryError } from "./errors.ts";
import type { Logger } from "./log.ts";
import type { Metrics } from "./metrics.ts";

export type SessionKind = "ws" | "http" | "mcp" | "mcp_stream";
export const SESSION_KINDS: readonly SessionKind[] = ["ws", "http", "mcp", "mcp_stream"];

export interface SessionManagerOptions {
  maxSessions: number;
  idleTimeoutMs: number;
  createEnv: () => Environment;
  logger: Logger;
  metrics: Metrics;
  /** Prefix of every session id (`<replicaId>.<uuid>`); "" for none. */
  replicaId?: string;
}

export class Session {
  readonly id: string;
  readonly kind: SessionKind;
  readonly env: Environment;
  /** Called when the session ends for a reason other than its transport closing (idle, shutdown). */
  onEnd: ((reason: "idle" | "shutdown") => void) | undefined;
  #tail: Promise<unknown> = Promise.resolve();
  #inFlight = 0;
  #closed = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(kind: SessionKind, env: Environment, replicaId = "") {
    // The replica's name leads the id, so a router (or a person reading logs) can tell where it lives.
    this.id = replicaId === "" ? randomUUID() : `${replicaId}.${randomUUID()}`;
    this.kind = kind;
    this.env = env;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get busy(): boolean {
    return this.#inFlight > 0;
  }

  /** Operations queued or running. */
  get pending(): number {
    return this.#inFlight;
  }

  /**
   * Runs `fn` after every earlier operation of this session settled: strict order, one at a time.
   * This is THE owner of ordering on the server path: every transport (a /ws frame, a stateful
   * HTTP request, an MCP call) goes through it, so replies leave in the order requests came, error
   * replies included. The queues below it (CodeActEnv's, the sandbox session's) only guard direct
   * library callers; under a session they are never contended, and cost a resolved promise each.
   */
  run<T>(fn: () => Promise<T>): Promise<T> {
    this.#inFlight += 1;
    this.#timer?.refresh();
    const next = this.#tail.then(
      () => fn(),
      () => fn(),
    );
    const settled = next.finally(() => {
      this.#inFlight -= 1;
      this.#timer?.refresh();
    });
    this.#tail = settled.catch(() => undefined);
    return next;
  }

  /** Resolves once every queued operation settled. */
  drained(): Promise<void> {
    return this.#tail.then(() => undefined);
  }

  /** @internal */ arm(timer: NodeJS.Timeout): void {
    this.#timer = timer;
  }

  /** @internal */ markClosed(): boolean {
    if (this.#closed) return false;
    this.#closed = true;
    clearTimeout(this.#timer);
    return true;
  }
}

export class SessionManager {
  readonly #options: SessionManagerOptions;
  readonly #sessions = new Map<string, Session>();
  /**
   * Sessions already out of the map whose environment is still being closed (after their
   * in-flight step): shutdown waits for these too, so no sandbox outlives the server.
   */
  readonly #closing = new Set<Promise<void>>();
  #accepting = true;

  constructor(options: SessionManagerOptions) {
    this.#options = options;
  }

  get size(): number {
    return this.#sessions.size;
  }

  get maxSessions(): number {
    return this.#options.maxSessions;
  }

  get replicaId(): string {
    return this.#options.replicaId ?? "";
  }

  get accepting(): boolean {
    return this.#accepting;
  }

  /**
   * Opens a session or throws CodeActError (CAPACITY, factory failure -> FACTORY_ERROR, DISPOSED).
   * `env`: an environment made elsewhere (a forked child) to own instead of a fresh one.
   */
  open(kind: SessionKind, env?: Environment): Session {
    if (!this.#accepting) throw new CodeActError("DISPOSED", "Server is shutting down");
    const max = this.#options.maxSessions;
    if (this.#sessions.size >= max) throw capacityError(this.#sessions.size, max);
    env ??= this.createEnv();
    const session = new Session(kind, env, this.#options.replicaId);
    this.#sessions.set(session.id, session);
    const timer = setTimeout(() => this.#expire(session), this.#options.idleTimeoutMs);
    timer.unref();
    session.arm(timer);
    this.#options.metrics.sessionOpened(kind);
    this.#options.logger.log("info", "session_open", { session_id: session.id, kind, active: this.size });
    return session;
  }

  /** A fresh environment outside any session (stateless HTTP); factory failures become FACTORY_ERROR. */
  createEnv(): Environment {
    if (!this.#accepting) throw new CodeActError("DISPOSED", "Server is shutting down");
    try {
      return this.#options.createEnv();
    } catch (error) {
      throw factoryError(this.#options.createEnv.name || "createEnv", error);
    }
  }

  get(id: string): Session | undefined {
    return this.#sessions.get(id);
  }

  counts(): Record<string, number> {
    const counts: Record<string, number> = Object.fromEntries(SESSION_KINDS.map((k) => [k, 0]));
    for (const session of this.#sessions.values()) counts[session.kind] = (counts[session.kind] ?? 0) + 1;
    return counts;
  }

  /** Ends a session: frees its slot and disposes its environment (after its queued work). Harmless twice. */
  async close(session: Session, reason: string): Promise<void> {
    if (!session.markClosed()) return;
    this.#sessions.delete(session.id);
    this.#options.logger.log("info", "session_close", { session_id: session.id, kind: session.kind, reason });
    const done = (async () => {
      await session.drained();
      try {
        await session.env.close();
      } catch (error) {
        this.#options.logger.log("warn", "env_close_failed", {
          session_id: session.id,
          message: String(error),
        });
      }
    })();
    this.#closing.add(done);
    try {
      await done;
    } finally {
      this.#closing.delete(done);
    }
  }

  /** Stops accepting, waits (bounded) for in-flight work, ends every session. */
  async shutdown(graceMs: number): Promise<void> {
    this.#accepting = false;
    const sessions = [...this.#sessions.values()];
    const drained = Promise.all(sessions.map((s) => s.drained()));
    let timer: NodeJS.Timeout | undefined;
    const bounded = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([drained, bounded]);
    clearTimeout(timer);
    await Promise.all(
      sessions.map((s) => {
        s.onEnd?.("shutdown");
        return this.#closeNow(s, "shutdown");
      }),
    );
    // Closes begun before the shutdown (a disconnect mid-step, an idle timeout) end with their step.
    await Promise.all([...this.#closing]);
  }

  /** Like close() but does not wait for queued work (used after the grace period). */
  async #closeNow(session: Session, reason: string): Promise<void> {
    if (!session.markClosed()) return;
    this.#sessions.delete(session.id);
    this.#options.logger.log("info", "session_close", { session_id: session.id, kind: session.kind, reason });
    await session.env.close().catch(() => undefined);
  }

  #expire(session: Session): void {
    if (session.closed) return;
    if (session.busy) {
      const timer = setTimeout(() => this.#expire(session), this.#options.idleTimeoutMs);
      timer.unref();
      session.arm(timer);
      return;
    }
    session.onEnd?.("idle");
    void this.close(session, "idle");
  }
}
