/**
 * Parent side: one engine session. Knows where its isolate lives (process + child session id);
 * when that process dies the session is re-placed on its next run, which reports stateLost.
 */

import { CodeActError } from "../../../errors/index.ts";
import type { CellRequest, EngineSession, RawCellResult, ToolCallback } from "../contract.ts";
import type { WorkerProcess } from "./host.ts";

export interface Placement {
  worker: WorkerProcess;
  sid: number;
}

export interface SessionHost {
  place(): Promise<Placement>;
  nextRunId(): number;
  forget(session: IvmSession): void;
}

export class IvmSession implements EngineSession {
  private readonly host: SessionHost;
  private readonly onTool: ToolCallback;
  private placement: Placement;
  /** The isolate was lost while idle; the next run must say so. */
  private lostUnreported = false;
  private disposed = false;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(host: SessionHost, placement: Placement, onTool: ToolCallback) {
    this.host = host;
    this.placement = placement;
    this.onTool = onTool;
  }

  run(request: CellRequest): Promise<RawCellResult> {
    if (this.disposed) return Promise.reject(disposedError());
    const invalid = invalidRequest(request);
    if (invalid !== undefined) return Promise.reject(new CodeActError("INVALID_ARGUMENT", invalid));
    // One cell at a time per session: a REPL's cells are ordered.
    const next = this.tail.then(() => this.runNow(request));
    this.tail = next.catch(() => undefined);
    return next;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.placement.worker.disposeSession(this.placement.sid);
    this.placement.worker.sessionCount--;
    this.host.forget(this);
  }

  /** The engine is shutting down: its processes are killed, nothing to send. */
  markDisposed(): void {
    this.disposed = true;
  }

  workerDied(worker: WorkerProcess): void {
    if (this.placement.worker === worker) this.lostUnreported = true;
  }

  private async runNow(request: CellRequest): Promise<RawCellResult> {
    if (this.disposed) throw disposedError();
    if (this.placement.worker.dead) await this.replace();
    const { worker, sid } = this.placement;
    const result = await worker.run(sid, this.host.nextRunId(), request, this.onTool);
    if (this.disposed) throw disposedError();
    const stateLost = result.stateLost || this.lostUnreported;
    // An infra answer already tells the caller the state is gone; do not repeat it next run.
    this.lostUnreported = false;
    return stateLost === result.stateLost ? result : { ...result, stateLost };
  }

  private async replace(): Promise<void> {
    this.placement.worker.sessionCount--;
    this.placement = await this.host.place();
    if (this.disposed) {
      this.placement.worker.disposeSession(this.placement.sid);
      this.placement.worker.sessionCount--;
      throw disposedError();
    }
  }
}

function disposedError(): CodeActError {
  return new CodeActError("DISPOSED", "the isolated-vm session was disposed");
}

function invalidRequest(request: CellRequest): string | undefined {
  if (typeof request.code !== "string") return "request.code must be a string";
  if (typeof request.filename !== "string" || request.filename === "")
    return "request.filename must be a name";
  for (const key of ["timeoutMs", "cpuTimeMs"] as const) {
    const value = request[key];
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
      return `request.${key} must be a positive number of milliseconds`;
    }
  }
  return undefined;
}
