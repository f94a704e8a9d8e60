/**
 * CodeActEnv: reset/step/state/close over unified actions (a CodeAct cell, a direct tool call,
 * tool discovery). One sandbox session per episode; a task's hidden tests are graded in a fresh,
 * locked-down grading session that replays the episode's action log; rubrics score each step.
 */
import {
  CodeActError,
  createSandbox,
  type EngineName,
  type ExecResult,
  gradeProgram,
  type Language,
  type Limits,
} from "../../sandbox/index.ts";
import { createFileStoreTools, type Suite, type Task } from "../../tasks/index.ts";
import { gradingProgram, logCell, logToolCall } from "./action-log.ts";
import { describeIssues, parseAction } from "./actions.ts";
import { coreTools, fileStoreTools } from "./builtin-tools.ts";
import { Episode } from "./episode.ts";
import { cellReplayProblem, forkEpisodes, toolReplayProblem } from "./fork.ts";
import { defaultRubricFor, type RubricFactory, scoreStep } from "./scoring.ts";
import { type ToolDefinition, ToolRegistry } from "./tools.ts";
import type {
  Action,
  CallToolAction,
  CallToolObservation,
  CodeAction,
  CodeObservation,
  Environment,
  EnvState,
  Observation,
  ResetObservation,
  ResetOptions,
  StepResult,
  ToolInfo,
} from "./types.ts";

export interface EnvOptions {
  engine?: EngineName;
  /** Tasks that `reset({task_id})` can pick. */
  suite?: Suite;
  /** Custom tools, available as call_tool actions and as async functions in cells. */
  tools?: readonly ToolDefinition[];
  /** The per-episode in-memory file store tools (read_file, write_file, list_files, delete_file). Default true. */
  builtinTools?: boolean;
  limits?: Partial<Limits>;
  /** Step budget of an episode (a task's `max_steps` wins). Default 50. */
  maxSteps?: number;
  /** Default seed when reset gives none. Default 0. */
  seed?: number;
  /** Rubric of an episode; default: gate on compiling, then the fraction of hidden tests passed. */
  rubric?: RubricFactory;
  /** When to run a task's hidden tests: after every code step (default) or only on submit. */
  grade?: "every_step" | "on_submit";
  /** Timeout of one direct tool call. Default 30 s. */
  toolTimeoutMs?: number;
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
        const detail = parsed.ok ? "(action): a code action needs 'code'" : describeIssues(parsed.errors);
        throw new CodeActError("INVALID_ACTION", `Invalid code action: ${detail}`, {
          details: { errors: parsed.ok ? [] : parsed.errors },
        });
      }
      const episode = await this.#currentEpisode();
      const { result } = await this.#runCell(episode, parsed.action);
      const observation = execObservation(result);
      if (result.error?.kind === "infra") observation.infra_error = true;
      return observation;
    });
  }

  callTool(name: string, args: Record<string, unknown>): Promise<CallToolObservation> {
    return this.#serialize(async () => {
      const episode = await this.#currentEpisode();
      const observation = await this.#runTool(episode, name, args);
      episode.settle(false, false, false);
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
      throw new CodeActError("INVALID_ACTION", `Invalid action: ${describeIssues(parsed.errors)}`, {
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

  /** Runs one cell in the episode's sandbox and records it (action log, solution cells). */
  async #runCell(episode: Episode, action: CodeAction): Promise<{ result: ExecResult; language: Language }> {
    const language = action.language ?? episode.language;
    episode.sandbox ??= await this.#createSandbox(episode);
    const result = await episode.sandbox.run(action.code, {
      language,
      ...(action.timeout_ms ? { limits: { timeoutMs: action.timeout_ms } } : {}),
    });
    episode.actions.push(logCell(action.code, language, result, action.timeout_ms));
    episode.notReplayable ??= cellReplayProblem(result, episode.actions.length);
    episode.lastExitCode = result.exit_code;
    return { result, language };
  }

  async #codeStep(episode: Episode, action: CodeAction): Promise<StepResult> {
    const { result, language } = await this.#runCell(episode, action);
    const infra = result.error?.kind === "infra";
    episode.stepCount += 1;
    if (!infra) episode.budgetSteps += 1;
    const observation = execObservation(result);
    const graded = await this.#gradeIfDue(episode, observation);
    episode.settle(graded.passed, episode.task?.done_when_tests_pass === true);
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
    episode.settle(false, false);
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
    if (infra) {
      // Never score the sandbox's failure as the model's: flag it and give no reward (trainers mask it).
      observation.infra_error = true;
      return { observation, reward: null, done: episode.done };
    }
    const { reward, rewards } = await scoreStep(episode.rubric, action, observation);
    observation.rewards = rewards;
    return { observation, reward, done: episode.done };
  }
}

function execObservation(result: ExecResult): CodeObservation {
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
  return observation;
}
