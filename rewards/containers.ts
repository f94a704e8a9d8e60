/**
 * Container rubrics (RFC 004): Sequential, Gate, WeightedSum aggregate their children;
 * RubricList and RubricDict only hold children for named access (like nn.ModuleList/ModuleDict).
 */
import { z } from "zod";
import { CodeActError } from "../errors/index.ts";
import { parseStrict } from "./parse-options.ts";
import { Rubric } from "./rubric.ts";
import type { JsonObject, RubricAction, RubricObservation } from "./types.ts";

/** Positional rubrics are named "0", "1", ...; a record gives its own names (in key order). */
export type RubricEntries = Rubric[] | Readonly<Record<string, Rubric>>;

function entriesOf(rubrics: RubricEntries): Array<[string, Rubric]> {
  return Array.isArray(rubrics)
    ? rubrics.map((rubric, index): [string, Rubric] => [String(index), rubric])
    : Object.entries(rubrics);
}

/**
 * Fail-fast chain. Children run one after another, in order; the first child whose score is
 * exactly 0 stops the chain (later children do not run) and Sequential returns 0. Otherwise it
 * returns the LAST child's score. `new Sequential(a, b)` names children "0", "1";
 * `new Sequential({ compiles: a, tests: b })` names them by key.
 */
export class Sequential extends Rubric {
  constructor(...rubrics: Rubric[] | [Readonly<Record<string, Rubric>>]) {
    super();
    const first = rubrics[0];
    const entries =
      rubrics.length === 1 && first !== undefined && !(first instanceof Rubric)
        ? entriesOf(first)
        : entriesOf(rubrics as Rubric[]);
    if (entries.length === 0)
      throw new CodeActError("INVALID_ARGUMENT", "Sequential needs at least one rubric");
    for (const [name, rubric] of entries) this.addRubric(name, rubric);
  }

  async forward(action: RubricAction, observation: RubricObservation): Promise<number> {
    let score = 0;
    for (const child of this.children()) {
      score = await child.call(action, observation);
      if (score === 0) return 0;
    }
    return score;
  }
}

const thresholdSchema = z.strictObject({ threshold: z.number().finite() });

/** Returns the child's score when it is >= threshold, else 0. The child is named "rubric". */
export class Gate extends Rubric {
  readonly rubric: Rubric;
  threshold: number;

  constructor(rubric: Rubric, threshold = 1) {
    super();
    this.threshold = parseStrict(thresholdSchema, { threshold }, "Gate threshold").threshold;
    this.rubric = this.addRubric("rubric", rubric);
  }

  async forward(action: RubricAction, observation: RubricObservation): Promise<number> {
    const score = await this.rubric.call(action, observation);
    return score >= this.threshold ? score : 0;
  }

  protected override ownState(): JsonObject {
    return { threshold: this.threshold };
  }

  protected override loadOwnState(state: JsonObject): void {
    this.threshold = parseStrict(thresholdSchema, state, "Gate state").threshold;
  }
}

function normalizeWeights(weights: readonly number[], count: number): number[] {
  const parsed = parseStrict(z.array(z.number().finite()), weights, "WeightedSum weights");
  if (parsed.length !== count) {
    throw new CodeActError(
      "INVALID_ARGUMENT",
      `WeightedSum got ${count} rubrics but ${parsed.length} weights; they must pair one to one`,
    );
  }
  const total = parsed.reduce((sum, w) => sum + w, 0);
  if (!(total > 0))
    throw new CodeActError("INVALID_ARGUMENT", `WeightedSum weights must sum to > 0, got ${total}`);
  return parsed.map((w) => w / total);
}

/**
 * sum(w_i * score_i) with the weights normalized to sum to 1 (negative weights are allowed as
 * long as the sum is > 0). All children run concurrently (Promise.all).
 */
export class WeightedSum extends Rubric {
  #weights: number[];

  constructor(rubrics: RubricEntries, weights: readonly number[]) {
    super();
    const entries = entriesOf(rubrics);
    this.#weights = normalizeWeights(weights, entries.length);
    for (const [name, rubric] of entries) this.addRubric(name, rubric);
  }

  /** The normalized weights, in child order. */
  get weights(): readonly number[] {
    return [...this.#weights];
  }

  async forward(action: RubricAction, observation: RubricObservation): Promise<number> {
    const scores = await Promise.all(this.children().map((child) => child.call(action, observation)));
    return scores.reduce((sum, score, i) => sum + score * (this.#weights[i] ?? 0), 0);
  }

  protected override ownState(): JsonObject {
    return { weights: [...this.#weights] };
  }

  protected override loadOwnState(state: JsonObject): void {
    const parsed = parseStrict(z.strictObject({ weights: z.array(z.number()) }), state, "WeightedSum state");
    this.#weights = normalizeWeights(parsed.weights, this.children().length);
  }
}

function containerError(kind: string): CodeActError {
  return new CodeActError(
    "INVALID_ARGUMENT",
    `${kind} only holds rubrics and has no score of its own; call its entries from a parent rubric's forward`,
  );
}

/** Children by index ("0", "1", ...), for a parent's own aggregation. Calling it throws. */
export class RubricList extends Rubric {
  constructor(rubrics: readonly Rubric[] = []) {
    super();
    for (const rubric of rubrics) this.push(rubric);
  }

  get length(): number {
    return this.children().length;
  }

  push(rubric: Rubric): this {
    this.addRubric(String(this.length), rubric);
    return this;
  }

  /** The rubric at `index` (negative counts from the end); throws NOT_FOUND when out of range. */
  at(index: number): Rubric {
    const rubric = this.children().at(index);
    if (rubric === undefined) {
      throw new CodeActError("NOT_FOUND", `RubricList has no index ${index} (length ${this.length})`);
    }
    return rubric;
  }

  [Symbol.iterator](): Iterator<Rubric> {
    return this.children()[Symbol.iterator]();
  }

  forward(): number {
    throw containerError("RubricList");
  }
}

/** Children by key (e.g. one rubric per task family), for a parent's dispatch. Calling it throws. */
export class RubricDict extends Rubric {
  constructor(rubrics: Readonly<Record<string, Rubric>> = {}) {
    super();
    for (const [name, rubric] of Object.entries(rubrics)) this.addRubric(name, rubric);
  }

  /** The rubric under `key`; throws NOT_FOUND naming the known keys. */
  get(key: string): Rubric {
    const found = this.namedChildren().find(([name]) => name === key);
    if (found === undefined) {
      throw new CodeActError(
        "NOT_FOUND",
        `RubricDict has no key "${key}" (keys: ${JSON.stringify(this.keys())})`,
      );
    }
    return found[1];
  }

  has(key: string): boolean {
    return this.keys().includes(key);
  }

  /** Adds or replaces the rubric under `key`. */
  set(key: string, rubric: Rubric): this {
    this.setChild(key, rubric, true);
    return this;
  }

  delete(key: string): boolean {
    return this.deleteChild(key);
  }

  keys(): string[] {
    return this.namedChildren().map(([name]) => name);
  }

  forward(): number {
    throw containerError("RubricDict");
  }
}
