/**
 * A sandbox session: one engine session plus the host-side steps of every cell (size limit,
 * transpile, rewrite, run, result shaping). Runs of one session are serialized.
 */
import { randomUUID } from "node:crypto";
import { CodeActError } from "../errors/index.ts";
import { toolCallback, validateTools } from "./cell/host-tools.ts";
import { EXIT_CODES, errorResult, shapeResult, withErrorOnStderr } from "./cell/result.ts";
import { rewriteCell } from "./cell/rewrite.ts";
import type { CellScript } from "./cell/sourcemap.ts";
import { transpile } from "./cell/transpile.ts";
import type {
  CellRequest,
  EngineSession,
  EngineSessionConfig,
  PreludeConfig,
  RawCellResult,
} from "./engines/contract.ts";
import { CellHistory, type RecordedCell, reproduce } from "./engines/quarantine.ts";
import {
  DEFAULT_ENGINE,
  ENGINE_NAMES,
  getEngine,
  getQuarantineEngine,
  isEngineName,
  trackSandbox,
} from "./engines/registry.ts";
import { mergeLimits, validateLimits, validateNumber } from "./options.ts";
import { getPrelude } from "./prelude-bundle.ts";
import type {
  EngineName,
  ExecError,
  ExecResult,
  Language,
  Limits,
  RunOptions,
  Sandbox,
  SandboxOptions,
} from "./types.ts";

const DEFAULT_START_TIME_MS = 1_700_000_000_000;
const KEPT_SCRIPTS = 64;

let preludeSource: string | undefined;
function prelude(): string {
  preludeSource ??= getPrelude();
  return preludeSource;
}

export function createSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  return createSandboxSession(options);
}

/** What a cell produced, plus the prelude's host reports (grade.ts reads them). */
export interface CellOutcome {
  result: ExecResult;
  reports: Array<[kind: string, data: string]>;
}

/** @internal The session class itself, with `runCell` (grading needs the raw reports). */
export async function createSandboxSession(options: SandboxOptions = {}): Promise<SandboxSession> {
  if (options === null || typeof options !== "object") {
    throw new CodeActError("INVALID_ARGUMENT", "sandbox options must be an object");
  }
  const engineName = options.engine ?? DEFAULT_ENGINE;
  if (!isEngineName(engineName)) {
    throw new CodeActError(
      "INVALID_ARGUMENT",
      `engine must be ${ENGINE_NAMES.map((n) => `"${n}"`).join(" or ")}`,
      {
        details: { field: "engine" },
      },
    );
  }
  const sessionLimits = validateLimits(options.limits, "limits");
  const limits = mergeLimits(sessionLimits);
  const tools = validateTools(options.tools);
  const preludeConfig: PreludeConfig = {
    seed: validateNumber(options.seed, "seed", -(2 ** 53), 2 ** 53) ?? 0,
    realTime: options.realTime === true,
    startTimeMs: validateNumber(options.startTimeMs, "startTimeMs", 0, 8.64e15) ?? DEFAULT_START_TIME_MS,
    toolNames: Object.keys(tools),
    grading: options.grading === true,
  };
  const engine = await getEngine(engineName);
  const config: EngineSessionConfig = {
    prelude: prelude(),
    preludeConfig,
    memoryLimitBytes: limits.memoryLimitBytes,
    maxStackBytes: limits.maxStackBytes,
  };
  const history = new CellHistory();
  const session = await engine.createSession(config, history.recording(toolCallback(tools)));
  trackSandbox(1);
  return new SandboxSession(engineName, session, sessionLimits, { config, history });
}

/** What a session keeps to re-run a cell in quarantine when its worker crashes (quarantine.ts). */
interface Attribution {
  config: EngineSessionConfig;
  history: CellHistory;
}

export class SandboxSession implements Sandbox {
  readonly id = `sbx_${randomUUID()}`;
  readonly engine: EngineName;
  #session: EngineSession;
  #limits: Partial<Limits>;
  #disposed = false;
  #cells = 0;
  #queue: Promise<unknown> = Promise.resolve();
  /** Recent cells by engine filename, to map frames of functions defined in earlier cells. */
  #scripts = new Map<string, CellScript>();
  #onDispose: (() => void) | undefined;
  readonly #attribution: Attribution;

