/**
 * Child side: one session = one installed isolate. Runs cells by driving the runner protocol
 * (begin, poll, resolveTool, finish) with ivm's async calls, so the isolate runs on ivm's thread
 * pool and this process's main thread stays free for other sessions and IPC.
 */
import type ivm from "isolated-vm";
import type { CellRequest, RawCellResult, RawStatus, RunnerResult } from "../../contract.ts";
import { type ChildSessionConfig, FINISH_BUDGET_MS, memoryLimitMb } from "../protocol.ts";
import {
  AFTER_BEGIN_SKIPPED,
  type BridgeTarget,
  EVALUATED_TO,
  type Installed,
  NOT_EVALUATED,
} from "./isolate.ts";
import {
  beginCell,
  CellClock,
  classify,
  type ErrorInfo,
  evaluatedOutcome,
  limitError,
  type Outcome,
  parseRunnerResult,
  RunState,
} from "./run.ts";
import type { SparePool } from "./spares.ts";

export type ToolCallSink = (sid: number, rid: number, cid: number, name: string, argsJson: string) => void;

const MAX_PENDING_TOOL_CALLS = 1_000;
const MAX_TOOL_ARGS_BYTES = 16 * 1024 * 1024;
/**
 * Filenames that can name a cell script evaluated in the isolate: its `//# sourceURL=` comment
 * names the frames as the engine's compile would (the last such comment wins, so a cell's own
 * cannot rename them). Others (never made by the sandbox session) take the engine's compile.
 */
const PLAIN_FILENAME = /^[\w.-]+$/;

interface Extra {
  runnerResult?: RunnerResult;
  error?: ErrorInfo;
  stateLost?: boolean;
  /** Already read (see begin()). */
  heapBytes?: number | undefined;
}

export class ChildSession implements BridgeTarget {
  readonly sid: number;
  private readonly config: ChildSessionConfig;
  private readonly spares: SparePool;
  private readonly sendToolCall: ToolCallSink;
  private sandbox: Installed | undefined;
  /** An install still on its way (runs wait for it); why the last one failed, if it did. */
  private installing: Promise<void> | undefined;
  private hurry: () => void = () => {};
  private installError: string | undefined;
  private current: RunState | undefined;
  /** No cell hit a limit or lost its sandbox: a borrowed isolate may serve another session. */
  private clean = true;
  private nextCid = 1;
  private disposed = false;
  private constructor(sid: number, config: ChildSessionConfig, spares: SparePool, sink: ToolCallSink) {
    this.sid = sid;
    this.config = config;
    this.spares = spares;
    this.sendToolCall = sink;
  }

  static async create(
    sid: number,
    config: ChildSessionConfig,
    spares: SparePool,
    sink: ToolCallSink,
  ): Promise<ChildSession> {
    const session = new ChildSession(sid, config, spares, sink);
    const deferred = session.rebuild();
    // Installing while the answer travels (and the agent thinks) keeps it off the create's path.
    if (!deferred) await session.installing;
    if (session.installError !== undefined) throw new Error(session.installError);
    return session;
  }

  callTool(name: string, argsJson: string): number {
    const run = this.current;
    if (run === undefined) throw new Error("tools can only be called while a cell runs");
    if (run.pending.size >= MAX_PENDING_TOOL_CALLS) throw new Error("too many concurrent tool calls");
    if (argsJson.length > MAX_TOOL_ARGS_BYTES) throw new Error("tool arguments too large");
    const cid = this.nextCid++;
    run.pending.add(cid);
    this.sendToolCall(this.sid, run.rid, cid, name, argsJson);
    return cid;
  }

  report(kind: string, data: string): void {
    this.current?.report(kind, data);
  }

  toolResult(rid: number, cid: number, json: string): void {
    if (this.current?.rid === rid) this.current.deliver(cid, json);
  }

  async run(rid: number, req: CellRequest): Promise<RawCellResult> {
    if (this.installing !== undefined) {
      this.hurry();
      await this.installing;
    }
    const sandbox = this.sandbox;
    if (sandbox === undefined || this.disposed) return unavailable(this.whyUnavailable());
    const run = new RunState(rid);
    this.current = run;
    try {
      const clock = new CellClock(sandbox.isolate, req);
      const outcome = await this.execute(sandbox, req, clock, run);
      return await this.conclude(outcome, sandbox, req, clock, run);
    } finally {
      this.current = undefined;
    }
  }

  private whyUnavailable(): string {
    return `sandbox is not available${this.installError === undefined ? "" : `: ${this.installError}`}`;
  }

