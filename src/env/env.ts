/**
 * CodeActEnv: reset/step/state/close over unified actions (a CodeAct cell, a direct tool call,
 * tool discovery). One sandbox session per episode; a task's hidden tests are graded in a fresh,
 * locked-down grading session that replays the episode's action log; rubrics score each step.
 */

import { CodeActError } from "../../errors/index.ts";
import { scoreStep } from "../../rewards/index.ts";
import {
  createSandbox,
  type EngineName,
  type ExecResult,
  gradeProgram,
  type Language,
  type Limits,
} from "../../sandbox/index.ts";
import type { Suite, Task } from "../../tasks/index.ts";
import { gradingProgram, logCell, logToolCall } from "./action-log.ts";
import { formatValidationIssues, parseAction } from "./actions.ts";
import { coreTools, fileStoreTools } from "./builtin-tools.ts";
import { Episode } from "./episode.ts";
import { createFileStoreTools } from "./file-store.ts";
import { cellReplayProblem, forkEpisodes, toolReplayProblem } from "./fork.ts";
import { defaultRubricFor, type RubricFactory } from "./scoring.ts";
import { type ToolDefinition, ToolRegistry } from "./tool-registry.ts";
import { toolSignatures } from "./tool-signatures.ts";
import { CellTypeChecker, formatRefusal } from "./typecheck.ts";
import type {
  Action,
  CallToolAction,
  CallToolObservation,
  CellDiagnostic,
  CodeAction,
  CodeObservation,
  Environment,
  EnvState,
  Observation,
  ResetObservation,
  ResetOptions,
  StepResult,
  ToolInfo,
  TypecheckMode,
} from "./types.ts";

/**
 * Options of `new CodeActEnv(options)`.
 * @example
 * ```ts
 * await using env = new CodeActEnv({ engine: "quickjs", maxSteps: 20, typecheck: "report" });
 * await env.reset({ seed: 1 });
 * const step = await env.step({ code: "const n: number = 1; n + 1" });
 * ```
 */
export interface EnvOptions {
  /**
   * The sandbox engine of every episode.
   * @default "isolated-vm"
   */
  engine?: EngineName;
  /**
   * Tasks that `reset({task_id})` can pick.
   * @default no suite (reset without a task)
   */
  suite?: Suite;
  /**
   * Custom tools, available as call_tool actions and as async functions in cells.
   * @default []
   */
  tools?: readonly ToolDefinition[];
  /**
   * The per-episode in-memory file store tools (read_file, write_file, list_files, delete_file).
   * @default true
   */
  builtinTools?: boolean;
  /**
   * Sandbox limits over the sandbox's defaults.
   * @default DEFAULT_LIMITS
   */
  limits?: Partial<Limits>;
  /**
   * Step budget of an episode (a task's `max_steps` wins).
   * @default 50
   */
  maxSteps?: number;
  /**
   * Seed when reset gives none.
   * @default 0
   */
  seed?: number;
  /**
   * Rubric of an episode.
   * @default defaultRubricFor: gate on compiling, then the fraction of hidden tests passed
   */
  rubric?: RubricFactory;
  /**
   * When to run a task's hidden tests: after every code step or only on submit.
   * @default "every_step"
   */
  grade?: "every_step" | "on_submit";
  /**
   * Timeout of one direct tool call.
   * @default 30000
   */
  toolTimeoutMs?: number;
  /**
   * Type checking of TS cells when reset does not say (see TypecheckMode).
   * @default "off"
   */
  typecheck?: TypecheckMode;
}

const DEFAULT_MAX_STEPS = 50;

