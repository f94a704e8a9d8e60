/**
 * The Rubric base class (OpenEnv RFC 004, modelled on torch.nn.Module).
 *
 * - Subclasses implement `forward(action, observation)`, sync or async, returning a finite number.
 * - `call(action, observation)` ALWAYS returns a Promise: it awaits the forward-pre hooks, forward,
 *   then the forward hooks (hooks may be sync or async; an exception in a hook propagates).
 * - Children are registered explicitly, no Proxy: `this.tests = this.addRubric("tests", rubric)`.
 *   The name is the path segment ("gate.tests"); it must be non-empty, without ".", and unique.
 * - `rubrics()` / `namedRubrics()` list every descendant (not the rubric itself), depth first.
 *   `stateDict()` and `lastScores()` also carry the rubric itself under the path "".
 */
import { CodeActError } from "../errors/index.ts";
import type { JsonObject, RubricAction, RubricObservation } from "./types.ts";

export type ForwardPreHook = (
  rubric: Rubric,
  action: RubricAction,
  observation: RubricObservation,
) => void | Promise<void>;

export type ForwardHook = (
  rubric: Rubric,
  action: RubricAction,
  observation: RubricObservation,
  score: number,
) => void | Promise<void>;

export interface HookHandle {
  /** Unregisters the hook; harmless twice. */
  remove(): void;
}

/** A rubric's own part of a state dict; a whole state dict maps paths ("" = root) to these. */
export type StateDict = Record<string, JsonObject>;

/**
 * Every call takes the next number, so "ran during the root's last call" is "started after the
 * root started" — no clearing pass over the tree is needed before a call.
 */
let callSequence = 0;

export abstract class Rubric {
  /** Score of the last completed call; undefined before the first call, after reset, or while running. */
  lastScore: number | undefined = undefined;
  readonly #children = new Map<string, Rubric>();
  readonly #preHooks = new Set<ForwardPreHook>();
  readonly #hooks = new Set<ForwardHook>();
  #lastCallSeq = 0;

  abstract forward(action: RubricAction, observation: RubricObservation): number | Promise<number>;