  constructor(engine: EngineName, session: EngineSession, limits: Partial<Limits>, attribution: Attribution) {
    this.engine = engine;
    this.#session = session;
    this.#limits = limits;
    this.#attribution = attribution;
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  async run(code: string, options: RunOptions = {}): Promise<ExecResult> {
    return (await this.runCell(code, options)).result;
  }

  runCell(code: string, options: RunOptions = {}): Promise<CellOutcome> {
    if (this.#disposed) return Promise.reject(new CodeActError("DISPOSED", `sandbox ${this.id} is disposed`));
    if (typeof code !== "string") {
      return Promise.reject(new CodeActError("INVALID_ARGUMENT", "code must be a string"));
    }
    let limits: Limits;
    let language: Language;
    try {
      // memoryLimitBytes and maxStackBytes belong to the engine session: per-run values are
      // validated but only the session's apply.
      const session = mergeLimits(this.#limits);
      limits = {
        ...mergeLimits(this.#limits, options.limits),
        memoryLimitBytes: session.memoryLimitBytes,
        maxStackBytes: session.maxStackBytes,
      };
      language = validateLanguage(options.language);
    } catch (err) {
      return Promise.reject(err);
    }
    const next = this.#queue.then(() => this.#runNow(code, language, limits, options.strict === true));
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async #runNow(code: string, language: Language, limits: Limits, strict: boolean): Promise<CellOutcome> {
    if (this.#disposed) throw new CodeActError("DISPOSED", `sandbox ${this.id} is disposed`);
    const bytes = Buffer.byteLength(code, "utf8");
    if (bytes > limits.maxSourceBytes) {
      return noReports({
        kind: "source_limit",
        name: "SourceLimitError",
        message: `the cell is ${bytes} bytes; the limit is ${limits.maxSourceBytes} bytes`,
      });
    }
    const transpiled = await transpile(code, language);
    if (!transpiled.ok) return noReports({ ...transpiled.error });
    const rewritten = rewriteCell(transpiled, { strict });
    if (!rewritten.ok) return noReports({ ...rewritten.error });
    const n = ++this.#cells;
    const filename = `cell-${n}.js`;
    const request: CellRequest = {
      code: rewritten.code,
      filename,
      timeoutMs: limits.timeoutMs,
      cpuTimeMs: limits.cpuTimeMs,
      cellOptions: {
        outputLimitBytes: limits.outputLimitBytes,
        filename,
        displayName: `cell-${n}.${language}`,
        positions: rewritten.positions,
      },
    };
    let raw: RawCellResult;
    let crashed: string | undefined;
    const cell = this.#attribution.history.begin(request);
    try {
      raw = await this.#whileAlive(this.#session.run(request));
      crashed = await this.#attribute(cell, raw);
    } catch (err) {
      this.#attribution.history.end(cell, true);
      if (this.#disposed)
        throw new CodeActError("DISPOSED", `sandbox ${this.id} was disposed during the run`);
      return noReports({
        kind: "infra",
        name: "InfraError",
        message: `the engine failed: ${err instanceof Error ? err.message : String(err)}`,
      });
    }
    const script: CellScript = { filename, displayName: `cell-${n}.${language}`, mapper: rewritten.mapper };
    this.#scripts.set(filename, script);
    if (this.#scripts.size > KEPT_SCRIPTS) this.#scripts.delete(this.#scripts.keys().next().value as string);
    const result = shapeResult(raw, { ...script, limits, resolve: (f) => this.#scripts.get(f) });
    if (crashed !== undefined) {
      result.error = { kind: "crash", name: "CrashError", message: crashed };
      result.exit_code = EXIT_CODES.crash;
    } else if (raw.stateLost && raw.status !== "infra" && n > 1 && !lostByItself(raw)) {
      // The sandbox was replaced before this cell ran (its worker died under another session):
      // the cell ran without the state it was written for, so its outcome is nobody's to score.
      result.ok = false;
      result.error = {
        kind: "infra",
        name: "InfraError",
        message:
          "the sandbox hosting this session was lost before this cell ran (its worker died under another session); the cell ran in a fresh sandbox without the state of earlier cells",
      };
      result.exit_code = EXIT_CODES.infra;
    }
    return { result: withErrorOnStderr(result), reports: raw.reports };
  }

  /**
   * Records the cell for a later replay and, when its worker died under it, replays the session
   * in quarantine: the message of a crash the cell reproduced, or undefined.
   */
  async #attribute(cell: RecordedCell, raw: RawCellResult): Promise<string | undefined> {
    const { history, config } = this.#attribution;
    const earlier = history.replayable();
    history.end(cell, raw.stateLost);
    if (raw.status !== "infra" || raw.suspect !== true) return undefined;
    const quarantine = () => getQuarantineEngine(this.engine);
    // Past the history's cap the cell is still re-run, alone: a cell that crashes by itself is caught.
    const verdict = await reproduce(this.engine, quarantine, config, earlier ?? [], cell);
    if (verdict !== "crash") return undefined;
    return `the cell crashed the worker hosting its sandbox (${raw.error?.message ?? "lost"}), and crashed a quarantined one again when re-run there after the session's earlier cells; the state of earlier cells is lost`;
  }

  /** An in-flight run settles as soon as the sandbox is disposed, whatever the engine still does. */
  #whileAlive<T>(work: Promise<T>): Promise<T> {
    const disposal = new Promise<never>((_, reject) => {
      this.#onDispose = () =>
        reject(new CodeActError("DISPOSED", `sandbox ${this.id} was disposed during the run`));
    });
    disposal.catch(() => undefined);
    return Promise.race([work, disposal]).finally(() => {
      this.#onDispose = undefined;
    });
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#onDispose?.();
    trackSandbox(-1);
    await this.#session.dispose();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }
}

/** A cell that lost the state itself (memory limit, a wedge past its own deadline). */
function lostByItself(raw: RawCellResult): boolean {
  return raw.status === "memory" || raw.status === "timeout" || raw.status === "cpu_timeout";
}

function noReports(error: ExecError): CellOutcome {
  return { result: withErrorOnStderr(errorResult(error)), reports: [] };
}

function validateLanguage(language: unknown): Language {
  if (language === undefined) return "js";
  if (language !== "js" && language !== "ts") {
    throw new CodeActError("INVALID_ARGUMENT", `language must be "js" or "ts"`, {
      details: { field: "language" },
    });
  }
  return language;
}