export class CodeActEnv implements Environment {
  readonly #options: EnvOptions;
  readonly #registry: ToolRegistry;
  readonly #toolTimeoutMs: number;
  #episode: Episode | null = null;
  #closed = false;
  /**
   * Steps of one env are serialized for direct library callers, which may overlap. Under the server
   * the session's queue (src/server/sessions.ts) owns the order and this one is never contended.
   */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: EnvOptions = {}) {
    this.#options = options;
    this.#toolTimeoutMs = options.toolTimeoutMs ?? 30_000;
    const builtin = options.builtinTools === false ? [] : fileStoreTools;
    this.#registry = new ToolRegistry([...coreTools, ...builtin, ...(options.tools ?? [])]);
  }

  tools(): ToolInfo[] {
    return this.#registry.list();
  }

  reset(options: ResetOptions = {}): Promise<StepResult> {
    return this.#serialize(() => this.#reset(options));
  }

  step(action: unknown): Promise<StepResult> {
    return this.#serialize(() => this.#step(action));
  }

  /**
   * N new, independent environments whose episodes equal this one's now (sandbox, tools' state,
   * step count, rubric state, random and clock); built by replaying this episode's action log.
   */
  fork(count: number): Promise<CodeActEnv[]> {
    return this.#serialize(async () => {
      const episodes = await forkEpisodes(this.#episode, count, {
        rubricFactory: this.#options.rubric ?? defaultRubricFor,
        createSandbox: (episode) => this.#createSandbox(episode),
        toolContext: (episode) => episode.toolContext(this.#registry),
        callTool: (name, args, context) => this.#registry.call(name, args, context, this.#toolTimeoutMs),
      });
      return episodes.map((episode) => {
        const child = new CodeActEnv(this.#options);
        child.#episode = episode;
        return child;
      });
    });
  }

  /**
   * One cell outside the step loop (standard MCP's run_code: an agent there never steps): it uses
   * the episode's sandbox and is logged like a step's cell, but counts no step and is not scored.
   */
  runCode(action: unknown): Promise<CodeObservation> {
    return this.#serialize(async () => {
      const parsed = parseAction(action);
      if (!parsed.ok || !("code" in parsed.action)) {
        const detail = parsed.ok
          ? "(action): a code action needs 'code'"
          : formatValidationIssues(parsed.errors);
        throw new CodeActError("INVALID_ACTION", `Invalid code action: ${detail}`, {
          details: { errors: parsed.ok ? [] : parsed.errors },
        });
      }
      const episode = await this.#currentEpisode();
      const { result, diagnostics } = await this.#runCell(episode, parsed.action);
      const observation = execObservation(result, diagnostics);
      if (result.error?.kind === "infra") observation.infra_error = true;
      return observation;
    });
  }

  callTool(name: string, args: Record<string, unknown>): Promise<CallToolObservation> {
    return this.#serialize(async () => {
      const episode = await this.#currentEpisode();
      const observation = await this.#runTool(episode, name, args);
      episode.settle({ countsAsStep: false });
      return observation;
    });
  }

  /** One tool call on the episode's tools, as OpenEnv's call_tool observation (never throws). */
  async #runTool(
    episode: Episode,
    name: string,
    args: Record<string, unknown>,
  ): Promise<CallToolObservation> {
    const outcome = await this.#registry.call(
      name,
      args,
      episode.toolContext(this.#registry),
      this.#toolTimeoutMs,
    );
    episode.actions.push(logToolCall(name, args, outcome));
    episode.notReplayable ??= toolReplayProblem(outcome, episode.actions.length);
    return {
      tool_name: name,
      result: outcome.ok ? outcome.value : null,
      error: outcome.ok ? null : outcome.error,
    };
  }

  state(): EnvState {
    const e = this.#episode;
    const storeBytes = e?.fileStore.bytes() ?? 0;
    return {
      episode_id: e?.id ?? null,
      step_count: e?.stepCount ?? 0,
      task_id: e?.task?.id ?? null,
      last_exit_code: e?.lastExitCode ?? 0,
      done: e?.done ?? false,
      ...(e?.forkedFrom === undefined ? {} : { forked_from: e.forkedFrom }),
      ...(storeBytes > 0 ? { store_bytes: storeBytes } : {}),
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#queue.catch(() => undefined);
    await this.#episode?.disposeSandbox();
    this.#episode = null;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #serialize<T>(work: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new CodeActError("DISPOSED", "The environment is closed"));
    const run = this.#queue.then(work, work);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #findTask(taskId: string | undefined): Task | null {
    if (taskId === undefined) return null;
    const task = this.#options.suite?.get(taskId);
    if (!task) {
      const where = this.#options.suite ? `suite '${this.#options.suite.name}'` : "no suite is loaded";
      throw new CodeActError("NOT_FOUND", `Unknown task_id '${taskId}' (${where})`);
    }
    return task;
  }

  async #reset(options: ResetOptions): Promise<StepResult<ResetObservation>> {
    const task = this.#findTask(options.task_id);
    await this.#episode?.disposeSandbox();
    const episode = this.#newEpisode(task, options);
    this.#episode = episode;
    episode.sandbox = await this.#createSandbox(episode);
    const observation: ResetObservation = {
      stdout: "",
      stderr: "",
      exit_code: 0,
      language: episode.language,
      tools: this.#registry.list(),
      ...(task ? { task_id: task.id, prompt: task.prompt } : {}),
    };
    return { observation, reward: null, done: false };
  }

  #newEpisode(task: Task | null, options: ResetOptions): Episode {
    const seed = options.seed ?? this.#options.seed ?? 0;
    const factory = this.#options.rubric ?? defaultRubricFor;
    return new Episode({
      id: options.episode_id,
      task,
      seed,
      maxSteps: task?.max_steps ?? this.#options.maxSteps ?? DEFAULT_MAX_STEPS,
      rubric: factory(task),
      typecheck: options.typecheck ?? this.#options.typecheck,
    });
  }

  #createSandbox(episode: Episode) {
    return createSandbox({
      ...(this.#options.engine ? { engine: this.#options.engine } : {}),
      ...(this.#options.limits ? { limits: this.#options.limits } : {}),
      seed: episode.seed,
      tools: this.#registry.sandboxTools(episode.toolContext(this.#registry), this.#toolTimeoutMs),
    });
  }

  async #currentEpisode(): Promise<Episode> {
    if (!this.#episode) await this.#reset({});
    return this.#episode as Episode;
  }

  async #step(input: unknown): Promise<StepResult> {
    // An action a transport already parsed at its edge (frozen, remembered) is not validated again.
    const parsed = parseAction(input);
    if (!parsed.ok) {
      throw new CodeActError("INVALID_ACTION", `Invalid action: ${formatValidationIssues(parsed.errors)}`, {
        details: { errors: parsed.errors },
      });
    }
    const episode = await this.#currentEpisode();
    if (episode.done) {
      throw new CodeActError(
        "EPISODE_DONE",
        `The episode is done (${episode.doneReason}); call reset to start a new one`,
      );
    }
    const action = parsed.action;
    if ("code" in action) return this.#codeStep(episode, action);
    if (action.type === "list_tools") {
      episode.stepCount += 1;
      return { observation: { tools: this.#registry.list() }, reward: null, done: false };
    }
    return this.#toolStep(episode, action);
  }

  /**
   * Runs one cell in the episode's sandbox and records it (action log, solution cells); type-checks
   * a TS cell first when the step or the episode asks, and under "enforce" does not run one with
   * type errors (nor log it: it never ran).
   */
  async #runCell(
    episode: Episode,
    action: CodeAction,
  ): Promise<{ result: ExecResult; language: Language; diagnostics?: CellDiagnostic[] }> {
    const language = action.language ?? episode.language;
    const mode = action.typecheck ?? episode.typecheck;
    let diagnostics: CellDiagnostic[] | undefined;
    if (mode !== "off" && language === "ts") {
      diagnostics = await this.#typeCheck(episode, action.code);
      if (mode === "enforce" && diagnostics.length > 0) {
        episode.lastExitCode = 1;
        return { result: refusedResult(diagnostics), language, diagnostics };
      }
    }
    episode.sandbox ??= await this.#createSandbox(episode);
    const result = await episode.sandbox.run(action.code, {
      language,
      ...(action.timeout_ms ? { limits: { timeoutMs: action.timeout_ms } } : {}),
    });
    episode.actions.push(logCell(action.code, language, result, action.timeout_ms));
    episode.notReplayable ??= cellReplayProblem(result, episode.actions.length);
    episode.lastExitCode = result.exit_code;
    return diagnostics === undefined ? { result, language } : { result, language, diagnostics };
  }

  async #typeCheck(episode: Episode, code: string): Promise<CellDiagnostic[]> {
    episode.checker ??= CellTypeChecker.create(toolSignatures(this.#registry.list()));
    const checker = await episode.checker;
    checker.sync(episode.actions);
    return checker.check(code);
  }

  async #codeStep(episode: Episode, action: CodeAction): Promise<StepResult> {
    const { result, language, diagnostics } = await this.#runCell(episode, action);
    const infra = result.error?.kind === "infra";
    episode.stepCount += 1;
    if (!infra) episode.budgetSteps += 1;
    const observation = execObservation(result, diagnostics);
    const graded = await this.#gradeIfDue(episode, observation);
    episode.settle({ testsPassed: graded.passed });
    // Rubrics see the language the cell really ran as, not just what the action spelled out.
    return this.#finishStep(episode, { ...action, language }, observation, infra || graded.infra);
  }

  async #toolStep(episode: Episode, action: CallToolAction): Promise<StepResult> {
    const observation: Observation = await this.#runTool(episode, action.tool_name, action.arguments ?? {});
    episode.stepCount += 1;
    episode.budgetSteps += 1;
    let infra = false;
    if (episode.pendingSubmit && episode.task && this.#options.grade === "on_submit") {
      infra = (await this.#gradeIfDue(episode, observation, true)).infra;
    } else if (episode.lastTests) {
      observation.tests = episode.lastTests;
    }
    episode.settle();
    return this.#finishStep(episode, action, observation, infra);
  }

  /** Runs the task's hidden tests on the agent's cells, when the grading policy says so. */
  async #gradeIfDue(
    episode: Episode,
    observation: Observation,
    force = false,
  ): Promise<{ passed: boolean; infra: boolean }> {
    const task = episode.task;
    const policy = this.#options.grade ?? "every_step";
    if (!task || (policy === "on_submit" && !episode.pendingSubmit && !force))
      return { passed: false, infra: false };
    const grade = await gradeProgram({
      program: gradingProgram(episode.actions),
      tests: task.tests,
      language: task.language,
      seed: episode.seed,
      ...(this.#options.engine ? { engine: this.#options.engine } : {}),
      ...(this.#options.limits ? { limits: this.#options.limits } : {}),
      tools: this.#registry.sandboxTools(
        // The grader gets a fresh file store: the tests see only what the replayed cells write.
        {
          ...episode.toolContext(this.#registry),
          fileStore: createFileStoreTools().tools,
          submit: () => undefined,
        },
        this.#toolTimeoutMs,
      ),
    });
    if (grade.infra) return { passed: false, infra: true };
    const target = observation as CodeObservation;
    if (target.tests) target.cell_tests = target.tests;
    target.tests = grade.tests;
    episode.lastTests = grade.tests;
    return { passed: grade.passed, infra: false };
  }

  async #finishStep(
    episode: Episode,
    action: Action,
    observation: Observation,
    infra: boolean,
  ): Promise<StepResult> {
    if (episode.submitted) observation.submitted = episode.submitted;
    if (episode.done && episode.doneReason) observation.done_reason = episode.doneReason;
    // Never score the sandbox's failure as the model's: flag it, and scoreStep (rewards/, the one
    // owner of that mask) gives no reward, so trainers mask the step.
    if (infra) observation.infra_error = true;
    const { reward, rewards } = await scoreStep(episode.rubric, action, observation);
    if (reward !== null) observation.rewards = rewards;
    return { observation, reward, done: episode.done };
  }
}

