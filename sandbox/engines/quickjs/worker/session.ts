/**
 * Worker side: one session = one QuickJS instance with the prelude installed. Runs cells with the
 * runner protocol of engine.ts and replaces its instance when it runs out of memory.
 */
import type {
  CellRequest,
  EngineSessionConfig,
  RawCellResult,
  RawStatus,
  RunnerResult,
} from "../../contract.ts";
import { QJS_STACK_CAP_BYTES } from "../protocol.ts";
import {
  CorruptInstance,
  callForString,
  classify,
  corrupt,
  expiredFailure,
  type Failure,
  isFailure,
  isOutOfMemory,
  type JsError,
  overCeiling,
  vmCall,
} from "./call.ts";
import { type BridgeHooks, installPrelude, type LiveInstance, takeInstance } from "./instance.ts";

/** Time to collect the output written so far after a cell timed out. */
const GRACE_MS = 100;
const JOBS_PER_DRAIN = 10_000;

interface Outcome {
  status: RawStatus;
  runnerResult?: RunnerResult;
  error?: JsError;
  /** The instance must be replaced (memory, infra, or a microtask flood that outlived the cell). */
  replace?: boolean;
}

export type ToolCallPoster = (callId: number, name: string, argsJson: string) => void;

export class VmSession {
  readonly #config: EngineSessionConfig;
  readonly #postToolCall: ToolCallPoster;
  readonly #hooks: BridgeHooks;
  #instance: LiveInstance | undefined;
  #nextCallId = 1;
  readonly #pending = new Set<number>();
  #inbox: Array<[callId: number, resultJson: string]> = [];
  #wake: (() => void) | undefined;
  #reports: Array<[string, string]> | undefined;
  #disposed = false;
  /** Raised by the host on dispose; the interrupt handler reads it (see budget.ts). */
  readonly #cancel: Int32Array;