  dispose(): void {
    this.disposed = true;
    this.sandbox?.retire(this.clean && this.current === undefined);
    this.sandbox = undefined;
  }

  /** Starts checking out an isolate into `installing`; true when nobody needs to wait for it. */
  private rebuild(): boolean {
    const { preludeKey, preludeConfig, memoryLimitBytes } = this.config;
    const checkout = this.spares.checkout(preludeKey, memoryLimitMb(memoryLimitBytes), preludeConfig);
    this.installError = undefined;
    const installing = checkout.ready.then(
      (sandbox) => {
        if (this.disposed) {
          sandbox.retire(true);
          return;
        }
        sandbox.bridge.target = this;
        this.sandbox = sandbox;
      },
      (error: unknown) => {
        this.installError = error instanceof Error ? error.message : String(error);
      },
    );
    this.installing = installing;
    this.hurry = checkout.hurry;
    void installing.then(() => {
      if (this.installing === installing) this.installing = undefined;
    });
    return checkout.deferrable;
  }

  private async execute(sb: Installed, req: CellRequest, clock: CellClock, run: RunState): Promise<Outcome> {
    try {
      const heapFallback = () => this.heapBytes(sb);
      let begun: { state: unknown; heapBytes?: Promise<number> } = PLAIN_FILENAME.test(req.filename)
        ? await beginCell(
            sb,
            { source: withSourceUrl(req), filename: req.filename },
            req,
            clock,
            heapFallback,
          )
        : { state: NOT_EVALUATED };
      if (typeof begun.state === "string" && begun.state.startsWith(EVALUATED_TO))
        return evaluatedOutcome(begun.state);
      if (begun.state === NOT_EVALUATED) {
        // Compiled by the engine this time, for the error's position (or a non-function's type).
        const evaluated = await this.evaluate(sb, req, clock);
        if (!("fn" in evaluated)) return evaluated;
        try {
          begun = await beginCell(sb, evaluated, req, clock, heapFallback);
        } finally {
          evaluated.fn.release();
        }
      }
      const state = begun.state;
      if (typeof state === "string" && state.startsWith("{") && begun.heapBytes !== undefined)
        return { status: "completed", finished: state, heapBytes: await begun.heapBytes };
      return await this.pollLoop(sb, clock, run, state);
    } catch (error) {
      return classify(error, sb.isolate, clock, "runner_error");
    }
  }

  /** Polls a begun cell to its end, delivering tool results and firing timers on the way. */
  private async pollLoop(sb: Installed, clock: CellClock, run: RunState, begun: unknown): Promise<Outcome> {
    let state = begun;
    try {
      for (;;) {
        if (state === AFTER_BEGIN_SKIPPED) {
          const timeout = clock.budgetMs();
          // Folding finish into the poll gives finish only what is left of the cell's budget, so
          // it is done only while that is at least the grace finish would get on its own.
          const method = timeout >= FINISH_BUDGET_MS ? sb.pollFinish : sb.poll;
          state = await method.apply(undefined, [], { timeout });
        }
        if (typeof state === "string" && state.startsWith("{"))
          return { status: "completed", finished: state };
        if (state === "done" || state === "stuck") return { status: "completed" };
        if (state === "tools") await this.deliverTools(sb, clock, run);
        else if (state !== "timer") throw new Error(`runner.poll() returned ${String(state)}`);
        state = AFTER_BEGIN_SKIPPED;
      }
    } catch (error) {
      return classify(error, sb.isolate, clock, "runner_error");
    }
  }

  /** The engine's own compile of the cell script (with its filename), for the rare error path. */
  private async evaluate(
    sb: Installed,
    req: CellRequest,
    clock: CellClock,
  ): Promise<{ fn: ivm.Reference } | Outcome> {
    try {
      const options = { filename: req.filename, reference: true, timeout: clock.budgetMs() } as const;
      const fn: ivm.Reference = await sb.context.eval(req.code, options);
      if (fn.typeof === "function") return { fn };
      fn.release();
      const message = `the cell script must evaluate to a function, got ${fn.typeof}`;
      return { status: "compile_error", error: { name: "TypeError", message } };
    } catch (error) {
      return classify(error, sb.isolate, clock, "compile_error");
    }
  }

  private async deliverTools(sb: Installed, clock: CellClock, run: RunState): Promise<void> {
    while (!(await run.waitResult(clock.wallRemainingMs()))) {
      if (clock.wallRemainingMs() <= 0) clock.budgetMs();
    }
    for (const [cid, json] of run.results.splice(0)) {
      await sb.resolveTool.apply(undefined, [cid, json], { timeout: clock.budgetMs() });
    }
  }

