/**
 * Parent side: one sandbox host process. Sends it creates and runs, relays tool calls to the
 * host, and is its watchdog: a run not answered by timeout + finish budget + grace gets the
 * process SIGKILLed.
 *
 * Blame when a process goes: a run whose own deadline had passed when the watchdog killed the
 * process is answered "timeout" (stateLost) — its code stopped the sandbox answering (a wedging
 * JSON.parse, GC thrashing at the heap limit), and calling that "infra" would let an agent dodge
 * its reward, since trainers mask infra results. Every other run in flight there (bystanders
 * within their limits) is answered "infra", as is every run of a process that died on its own.
 */
import { type ChildProcess, fork } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CodeActError } from "../../../errors/index.ts";
import type { CellRequest, RawCellResult, ToolCallback } from "../contract.ts";
import {
  type ChildMessage,
  type ChildSessionConfig,
  type ChildStats,
  FINISH_BUDGET_MS,
  infraResult,
  type ParentMessage,
  wedgedResult,
} from "./protocol.ts";

/** A create is only slow when no spare is warm; past this the process is treated as wedged. */
const CREATE_TIMEOUT_MS = 15_000;
const STATS_TIMEOUT_MS = 5_000;

export interface WorkerOptions {
  entry: string;
  sparesPerWorker: number;
  watchdogGraceMs: number;
  /** Called once when the process died or was killed (not when stopped by the engine). */
  onDeath: (worker: WorkerProcess) => void;
}

interface PendingRun {
  startMs: number;
  /** performance.now() past which the watchdog may kill the process for this run. */
  deadlineMs: number;
  onTool: ToolCallback;
  resolve: (result: RawCellResult) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

interface Pending<T> {
  resolve: (value: T) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** The child entry beside this file: .ts when running from source, .js when built. */
export function childEntry(): string {
  const own = import.meta.url.endsWith(".ts") ? [".ts", ".js"] : [".js", ".ts"];
  for (const ext of own) {
    const path = fileURLToPath(new URL(`./worker/main${ext}`, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new CodeActError("ENGINE_FAILURE", `isolated-vm child entry not found beside ${import.meta.url}`);
}

export class WorkerProcess {
  readonly pid: number;
  /** Sessions placed here (the engine places new ones on the least loaded process). */
  sessionCount = 0;
  dead = false;
  becameReady = false;
  readonly exited: Promise<void>;
  private readonly child: ChildProcess;
  private readonly options: WorkerOptions;
  private readonly preludes = new Set<number>();
  private readonly creates = new Map<number, Pending<void>>();
  private readonly runs = new Map<number, PendingRun>();
  private readonly statsQueries = new Map<number, Pending<ChildStats>>();
  private queue: ParentMessage[] = [];
  private nextQid = 1;

  constructor(options: WorkerOptions) {
    this.options = options;
    this.child = fork(options.entry, [String(options.sparesPerWorker)], {
      execArgv: ["--no-node-snapshot", "--disable-warning=ExperimentalWarning"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      serialization: "json",
    });
    this.pid = this.child.pid ?? -1;
    this.exited = new Promise((resolve) => {
      this.child.once("exit", (code, signal) => {
        this.died(`the sandbox process exited (${signal ?? `code ${code}`})`);
        resolve();
      });
    });
    this.child.on("error", (error) => this.died(`the sandbox process failed: ${error.message}`));
    this.child.on("message", (message) => this.onMessage(message as ChildMessage));
    // Pending runs hold timers; an idle pool must not keep the host process alive by itself.
    this.child.unref();
    this.child.channel?.unref();
  }

  create(sid: number, preludeKey: number, prelude: string, config: ChildSessionConfig): Promise<void> {
    if (this.dead) return Promise.reject(new CodeActError("ENGINE_FAILURE", "the sandbox process is gone"));
    if (!this.preludes.has(preludeKey)) {
      this.preludes.add(preludeKey);
      this.send({ t: "prelude", key: preludeKey, source: prelude });
    }
    this.send({ t: "create", sid, config });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => this.kill("a session create was not answered in time"),
        CREATE_TIMEOUT_MS,
      );
      this.creates.set(sid, { resolve, reject, timer });
    });
  }

  run(sid: number, rid: number, req: CellRequest, onTool: ToolCallback): Promise<RawCellResult> {
    if (this.dead) return Promise.resolve(infraResult("the sandbox process is gone", 0));
    this.send({ t: "run", sid, rid, req });
    const watchdogMs = req.timeoutMs + FINISH_BUDGET_MS + this.options.watchdogGraceMs;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.wedged(rid, watchdogMs), watchdogMs);
      const startMs = performance.now();
      this.runs.set(rid, { startMs, deadlineMs: startMs + watchdogMs, onTool, resolve, reject, timer });
    });
  }

  disposeSession(sid: number): void {
    if (!this.dead) this.send({ t: "dispose", sid });
  }

