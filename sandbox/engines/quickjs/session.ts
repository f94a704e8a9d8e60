/**
 * Host side of one QuickJS session: which worker thread holds its sandbox, re-created on another
 * worker when that one is lost (the next run then reports stateLost). Runs are queued, one at a time.
 */
import { CodeActError } from "../../../errors/index.ts";
import type {
  CellRequest,
  EngineSession,
  EngineSessionConfig,
  RawCellResult,
  ToolCallback,
} from "../contract.ts";
import { infraResult, wedgedResult } from "../lost-runs.ts";
import { type WorkerHost, WorkerLost } from "./host.ts";

/** What a session needs of its engine. */
export interface SessionOwner {
  pickWorker(): WorkerHost;
  nextRid(): number;
  forget(session: QuickJsSession): void;
}

export function disposedError(what: string): CodeActError {
  return new CodeActError("DISPOSED", `the QuickJS ${what} is disposed`);
}

export class QuickJsSession implements EngineSession {
  readonly #engine: SessionOwner;
  readonly #config: EngineSessionConfig;
  readonly onTool: ToolCallback;
  readonly sid: number;
  host: WorkerHost | undefined;
  /** The worker holding this session's state was lost; the next run says so. */
  lost = false;
  disposed = false;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(engine: SessionOwner, sid: number, config: EngineSessionConfig, onTool: ToolCallback) {
    this.#engine = engine;
    this.sid = sid;
    this.#config = config;
    this.onTool = onTool;
  }

  /** Creates the session's sandbox on a worker (again, after its worker was lost). */
  async attach(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const host = this.#engine.pickWorker();
      try {
        await host.create(this.sid, this.#config);
        this.host = host;
        return;
      } catch (cause) {
        if (!(cause instanceof WorkerLost) || attempt > 0 || this.disposed) {
          const why = cause instanceof Error ? cause.message : String(cause);
          throw new CodeActError("ENGINE_FAILURE", `could not create a QuickJS sandbox: ${why}`, {
            cause,
          });
        }
      }
    }
  }

  run(request: CellRequest): Promise<RawCellResult> {
    if (this.disposed) return Promise.reject(disposedError("session"));
    const next = this.#queue.then(() => this.#run(request));
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async #run(request: CellRequest): Promise<RawCellResult> {
    const startedAt = performance.now();
    for (let attempt = 0; ; attempt++) {
      if (this.disposed) throw disposedError("session");
      if (this.host === undefined) await this.attach();
      const host = this.host as WorkerHost;
      const stateLost = this.lost;
      this.lost = false;
      try {
        const result = await host.run(this.sid, this.#engine.nextRid(), request);
        if (this.disposed) throw disposedError("session");
        if (stateLost) result.stateLost = true;
        return result;
      } catch (cause) {
        if (this.disposed) throw disposedError("session");
        if (!(cause instanceof WorkerLost)) throw cause;
        // The cell that wedged the worker is charged with a timeout; another one running there
        // is a casualty (infra); one still queued retries on a new worker.
        const wallMs = performance.now() - startedAt;
        if (cause.blamed) {
          this.lost = false;
          return wedgedResult(wallMs);
        }
        if (cause.started || attempt > 0) {
          this.lost = false;
          return infraResult(
            `QuickJS worker failed: ${cause.message}`,
            wallMs,
            cause.started && cause.crashed,
          );
        }
        this.lost = true;
      }
    }
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.host?.disposeSession(this.sid);
    this.host = undefined;
    this.#engine.forget(this);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }
}