  private constructor(config: EngineSessionConfig, postToolCall: ToolCallPoster, cancel: Int32Array) {
    this.#config = config;
    this.#postToolCall = postToolCall;
    this.#cancel = cancel;
    this.#hooks = {
      callTool: (name, argsJson) => {
        const id = this.#nextCallId++;
        this.#pending.add(id);
        this.#postToolCall(id, name, argsJson);
        return id;
      },
      report: (kind, data) => {
        this.#reports?.push([kind, data]);
      },
    };
  }

  static async create(
    config: EngineSessionConfig,
    post: ToolCallPoster,
    cancel: Int32Array = new Int32Array(1),
  ): Promise<VmSession> {
    const session = new VmSession(config, post, cancel);
    session.#instance = await session.#newInstance();
    return session;
  }

  async #newInstance(): Promise<LiveInstance> {
    const { prelude, memoryLimitBytes, preludeConfig, maxStackBytes } = this.#config;
    const prepared = await takeInstance(prelude, memoryLimitBytes);
    prepared.runtime.setMaxStackSize(Math.min(maxStackBytes, QJS_STACK_CAP_BYTES));
    const live = installPrelude(prepared, preludeConfig, this.#hooks);
    live.budget.cancel = this.#cancel;
    return live;
  }

  /** Disposed, or about to be (the host raised the cancel flag; its message may still be queued). */
  get #stopping(): boolean {
    return this.#disposed || Atomics.load(this.#cancel, 0) !== 0;
  }

  deliver(callId: number, resultJson: string): void {
    if (!this.#pending.delete(callId)) return;
    this.#inbox.push([callId, resultJson]);
    this.#wake?.();
  }

  /** Runs one cell; `rid` names it to the host's watchdog while it is inside the VM. */
  async run(request: CellRequest, rid = 0): Promise<RawCellResult> {
    const instance = this.#instance;
    if (instance === undefined || this.#disposed) throw new Error("session is disposed");
    const reports: Array<[string, string]> = [];
    this.#reports = reports;
    instance.budget.owner = rid;
    instance.budget.start(request.timeoutMs, request.cpuTimeMs);
    let outcome: Outcome;
    try {
      outcome = await this.#execute(instance, request);
    } catch (cause) {
      if (!(cause instanceof CorruptInstance)) throw cause;
      outcome = this.#corrupted(instance, cause);
    }
    const usage = this.#usage(instance, outcome.replace === true);
    instance.budget.stop();
    instance.budget.owner = 0;
    this.#reports = undefined;
    if (this.#stopping) this.#drop(instance);
    else if (outcome.replace === true) await this.#replace(instance);
    const { status, runnerResult, error } = outcome;
    const result: RawCellResult = { status, reports, usage, stateLost: outcome.replace === true };
    if (runnerResult !== undefined) result.runnerResult = runnerResult;
    if (error !== undefined) result.error = error;
    return result;
  }

  #corrupted(instance: LiveInstance, cause: CorruptInstance): Outcome {
    if (cause.status !== "stack") {
      const name = cause.status === "memory" ? "RangeError" : "InternalError";
      return { status: cause.status, error: { name, message: cause.message }, replace: true };
    }
    // Deep C recursion outran the native stack before QuickJS's own check: to the agent this is
    // a stack overflow like any other, but the unwound instance cannot be trusted any more.
    let salvaged: RunnerResult = { stdout: "", stderr: "", outputLimitHit: false };
    try {
      instance.budget.grace(GRACE_MS);
      const json = callForString(instance, this.#config.memoryLimitBytes, instance.fns.finish);
      if (typeof json === "string") salvaged = JSON.parse(json) as RunnerResult;
    } catch {}
    salvaged.error = { name: "InternalError", message: "stack overflow" };
    return { status: "completed", runnerResult: salvaged, replace: true };
  }

  async #replace(old: LiveInstance): Promise<void> {
    this.#drop(old);
    this.#instance = await this.#newInstance();
  }

  /** Forgets the instance (see instance.ts: the GC reclaims it whole). */
  #drop(old: LiveInstance): void {
    if (this.#instance === old) this.#instance = undefined;
    this.#pending.clear();
    this.#inbox = [];
  }

  #usage(instance: LiveInstance, corrupt: boolean): RawCellResult["usage"] {
    const { budget, memory } = instance;
    let heapBytes = memory.buffer.byteLength;
    if (!corrupt) {
      try {
        const stats = instance.runtime.computeMemoryUsage();
        const used = instance.context.getProp(stats, "memory_used_size");
        heapBytes = instance.context.getNumber(used);
        used.dispose();
        stats.dispose();
      } catch {}
    }
    return { wallMs: budget.wallMs, cpuMs: budget.cpuMs, heapBytes };
  }

  async #execute(instance: LiveInstance, request: CellRequest): Promise<Outcome> {
    const { context, runner, fns } = instance;
    const limit = this.#config.memoryLimitBytes;
    const compiled = vmCall(instance, limit, () =>
      context.evalCode(request.code, request.filename, { type: "global" }),
    );
    if (isFailure(compiled)) return this.#compileFailure(compiled);
    const options = context.newString(JSON.stringify(request.cellOptions));
    const begun = vmCall(instance, limit, () => context.callFunction(fns.begin, runner, compiled, options));
    compiled.dispose();
    options.dispose();
    if (isFailure(begun)) return this.#finish(instance, begun);
    begun.dispose();
    const stopped = await this.#loop(instance);
    return this.#finish(instance, stopped);
  }

  #compileFailure(failure: Failure): Outcome {
    if (failure.kind === "status") return { status: failure.status };
    return { status: "compile_error", error: failure.error };
  }

  /** Drives the runner until it is done; returns why it stopped early, if it did. */
  async #loop(instance: LiveInstance): Promise<Failure | undefined> {
    const limit = this.#config.memoryLimitBytes;
    for (;;) {
      const failed = this.#deliverInbox(instance) ?? this.#drain(instance);
      if (failed !== undefined) return failed;
      const state = callForString(instance, limit, instance.fns.poll);
      if (typeof state !== "string") return state;
      const expired = expiredFailure(instance);
      if (expired !== undefined) return expired;
      if (state === "done" || state === "stuck") return undefined;
      if (state === "tools" && this.#inbox.length === 0) {
        instance.budget.pause();
        await this.#waitForInbox(instance.budget.wallRemainingMs);
        instance.budget.resume();
        if (this.#disposed) {
          return { kind: "status", status: "infra", message: "session disposed during the cell" };
        }
      }
    }
  }

  #waitForInbox(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, Math.max(0, timeoutMs) + 1);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = () => {
        this.#wake = undefined;
        done();
      };
    });
  }

  #deliverInbox(instance: LiveInstance): Failure | undefined {
    const { context, runner, fns } = instance;
    const limit = this.#config.memoryLimitBytes;
    while (this.#inbox.length > 0) {
      const [callId, resultJson] = this.#inbox.shift() as [number, string];
      const id = context.newNumber(callId);
      const json = context.newString(resultJson);
      const out = vmCall(instance, limit, () => context.callFunction(fns.resolveTool, runner, id, json));
      id.dispose();
      json.dispose();
      if (isFailure(out)) return out;
      out.dispose();
      const failed = this.#drain(instance);
      if (failed !== undefined) return failed;
    }
    return expiredFailure(instance);
  }

  /** Runs pending jobs (promise reactions) under the cell's budget, so a flood is stopped. */
  #drain(instance: LiveInstance): Failure | undefined {
    const { runtime } = instance;
    while (runtime.hasPendingJob()) {
      let result: ReturnType<typeof runtime.executePendingJobs>;
      try {
        result = runtime.executePendingJobs(JOBS_PER_DRAIN);
      } catch (cause) {
        throw corrupt(instance, this.#config.memoryLimitBytes, cause);
      }
      // Reactions capture their own exceptions; what escapes is an interrupt or out-of-memory.
      if (result.error) {
        const failure = classify(instance, this.#config.memoryLimitBytes, result.error);
        if (failure.kind === "status") return failure;
      }
      const expired = expiredFailure(instance);
      if (expired !== undefined) return expired;
    }
    return undefined;
  }

  /** Collects the runner's result; after an early stop, under a short grace allowance. */
  #finish(instance: LiveInstance, stopped: Failure | undefined): Outcome {
    const limit = this.#config.memoryLimitBytes;
    if (stopped?.kind === "status") instance.budget.grace(GRACE_MS);
    const json = callForString(instance, limit, instance.fns.finish);
    let runnerResult: RunnerResult | undefined;
    if (typeof json === "string") {
      try {
        runnerResult = JSON.parse(json) as RunnerResult;
      } catch {}
    }
    if (runnerResult?.error !== undefined && isOutOfMemory(runnerResult.error)) {
      throw new CorruptInstance("memory", "session exceeded its memory limit");
    }
    if (overCeiling(instance, limit)) {
      throw new CorruptInstance("memory", "session exceeded its memory limit");
    }
    return this.#outcome(instance, stopped, runnerResult);
  }

  #outcome(
    instance: LiveInstance,
    stopped: Failure | undefined,
    runnerResult: RunnerResult | undefined,
  ): Outcome {
    if (stopped?.kind === "status") {
      // Jobs that outlive a stopped cell would run into the next one: a flood replaces the instance.
      const flooded = this.#drain(instance) !== undefined && instance.runtime.hasPendingJob();
      const outcome: Outcome = {
        status: stopped.status,
        error: { name: "TimeoutError", message: stopped.message },
      };
      if (stopped.status === "infra") outcome.error = { name: "InternalError", message: stopped.message };
      if (runnerResult !== undefined) outcome.runnerResult = runnerResult;
      if (flooded) outcome.replace = true;
      return outcome;
    }
    if (runnerResult === undefined) {
      const message = "the prelude's runner returned no result";
      return { status: "infra", error: { name: "InternalError", message }, replace: true };
    }
    if (stopped !== undefined && runnerResult.error === undefined) runnerResult.error = stopped.error;
    return { status: "completed", runnerResult };
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#wake?.();
    // A running cell drops its instance itself when it returns.
    if (this.#reports === undefined && this.#instance !== undefined) this.#drop(this.#instance);
  }
}