  stats(): Promise<ChildStats> {
    if (this.dead) return Promise.reject(new CodeActError("ENGINE_FAILURE", "the sandbox process is gone"));
    const qid = this.nextQid++;
    this.send({ t: "stats", qid });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.statsQueries.delete(qid);
        reject(new CodeActError("TIMEOUT", "the sandbox process did not answer a stats query"));
      }, STATS_TIMEOUT_MS);
      this.statsQueries.set(qid, { resolve, reject, timer });
    });
  }

  /**
   * Kills the process because it misbehaved: pending work is answered (runs past their own
   * deadline with "timeout", the others with "infra"), the engine replaces it.
   */
  kill(reason: string, wedgedRid?: number): void {
    if (this.dead) return;
    this.child.kill("SIGKILL");
    this.died(reason, { wedgedRid });
  }

  /** Engine shutdown: pending runs reject with DISPOSED; resolves when the process is gone. */
  async stop(): Promise<void> {
    // Ref'd again so the host waits for the exit instead of leaving with an unsettled promise.
    this.child.ref();
    if (!this.dead) {
      this.dead = true;
      this.child.kill("SIGKILL");
      this.failAll(() => new CodeActError("DISPOSED", "the engine was disposed"), undefined);
    }
    if (this.child.exitCode === null && this.child.signalCode === null) await this.exited;
  }

  private wedged(rid: number, watchdogMs: number): void {
    this.kill(`the sandbox did not answer within ${watchdogMs} ms; its process was killed and replaced`, rid);
  }

  /** `killed`: set when the watchdog (or a failed IPC) killed it, absent when it died on its own. */
  private died(reason: string, killed?: { wedgedRid: number | undefined }): void {
    if (this.dead) return;
    this.dead = true;
    const message = `the sandbox process hosting this session was lost (${reason})`;
    this.failAll(() => new CodeActError("ENGINE_FAILURE", message), { message, killed });
    this.options.onDeath(this);
  }

  private failAll(
    error: () => Error,
    lost: { message: string; killed: { wedgedRid: number | undefined } | undefined } | undefined,
  ): void {
    const now = performance.now();
    for (const [rid, run] of this.runs) {
      clearTimeout(run.timer);
      const wallMs = now - run.startMs;
      if (lost === undefined) run.reject(error());
      else if (lost.killed !== undefined && (rid === lost.killed.wedgedRid || now >= run.deadlineMs))
        run.resolve(wedgedResult(wallMs));
      // A process that died on its own may have been killed by one of the runs in it: each is a suspect.
      else run.resolve(infraResult(lost.message, wallMs, lost.killed === undefined));
    }
    this.runs.clear();
    for (const pending of [...this.creates.values(), ...this.statsQueries.values()]) {
      clearTimeout(pending.timer);
      pending.reject(error());
    }
    this.creates.clear();
    this.statsQueries.clear();
    this.queue = [];
  }

  private send(message: ParentMessage): void {
    if (!this.becameReady) {
      this.queue.push(message);
      return;
    }
    try {
      this.child.send(message, (error) => {
        // A closed channel means the process is dying; its exit handler answers pending work.
        if (error !== null) this.kill(`IPC to the sandbox process failed: ${error.message}`);
      });
    } catch (error) {
      this.kill(
        `IPC to the sandbox process failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  private onMessage(message: ChildMessage): void {
    switch (message.t) {
      case "ready": {
        this.becameReady = true;
        const queued = this.queue;
        this.queue = [];
        for (const m of queued) this.send(m);
        return;
      }
      case "created":
      case "createFailed":
        this.settleCreate(message);
        return;
      case "result": {
        const run = this.runs.get(message.rid);
        if (run === undefined) return;
        clearTimeout(run.timer);
        this.runs.delete(message.rid);
        run.resolve(message.result);
        return;
      }
      case "toolCall":
        this.relayTool(message);
        return;
      case "stats": {
        const query = this.statsQueries.get(message.qid);
        if (query === undefined) return;
        clearTimeout(query.timer);
        this.statsQueries.delete(message.qid);
        const { sessions, spares, rssBytes } = message;
        query.resolve({ sessions, spares, rssBytes });
        return;
      }
    }
  }

  private settleCreate(message: Extract<ChildMessage, { t: "created" | "createFailed" }>): void {
    const pending = this.creates.get(message.sid);
    if (pending === undefined) return;
    clearTimeout(pending.timer);
    this.creates.delete(message.sid);
    if (message.t === "created") pending.resolve();
    else pending.reject(new CodeActError("ENGINE_FAILURE", `sandbox create failed: ${message.message}`));
  }

  private relayTool(message: Extract<ChildMessage, { t: "toolCall" }>): void {
    const run = this.runs.get(message.rid);
    if (run === undefined) return;
    const { sid, rid, cid } = message;
    Promise.resolve()
      .then(() => run.onTool(message.name, message.argsJson))
      .then(
        (json) => (typeof json === "string" ? json : toolFailure("the tool returned no result")),
        () => toolFailure("the tool failed"),
      )
      .then((json) => {
        if (!this.dead && this.runs.has(rid)) this.send({ t: "toolResult", sid, rid, cid, json });
      });
  }
}

function toolFailure(message: string): string {
  return JSON.stringify({ ok: false, message });
}
