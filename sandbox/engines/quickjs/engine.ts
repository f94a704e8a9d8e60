/**
 * The QuickJS engine: sessions spread over a few worker threads (big native stacks, and an
 * interrupt handler that never blocks the main thread's event loop). Host tools run here, on the
 * main thread. A worker that dies or wedges is terminated and replaced; its sessions lose state.
 * The cell that wedged it gets a timeout; other cells running there get "infra".
 */

import { availableParallelism } from "node:os";
import { z } from "zod";
import { CodeActError } from "../../../errors/index.ts";
import type { Engine, EngineSession, EngineSessionConfig, EngineStats, ToolCallback } from "../contract.ts";
import { WorkerHost } from "./host.ts";
import { disposedError, QuickJsSession } from "./session.ts";

const optionsSchema = z
  .object({
    /** Worker threads at most (started as sessions need them). */
    workers: z.number().int().min(1).max(64).optional(),
    /** Extra time past a cell's deadline before a silent worker is declared wedged. */
    watchdogGraceMs: z.number().int().min(0).max(600_000).optional(),
  })
  .strict();

export type QuickJsEngineOptions = z.input<typeof optionsSchema>;

/** The options with defaults applied (one worker per core up to 4, 2 s watchdog grace). */
function parseEngineOptions(options: QuickJsEngineOptions): { workers: number; graceMs: number } {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new CodeActError(
      "INVALID_ARGUMENT",
      `bad QuickJS engine options: ${z.prettifyError(parsed.error)}`,
    );
  }
  return {
    workers: parsed.data.workers ?? Math.min(4, availableParallelism()),
    graceMs: parsed.data.watchdogGraceMs ?? 2_000,
  };
}

const configSchema = z.object({
  prelude: z.string(),
  preludeConfig: z.object({ toolNames: z.array(z.string()) }).loose(),
  memoryLimitBytes: z
    .number()
    .int()
    .min(1024 * 1024)
    .max(2 ** 31),
  maxStackBytes: z.number().int().positive(),
});

export class QuickJsEngine implements Engine {
  readonly name = "quickjs";
  readonly #maxWorkers: number;
  readonly #graceMs: number;
  readonly #workers = new Set<WorkerHost>();
  readonly #sessions = new Map<number, QuickJsSession>();
  #restarts = 0;
  #nextSid = 1;
  #nextRid = 1;
  #disposed = false;

  constructor(options: QuickJsEngineOptions = {}) {
    const { workers, graceMs } = parseEngineOptions(options);
    this.#maxWorkers = workers;
    this.#graceMs = graceMs;
  }

  async createSession(config: EngineSessionConfig, onTool: ToolCallback): Promise<EngineSession> {
    if (this.#disposed) throw disposedError("engine");
    const parsed = configSchema.safeParse(config);
    if (!parsed.success) {
      throw new CodeActError("INVALID_ARGUMENT", `bad session config: ${z.prettifyError(parsed.error)}`);
    }
    const session = new QuickJsSession(this, this.#nextSid++, config, onTool);
    this.#sessions.set(session.sid, session);
    try {
      await session.attach();
    } catch (cause) {
      await session.dispose();
      throw this.#disposed ? disposedError("engine") : cause;
    }
    if (this.#disposed) throw disposedError("engine");
    return session;
  }

  nextRid(): number {
    return this.#nextRid++;
  }

  /**
   * The live worker with the fewest sessions (of those, the one picked longest ago: each creation
   * uses up a spare instance that its worker must prepare again); a new one while under the maximum.
   */
  pickWorker(): WorkerHost {
    if (this.#disposed) throw disposedError("engine");
    let best: WorkerHost | undefined;
    for (const host of this.#workers) {
      const fewer = best === undefined || host.sessions.size < best.sessions.size;
      if (fewer || (host.sessions.size === best?.sessions.size && host.pickedAt < best.pickedAt)) {
        best = host;
      }
    }
    if (best !== undefined && (best.sessions.size === 0 || this.#workers.size >= this.#maxWorkers)) {
      best.pickedAt = performance.now();
      return best;
    }
    const host = new WorkerHost({
      graceMs: this.#graceMs,
      onToolCall: (sid, callId, name, argsJson) => this.#onToolCall(host, sid, callId, name, argsJson),
      onLost: (lost) => this.#onLost(lost),
    });
    this.#workers.add(host);
    return host;
  }

  #onToolCall(host: WorkerHost, sid: number, callId: number, name: string, argsJson: string) {
    const session = this.#sessions.get(sid);
    if (session === undefined || session.host !== host) return;
    const failed = JSON.stringify({ ok: false, message: "tool failed" });
    session
      .onTool(name, argsJson)
      .catch(() => failed)
      .then((resultJson) => {
        if (session.host === host) host.toolResult(sid, callId, resultJson);
      });
  }

  #onLost(host: WorkerHost): void {
    if (!this.#workers.delete(host) || this.#disposed) return;
    this.#restarts++;
    for (const sid of host.sessions) {
      const session = this.#sessions.get(sid);
      if (session?.host !== host) continue;
      session.host = undefined;
      session.lost = true;
    }
  }

  forget(session: QuickJsSession): void {
    this.#sessions.delete(session.sid);
  }

  stats(): EngineStats {
    return { sessions: this.#sessions.size, workers: this.#workers.size, restarts: this.#restarts };
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const session of this.#sessions.values()) session.disposed = true;
    this.#sessions.clear();
    const workers = [...this.#workers];
    this.#workers.clear();
    await Promise.all(workers.map((host) => host.terminate()));
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }
}