/** A cell typecheck "enforce" refused: not run, tsc's report on stderr, the first error as `error`. */
function refusedResult(diagnostics: readonly CellDiagnostic[]): ExecResult {
  const first = diagnostics[0] as CellDiagnostic;
  const more = diagnostics.length > 1 ? ` (and ${diagnostics.length - 1} more type errors)` : "";
  return {
    ok: false,
    stdout: "",
    stderr: formatRefusal(diagnostics),
    exit_code: 1,
    error: {
      kind: "type",
      name: "TSError",
      message: `TS${first.code}: ${first.message.replace(/\.$/, "")}${more}; the cell was not run (typecheck "enforce")`,
      line: first.line,
      column: first.column,
    },
    usage: { wall_ms: 0, cpu_ms: 0, heap_bytes: 0 },
  };
}

function execObservation(result: ExecResult, diagnostics?: CellDiagnostic[]): CodeObservation {
  const observation: CodeObservation = {
    stdout: result.stdout,
    stderr: result.stderr,
    exit_code: result.exit_code,
    usage: result.usage,
  };
  if (result.value !== undefined) observation.value = result.value;
  if (result.error) observation.error = result.error;
  if (result.tests) observation.tests = result.tests;
  if (result.state_lost) observation.state_lost = true;
  if (diagnostics !== undefined) observation.diagnostics = diagnostics;
  return observation;
}
