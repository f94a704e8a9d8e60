/**
 * One episode's mutable state, and the ToolContext its tools see. Kept apart from CodeActEnv so
 * the env class stays a thin state machine over it.
 */
import { randomUUID } from "node:crypto";
import type { Rubric } from "../../rewards/index.ts";
import type { Language, Sandbox, TestReport } from "../../sandbox/index.ts";
import type { Task } from "../../tasks/index.ts";
import type { LoggedAction } from "./action-log.ts";
import { createFileStoreTools } from "./file-store.ts";
import type { ToolContext, ToolRegistry } from "./tool-registry.ts";
import type { CellTypeChecker } from "./typecheck.ts";
import type { TypecheckMode } from "./types.ts";

export class Episode {
  readonly id: string;
  readonly task: Task | null;
  readonly seed: number;
  readonly language: Language;
  readonly maxSteps: number;
  readonly rubric: Rubric;
  readonly fileStore = createFileStoreTools();
  /** Every cell and direct tool call, in order: what `fork` and grading replay (see action-log.ts). */
  readonly actions: LoggedAction[] = [];
  /**
   * Why a replay could not rebuild this episode exactly, once something made it so (a timeout
   * stops a cell at a wall-clock moment; a memory limit or an infra failure loses the state).
   */
  notReplayable: string | undefined;
  /** The episode this one was forked from. */
  forkedFrom: string | undefined;
  sandbox: Sandbox | null = null;
  stepCount = 0;
  /** Steps that count against the budget (infra failures do not: they are not the agent's doing). */
  budgetSteps = 0;
  lastExitCode = 0;
  done = false;
  doneReason: string | undefined;
  submitted: { answer: unknown } | undefined;
  /** The latest hidden-test report, carried onto later observations (e.g. a submit tool call). */
  lastTests: TestReport | undefined;
  /** Type checking of TS cells (a step may override it). */
  readonly typecheck: TypecheckMode;
  /** The episode's type checker, made on the first checked cell (never when checking is off). */
  checker: Promise<CellTypeChecker> | undefined;
  /** Set by the submit tool during a step; applied when the step ends. */
  pendingSubmit: { answer: unknown } | undefined;

  constructor(init: {
    id?: string | undefined;
    task: Task | null;
    seed: number;
    maxSteps: number;
    rubric: Rubric;
    typecheck?: TypecheckMode | undefined;
  }) {
    this.id = init.id ?? randomUUID();
    this.task = init.task;
    this.seed = init.seed;
    this.language = init.task?.language ?? "ts";
    this.maxSteps = init.maxSteps;
    this.rubric = init.rubric;
    this.typecheck = init.typecheck ?? "off";
  }

  toolContext(registry: ToolRegistry): ToolContext {
    return {
      episodeId: this.id,
      taskId: this.task?.id ?? null,
      fileStore: this.fileStore.tools,
      submit: (answer) => {
        this.pendingSubmit = { answer };
      },
      listTools: () => registry.list(),
    };
  }

  /**
   * Applies what a step decided about the episode's end: a pending submit ends it; passing tests
   * end it when the task says so; a step that counts (default) may use up the step budget.
   */
  settle(step: { testsPassed?: boolean; countsAsStep?: boolean } = {}): void {
    const { testsPassed = false, countsAsStep = true } = step;
    const doneWhenTestsPass = this.task?.done_when_tests_pass === true;
    if (this.pendingSubmit) {
      this.submitted = this.pendingSubmit;
      this.pendingSubmit = undefined;
      this.end("submitted");
    } else if (testsPassed && doneWhenTestsPass) {
      this.end("tests_passed");
    } else if (countsAsStep && this.budgetSteps >= this.maxSteps) {
      this.end("step_budget");
    }
  }

  end(reason: string): void {
    if (this.done) return;
    this.done = true;
    this.doneReason = reason;
  }

  async disposeSandbox(): Promise<void> {
    const sandbox = this.sandbox;
    this.sandbox = null;
    await sandbox?.dispose();
  }
}
