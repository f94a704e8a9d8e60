/**
 * The isolated-vm engine: a pool of killable host processes, each hosting many sessions (one
 * isolate each). New sessions go to the least-loaded process; a process that dies or wedges is
 * replaced and its sessions are re-placed on their next run (stateLost).
 */
import { availableParallelism } from "node:os";
import { z } from "zod";
import { CodeActError } from "../../../errors/index.ts";
import type { Engine, EngineSession, EngineSessionConfig, EngineStats, ToolCallback } from "../contract.ts";
import { childEntry, WorkerProcess } from "./host.ts";
import type { ChildSessionConfig, ChildStats } from "./protocol.ts";
import { IvmSession, type Placement } from "./session.ts";

const optionsSchema = z.strictObject({
  workers: z.number().int().min(1).max(256).optional(),
  spareSessionsPerWorker: z.number().int().min(0).max(64).optional(),
  watchdogGraceMs: z.number().int().min(0).max(600_000).optional(),
});

export type IsolatedVmEngineOptions = z.input<typeof optionsSchema>;

const DEFAULT_SPARES_PER_WORKER = 2;
const DEFAULT_WATCHDOG_GRACE_MS = 1_000;

export class IsolatedVmEngine implements Engine {
  readonly name = "isolated-vm" as const;
  private readonly entry = childEntry();
  private readonly sparesPerWorker: number;
  private readonly watchdogGraceMs: number;
  private readonly slots: WorkerProcess[] = [];
  private readonly sessions = new Set<IvmSession>();
  private readonly preludeKeys = new Map<string, number>();
  private restarts = 0;
  private disposed = false;
  private nextSid = 1;
  private nextRid = 1;

  constructor(options: IsolatedVmEngineOptions = {}) {
    const parsed = optionsSchema.safeParse(options);
    if (!parsed.success) {
      throw new CodeActError(
        "INVALID_ARGUMENT",
        `isolated-vm engine options: ${z.prettifyError(parsed.error)}`,
      );
    }
    this.sparesPerWorker = parsed.data.spareSessionsPerWorker ?? DEFAULT_SPARES_PER_WORKER;
    this.watchdogGraceMs = parsed.data.watchdogGraceMs ?? DEFAULT_WATCHDOG_GRACE_MS;
    const workers = parsed.data.workers ?? availableParallelism();
    for (let i = 0; i < workers; i++) this.slots.push(this.spawn());
  }

  async createSession(config: EngineSessionConfig, onTool: ToolCallback): Promise<EngineSession> {
    this.assertLive();
    const invalid = invalidConfig(config);
    if (invalid !== undefined) throw new CodeActError("INVALID_ARGUMENT", invalid);
    if (typeof onTool !== "function") throw new CodeActError("INVALID_ARGUMENT", "onTool must be a function");
    const key = this.preludeKey(config.prelude);
    // config.maxStackBytes is not enforceable per isolate here; see ChildSessionConfig for why
    // and for what bounds deep recursion instead.
    const childConfig: ChildSessionConfig = {
      preludeKey: key,
      preludeConfig: config.preludeConfig,
      memoryLimitBytes: config.memoryLimitBytes,
    };
    const host = {
      place: () => this.place(config.prelude, childConfig),
      nextRunId: () => this.nextRid++,
      forget: (s: IvmSession) => this.sessions.delete(s),
    };
    const placement = await host.place();
    const session = new IvmSession(host, placement, onTool);
    if (this.disposed) {
      await session.dispose();
      throw new CodeActError("DISPOSED", "the isolated-vm engine was disposed");
    }
    this.sessions.add(session);
    return session;
  }

  stats(): EngineStats {
    return {
      sessions: this.sessions.size,
      workers: this.slots.filter((w) => !w.dead).length,
      restarts: this.restarts,
    };
  }

  /** Pids of the live host processes, in slot order (diagnostics and tests). */
  workerPids(): number[] {
    return this.slots.filter((w) => !w.dead).map((w) => w.pid);
  }

  /** Per-process figures (sessions, warm spares, RSS), asked of each live process. */
  async workerStats(): Promise<ChildStats[]> {
    this.assertLive();
    return Promise.all(this.slots.filter((w) => !w.dead).map((w) => w.stats()));
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const session of this.sessions) session.markDisposed();
    this.sessions.clear();
    await Promise.all(this.slots.map((w) => w.stop()));
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  private assertLive(): void {
    if (this.disposed) throw new CodeActError("DISPOSED", "the isolated-vm engine was disposed");
  }

  private spawn(): WorkerProcess {
    return new WorkerProcess({
      entry: this.entry,
      sparesPerWorker: this.sparesPerWorker,
      watchdogGraceMs: this.watchdogGraceMs,
      onDeath: (worker) => this.onDeath(worker),
    });
  }

  private onDeath(worker: WorkerProcess): void {
    if (this.disposed) return;
    this.restarts++;
    for (const session of this.sessions) session.workerDied(worker);
    const index = this.slots.indexOf(worker);
    // A process that died before it ever started is replaced lazily (on the next placement),
    // so a broken installation cannot turn into a fork loop.
    if (index >= 0 && worker.becameReady) this.slots[index] = this.spawn();
  }

  /** Creates the session's isolate on the least-loaded live process; retries once elsewhere. */
  private async place(prelude: string, config: ChildSessionConfig): Promise<Placement> {
    for (let attempt = 0; ; attempt++) {
      this.assertLive();
      const worker = this.leastLoaded();
      const sid = this.nextSid++;
      worker.sessionCount++;
      try {
        await worker.create(sid, config.preludeKey, prelude, config);
        return { worker, sid };
      } catch (error) {
        worker.sessionCount--;
        if (attempt >= 1 || !worker.dead || this.disposed) throw error;
      }
    }
  }

  private leastLoaded(): WorkerProcess {
    let best: WorkerProcess | undefined;
    for (let i = 0; i < this.slots.length; i++) {
      let worker = this.slots[i] as WorkerProcess;
      if (worker.dead) {
        worker = this.spawn();
        this.slots[i] = worker;
      }
      if (best === undefined || worker.sessionCount < best.sessionCount) best = worker;
    }
    if (best === undefined) throw new CodeActError("ENGINE_FAILURE", "the isolated-vm engine has no workers");
    return best;
  }

  private preludeKey(source: string): number {
    let key = this.preludeKeys.get(source);
    if (key === undefined) {
      key = this.preludeKeys.size + 1;
      this.preludeKeys.set(source, key);
    }
    return key;
  }
}

function invalidConfig(config: EngineSessionConfig): string | undefined {
  if (typeof config?.prelude !== "string" || config.prelude === "")
    return "config.prelude must be source text";
  if (typeof config.preludeConfig !== "object" || config.preludeConfig === null) {
    return "config.preludeConfig must be an object";
  }
  const { memoryLimitBytes } = config;
  if (typeof memoryLimitBytes !== "number" || !Number.isFinite(memoryLimitBytes) || memoryLimitBytes <= 0) {
    return "config.memoryLimitBytes must be a positive number of bytes";
  }
  return undefined;
}
