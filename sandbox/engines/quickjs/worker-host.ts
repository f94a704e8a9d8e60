/**
 * Main-thread handle of one engine worker thread: request/response over postMessage, plus the
 * watchdog that terminates the worker when a request outlives its deadline (a wedged or dead
 * worker). Every request pending on a lost worker is rejected with WorkerLost.
 */
import { Worker } from "node:worker_threads";
import type { CellRequest, EngineSessionConfig, RawCellResult } from "../../engine.ts";
import { type FromWorker, type ToWorker, WORKER_STACK_MB } from "./protocol.ts";

/** Creating a session (instantiate + prelude) should take milliseconds; this is a backstop. */
const CREATE_BUDGET_MS = 15_000;

// Under a TypeScript-aware runner this module is engine.ts-relative .ts; when built, .js.
const WORKER_URL = new URL(import.meta.url.endsWith(".ts") ? "./worker.ts" : "./worker.js", import.meta.url);

export class WorkerLost extends Error {
  /** The worker had started the request (a run may have been executing when it was lost). */
  readonly started: boolean;
  constructor(message: string, started: boolean) {
    super(message);
    this.name = "WorkerLost";
    this.started = started;
  }
}

interface Pending {
  started: boolean;
  budgetMs: number;
  deadline: number;
  resolve(value: RawCellResult | undefined): void;
  reject(error: Error): void;
}

export interface WorkerHostEvents {
  graceMs: number;
  onToolCall(sid: number, callId: number, name: string, argsJson: string): void;
  onLost(host: WorkerHost, reason: string): void;
}

export class WorkerHost {
  readonly sessions = new Set<number>();
  readonly #worker: Worker;
  readonly #events: WorkerHostEvents;
  readonly #pending = new Map<string, Pending>();
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Number.POSITIVE_INFINITY;
  #lost = false;

  constructor(events: WorkerHostEvents) {
    this.#events = events;
    this.#worker = new Worker(WORKER_URL, { resourceLimits: { stackSizeMb: WORKER_STACK_MB } });
    this.#worker.on("message", (message: FromWorker) => this.#onMessage(message));
    this.#worker.on("error", (error) => this.#lose(`worker crashed: ${error.message}`));
    this.#worker.on("exit", (code) => this.#lose(`worker exited with code ${code}`));
  }

  get alive(): boolean {
    return !this.#lost;
  }

  async create(sid: number, config: EngineSessionConfig): Promise<void> {
    // Counted at once, so concurrent creations spread over the workers.
    this.sessions.add(sid);
    try {
      await this.#request(`c${sid}`, CREATE_BUDGET_MS, false, { t: "create", sid, config });
    } catch (cause) {
      this.sessions.delete(sid);
      throw cause;
    }
  }

  async run(sid: number, rid: number, request: CellRequest): Promise<RawCellResult> {
    const message: ToWorker = { t: "run", sid, rid, request };
    const result = await this.#request(`r${rid}`, request.timeoutMs, false, message);
    return result as RawCellResult;
  }

  toolResult(sid: number, callId: number, resultJson: string): void {
    if (!this.#lost) this.#worker.postMessage({ t: "toolResult", sid, callId, resultJson });
  }

  disposeSession(sid: number): void {
    this.sessions.delete(sid);
    if (!this.#lost) this.#worker.postMessage({ t: "dispose", sid } satisfies ToWorker);
  }

  /** Stops the worker; pending requests are rejected with WorkerLost. */
  async terminate(reason = "engine disposed"): Promise<void> {
    this.#lose(reason);
    await this.#worker.terminate();
  }

  #request(key: string, budgetMs: number, started: boolean, message: ToWorker) {
    if (this.#lost) return Promise.reject(new WorkerLost("worker is gone", false));
    return new Promise<RawCellResult | undefined>((resolve, reject) => {
      const deadline = performance.now() + budgetMs + this.#events.graceMs;
      this.#pending.set(key, { started, budgetMs, deadline, resolve, reject });
      this.#worker.postMessage(message);
      this.#arm(deadline);
    });
  }

  #onMessage(message: FromWorker): void {
    switch (message.t) {
      case "toolCall":
        this.#events.onToolCall(message.sid, message.callId, message.name, message.argsJson);
        return;
      case "started": {
        const pending = this.#pending.get(`r${message.rid}`);
        if (pending === undefined) return;
        pending.started = true;
        pending.deadline = performance.now() + pending.budgetMs + this.#events.graceMs;
        this.#arm(pending.deadline);
        return;
      }
      case "created":
        this.#settle(`c${message.sid}`, message.error, undefined);
        return;
      case "result":
        this.#settle(`r${message.rid}`, undefined, message.result);
        return;
    }
  }

  #settle(key: string, error: string | undefined, result: RawCellResult | undefined): void {
    const pending = this.#pending.get(key);
    if (pending === undefined) return;
    this.#pending.delete(key);
    if (error === undefined) pending.resolve(result);
    else pending.reject(new Error(error));
  }

  #arm(deadline: number): void {
    if (this.#lost || deadline >= this.#timerAt) return;
    clearTimeout(this.#timer);
    this.#timerAt = deadline;
    this.#timer = setTimeout(() => this.#check(), Math.max(0, deadline - performance.now()) + 1);
  }

  /**
   * A started request past its deadline means the worker is wedged. A request not yet started
   * is only waiting its turn while some started request is still within its deadline (a cell
   * running synchronously blocks its whole worker, but never past its own deadline).
   */
  #check(): void {
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
    const now = performance.now();
    let runningUntil = Number.NEGATIVE_INFINITY;
    let overdue = false;
    let next = Number.POSITIVE_INFINITY;
    for (const pending of this.#pending.values()) {
      if (pending.started) {
        if (pending.deadline < now) {
          this.#lose("worker stopped responding (watchdog)");
          return;
        }
        runningUntil = Math.max(runningUntil, pending.deadline);
      } else if (pending.deadline < now) {
        overdue = true;
        continue;
      }
      next = Math.min(next, pending.deadline);
    }
    if (overdue && runningUntil < now) {
      this.#lose("worker stopped responding (watchdog)");
      return;
    }
    if (next < Number.POSITIVE_INFINITY) this.#arm(next);
  }

  #lose(reason: string): void {
    if (this.#lost) return;
    this.#lost = true;
    clearTimeout(this.#timer);
    for (const pending of this.#pending.values()) {
      pending.reject(new WorkerLost(reason, pending.started));
    }
    this.#pending.clear();
    void this.#worker.terminate();
    this.#events.onLost(this, reason);
  }
}
