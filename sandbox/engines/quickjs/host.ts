/**
 * Main-thread handle of one engine worker thread: request/response over postMessage, plus the
 * watchdog that terminates the worker when a request outlives its deadline (a wedged or dead
 * worker). Every request pending on a lost worker is rejected with WorkerLost; the run whose own
 * deadline passed while the worker was executing its code is marked `blamed` (its cell wedged the
 * worker: a timeout, not an infrastructure failure, or agents could escape a bad reward by
 * wedging on purpose).
 */
import { Worker } from "node:worker_threads";
import type { CellRequest, EngineSessionConfig, RawCellResult } from "../contract.ts";
import { type FromWorker, type ToWorker, WORKER_STACK_MB, type WorkerInit } from "./protocol.ts";

/** Creating a session (instantiate + prelude) should take milliseconds; this is a backstop. */
const CREATE_BUDGET_MS = 15_000;

// Under a TypeScript-aware runner this module is engine.ts-relative .ts; when built, .js.
const WORKER_URL = new URL(
  import.meta.url.endsWith(".ts") ? "./worker/main.ts" : "./worker/main.js",
  import.meta.url,
);

export class WorkerLost extends Error {
  /** The worker had started the request (a run may have been executing when it was lost). */
  readonly started: boolean;
  /** The worker was executing this run's own code past the run's deadline. */
  readonly blamed: boolean;
  /** The worker died on its own (crashed or exited), not stopped by the host. */
  readonly crashed: boolean;
  constructor(message: string, started: boolean, blamed = false, crashed = false) {
    super(message);
    this.name = "WorkerLost";
    this.started = started;
    this.blamed = blamed;
    this.crashed = crashed;
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
  /** When the engine last placed a session here (spreads creations over idle workers). */
  pickedAt = performance.now();
  readonly #worker: Worker;
  readonly #events: WorkerHostEvents;
  readonly #pending = new Map<string, Pending>();
  /** Written by the worker: the rid whose VM code it is executing (see budget.ts). */
  readonly #activity = new Int32Array(new SharedArrayBuffer(4));
  /** Each session's cancel flag, raised on dispose so its running cell stops at once. */
  readonly #cancels = new Map<number, Int32Array>();
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Number.POSITIVE_INFINITY;
  #lost = false;

  constructor(events: WorkerHostEvents) {
    this.#events = events;
    const workerData: WorkerInit = { activity: this.#activity };
    this.#worker = new Worker(WORKER_URL, { workerData, resourceLimits: { stackSizeMb: WORKER_STACK_MB } });
    this.#worker.on("message", (message: FromWorker) => this.#onMessage(message));
    this.#worker.on("error", (error) => this.#lose(`worker crashed: ${error.message}`, undefined, true));
    this.#worker.on("exit", (code) => this.#lose(`worker exited with code ${code}`, undefined, true));
  }

  get alive(): boolean {
    return !this.#lost;
  }

  async create(sid: number, config: EngineSessionConfig): Promise<void> {
    // Counted at once, so concurrent creations spread over the workers.
    this.sessions.add(sid);
    const cancel = new Int32Array(new SharedArrayBuffer(4));
    this.#cancels.set(sid, cancel);
    try {
      await this.#request(`c${sid}`, CREATE_BUDGET_MS, false, { t: "create", sid, config, cancel });
    } catch (cause) {
      this.sessions.delete(sid);
      this.#cancels.delete(sid);
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
    const cancel = this.#cancels.get(sid);
    this.#cancels.delete(sid);
    // The worker may be inside this session's cell and deaf to messages until it returns.
    if (cancel !== undefined) Atomics.store(cancel, 0, 1);
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
   * Something past its deadline means a wedged worker, unless the worker is busy with a run that
   * is still within its own deadline (a cell running synchronously blocks its whole worker, but
   * never past its own deadline): then wait for that run. When the run the worker is executing is
   * itself overdue, it is the one to blame.
   */
  #check(): void {
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
    const now = performance.now();
    const activeKey = `r${Atomics.load(this.#activity, 0)}`;
    const active = this.#pending.get(activeKey);
    if (active !== undefined && !active.started) {
      // The worker is executing this run, but its "started" message still waits behind this timer
      // in the event loop (a loaded machine): it started by now at the latest, so count from now.
      active.started = true;
      active.deadline = now + active.budgetMs + this.#events.graceMs;
    }
    if (active?.started && active.deadline < now) {
      this.#lose("worker stopped responding (watchdog)", activeKey);
      return;
    }
    let overdue = false;
    let next = Number.POSITIVE_INFINITY;
    for (const pending of this.#pending.values()) {
      if (pending.deadline < now) overdue = true;
      else next = Math.min(next, pending.deadline);
    }
    if (overdue && !active?.started) {
      this.#lose("worker stopped responding (watchdog)");
      return;
    }
    if (next < Number.POSITIVE_INFINITY) this.#arm(next);
  }

  #lose(reason: string, blamedKey?: string, crashed = false): void {
    if (this.#lost) return;
    this.#lost = true;
    clearTimeout(this.#timer);
    for (const [key, pending] of this.#pending) {
      pending.reject(new WorkerLost(reason, pending.started, key === blamedKey, crashed));
    }
    this.#pending.clear();
    void this.#worker.terminate();
    this.#events.onLost(this, reason);
  }
}