  async call(action: RubricAction, observation: RubricObservation): Promise<number> {
    this.#lastCallSeq = ++callSequence;
    this.lastScore = undefined;
    for (const hook of [...this.#preHooks]) await hook(this, action, observation);
    const score = await this.forward(action, observation);
    if (typeof score !== "number" || !Number.isFinite(score)) {
      throw new CodeActError(
        "INVALID_ARGUMENT",
        `${this.constructor.name}.forward returned ${String(score)}; a rubric must return a finite number`,
      );
    }
    this.lastScore = score;
    for (const hook of [...this.#hooks]) await hook(this, action, observation, score);
    return score;
  }

  registerForwardPreHook(hook: ForwardPreHook): HookHandle {
    this.#preHooks.add(hook);
    return { remove: () => void this.#preHooks.delete(hook) };
  }

  registerForwardHook(hook: ForwardHook): HookHandle {
    this.#hooks.add(hook);
    return { remove: () => void this.#hooks.delete(hook) };
  }

  /** Registers `rubric` as the child `name` and returns it (for `this.x = this.addRubric("x", r)`). */
  addRubric<R extends Rubric>(name: string, rubric: R): R {
    return this.setChild(name, rubric, false);
  }

  /** For containers whose entries can be replaced (RubricDict.set). */
  protected setChild<R extends Rubric>(name: string, rubric: R, replace: boolean): R {
    if (!(rubric instanceof Rubric)) {
      throw new CodeActError("INVALID_ARGUMENT", `child "${name}" is not a Rubric`);
    }
    if (name === "" || name.includes(".")) {
      throw new CodeActError("INVALID_ARGUMENT", `invalid rubric name "${name}": non-empty, without "."`);
    }
    if (!replace && this.#children.has(name)) {
      throw new CodeActError("INVALID_ARGUMENT", `a child rubric named "${name}" is already registered`);
    }
    if ((rubric as Rubric) === this || rubric.rubrics().includes(this)) {
      throw new CodeActError("INVALID_ARGUMENT", `adding "${name}" would make the rubric tree a cycle`);
    }
    this.#children.set(name, rubric);
    return rubric;
  }

  protected deleteChild(name: string): boolean {
    return this.#children.delete(name);
  }

  children(): Rubric[] {
    return [...this.#children.values()];
  }

  namedChildren(): Array<[string, Rubric]> {
    return [...this.#children.entries()];
  }

  /** Every descendant, depth first (a rubric registered twice appears under each path). */
  rubrics(): Rubric[] {
    return this.namedRubrics().map(([, rubric]) => rubric);
  }

  /** Every descendant with its dot path ("gate.tests"), depth first. */
  namedRubrics(): Array<[string, Rubric]> {
    const out: Array<[string, Rubric]> = [];
    for (const [name, child] of this.#children) {
      out.push([name, child]);
      for (const [path, descendant] of child.namedRubrics()) out.push([`${name}.${path}`, descendant]);
    }
    return out;
  }

  /** The rubric at a dot path; "" is this rubric. Throws NOT_FOUND naming the missing segment. */
  getRubric(path: string): Rubric {
    if (path === "") return this;
    let current: Rubric = this;
    const walked: string[] = [];
    for (const segment of path.split(".")) {
      const next = current.#children.get(segment);
      if (next === undefined) {
        const where = walked.length === 0 ? "the root" : `"${walked.join(".")}"`;
        const names = [...current.#children.keys()].map((n) => `"${n}"`).join(", ") || "none";
        throw new CodeActError(
          "NOT_FOUND",
          `no rubric at path "${path}": ${where} has no child "${segment}" (children: ${names})`,
        );
      }
      walked.push(segment);
      current = next;
    }
    return current;
  }

  /** Clears per-episode state of this rubric and every descendant (call it on env reset). */
  reset(): void {
    this.lastScore = undefined;
    this.resetOwnState();
    for (const child of this.#children.values()) child.reset();
  }

  /**
   * `{path: lastScore}` for the root ("") and every descendant that ran during the root's last
   * call. Rubrics skipped by a fail-fast container are absent. Empty before any call.
   */
  lastScores(): Record<string, number> {
    const out: Record<string, number> = {};
    if (this.lastScore === undefined) return out;
    out[""] = this.lastScore;
    for (const [path, rubric] of this.namedRubrics()) {
      if (rubric.#lastCallSeq > this.#lastCallSeq && rubric.lastScore !== undefined) {
        out[path] = rubric.lastScore;
      }
    }
    return out;
  }

  /** JSON-able config/state of the whole tree: path ("" = this rubric) -> that rubric's own state. */
  stateDict(): StateDict {
    const out: StateDict = { "": this.ownState() };
    for (const [path, rubric] of this.namedRubrics()) out[path] = rubric.ownState();
    return out;
  }

  /**
   * Loads a state dict made by `stateDict()`. Strict (the default): the paths must be exactly this
   * tree's. Not strict: paths absent from the dict keep their state, unknown paths still throw.
   */
  loadStateDict(state: StateDict, options: { strict?: boolean } = {}): void {
    if (typeof state !== "object" || state === null || Array.isArray(state)) {
      throw new CodeActError("INVALID_ARGUMENT", "a state dict must be an object of path -> object");
    }
    const expected = new Set(["", ...this.namedRubrics().map(([path]) => path)]);
    const unknown = Object.keys(state).filter((path) => !expected.has(path));
    const missing = [...expected].filter((path) => !Object.hasOwn(state, path));
    if (unknown.length > 0 || (options.strict !== false && missing.length > 0)) {
      throw new CodeActError(
        "INVALID_ARGUMENT",
        `state dict does not match the rubric tree (unknown paths: ${JSON.stringify(unknown)}, missing: ${JSON.stringify(missing)})`,
      );
    }
    for (const [path, own] of Object.entries(state)) {
      if (typeof own !== "object" || own === null || Array.isArray(own)) {
        throw new CodeActError("INVALID_ARGUMENT", `state of rubric "${path}" must be an object`);
      }
      this.getRubric(path).loadOwnState(own);
    }
  }

  /** This rubric's own JSON-able config/state (not its children's). */
  protected ownState(): JsonObject {
    return {};
  }

  /** Inverse of ownState; validate strictly. The default accepts only {}. */
  protected loadOwnState(state: JsonObject): void {
    const keys = Object.keys(state);
    if (keys.length > 0) {
      throw new CodeActError(
        "INVALID_ARGUMENT",
        `${this.constructor.name} has no state, got keys ${JSON.stringify(keys)}`,
      );
    }
  }

  /** Per-episode state of this rubric only; reset() recurses. */
  protected resetOwnState(): void {}
}