  /** Turns an outcome into the wire result; collects the runner's output whenever it can. */
  private async conclude(
    outcome: Outcome,
    sb: Installed,
    req: CellRequest,
    clock: CellClock,
    run: RunState,
  ): Promise<RawCellResult> {
    const status = outcome.status;
    if (status !== "completed" && status !== "compile_error") this.clean = false;
    if (status === "compile_error") return this.result(status, sb, clock, run, { error: outcome.error });
    if (status === "memory" || status === "infra") return this.lost(outcome, sb, clock, run);
    const finished =
      outcome.status === "completed" && outcome.finished !== undefined
        ? parseRunnerResult(outcome.finished)
        : await this.finish(sb, clock, status === "completed" || status === "runner_error");
    if ("status" in finished) {
      if (finished.status === "memory" || finished.status === "infra")
        return this.lost(finished, sb, clock, run);
      // finish() itself overran: the output is lost, the cell is charged with a timeout.
      this.clean = false;
      const limit = status === "timeout" || status === "cpu_timeout" ? status : "timeout";
      return this.result(limit, sb, clock, run, { error: limitError(limit, req) });
    }
    if (status === "completed") {
      const heapBytes = outcome.status === "completed" ? outcome.heapBytes : undefined;
      return this.result(status, sb, clock, run, { runnerResult: finished, heapBytes });
    }
    if (status === "runner_error") {
      finished.error ??= outcome.error;
      return this.result("completed", sb, clock, run, { runnerResult: finished });
    }
    return this.result(status, sb, clock, run, { runnerResult: finished, error: limitError(status, req) });
  }

  /** The isolate is gone (memory limit) or unusable: replace it, same session id, same tools. */
  private lost(outcome: Outcome, sb: Installed, clock: CellClock, run: RunState): RawCellResult {
    const status: RawStatus = outcome.status === "memory" ? "memory" : "infra";
    const error =
      outcome.status === "infra"
        ? infraError(outcome.message)
        : {
            name: "MemoryError",
            message: `the session exceeded its ${memoryLimitMb(this.config.memoryLimitBytes)} MiB memory limit; the sandbox was replaced and its state lost`,
          };
    const result = this.result(status, sb, clock, run, { error, stateLost: true });
    this.clean = false;
    sb.retire(false);
    this.sandbox = undefined;
    // The next run waits for the replacement; a failed one makes that run answer "infra".
    if (!this.disposed) this.rebuild();
    return result;
  }

  private async finish(sb: Installed, clock: CellClock, normal: boolean): Promise<RunnerResult | Outcome> {
    // After a normal end finish may use what is left of the cell's time; after a limit, a grace.
    const timeout = Math.ceil(
      normal ? Math.max(FINISH_BUDGET_MS, clock.wallRemainingMs()) : FINISH_BUDGET_MS,
    );
    try {
      const json: unknown = await sb.finish.apply(undefined, [], { timeout });
      return parseRunnerResult(json);
    } catch (error) {
      return classify(error, sb.isolate, clock, "runner_error");
    }
  }

  private result(
    status: RawStatus,
    sb: Installed,
    clock: CellClock,
    run: RunState,
    extra: Extra,
  ): RawCellResult {
    const result: RawCellResult = {
      status,
      reports: run.reports,
      usage: {
        wallMs: clock.elapsedMs(),
        cpuMs: clock.cpuMs(),
        heapBytes: extra.heapBytes ?? this.heapBytes(sb),
      },
      stateLost: extra.stateLost ?? false,
    };
    if (extra.runnerResult !== undefined) result.runnerResult = extra.runnerResult;
    if (extra.error !== undefined) result.error = extra.error;
    return result;
  }

  private heapBytes(sb: Installed): number {
    if (sb.isolate.isDisposed) return this.config.memoryLimitBytes;
    try {
      return sb.isolate.getHeapStatisticsSync().used_heap_size;
    } catch {
      return this.config.memoryLimitBytes;
    }
  }
}

function withSourceUrl(req: CellRequest): string {
  return `${req.code}\n//# sourceURL=${req.filename}`;
}

function infraError(message: string): ErrorInfo {
  return { name: "InfraError", message };
}

function unavailable(message: string): RawCellResult {
  return { status: "infra", error: infraError(message), reports: [], usage: zeroUsage(), stateLost: true };
}

function zeroUsage(): RawCellResult["usage"] {
  return { wallMs: 0, cpuMs: 0, heapBytes: 0 };
}
