/**
 * Child side: spare isolates per (prelude, memory limit) kind, so a session create rarely builds
 * one. Two stages: blanks (prelude evaluated and warmed, not installed) serve any config; once a
 * kind's config repeats (same seed, tools and flags — every reset() without a seed, say) spares
 * are installed with it ahead of time as well, and such a create costs one IPC round trip.
 * Refills wait for a moment with no cell running in this process (bounded), so building an
 * isolate (partly synchronous on this thread) stays off the steps' hot path.
 */
import type { PreludeConfig } from "../../contract.ts";
import {
  type Blank,
  createBlank,
  disposeIsolate,
  type Installed,
  installBlank,
  type PreludeCache,
} from "./isolate.ts";
import { touchRecent } from "./mru.ts";
import { SnapshotPool } from "./snapshots.ts";

/** Spares are kept for this many (prelude, memory limit) kinds; older kinds are dropped. */
const MAX_KINDS = 2;
/** How long a refill waits for this process to have no cell running before it goes ahead. */
const MAX_REFILL_WAIT_MS = 50;
const IDLE_CHECK_MS = 2;
/**
 * A checkout is usually followed by that session's first cell: refilling only after this delay
 * keeps the (CPU-heavy) build from competing with it.
 */
const REFILL_DELAY_MS = 10;
const MAX_PROVEN_SHAPES = 256;
const DEFERRED_INSTALL_DELAY_MS = 2;
const noop = (): void => {};

interface Kind {
  key: number;
  memoryLimitMb: number;
  blanks: Blank[];
  /** Installed with `config`; dropped when a create asks for another config. */
  installed: Installed[];
  config: string | undefined;
  /** The latest creates asked for the same config (and it has no real clock): install ahead. */
  repeated: boolean;
  filling: boolean;
}

interface Prelude {
  source: string;
  cache: PreludeCache;
  /** Config shapes (all but seed and start time) this prelude has installed with in this process. */
  proven: Set<string>;
}

/** An isolate on its way to a session. */
export interface Checkout {
  ready: Promise<Installed>;
  /**
   * Safe to answer the create before `ready` settles: a spare of a prelude already installed
   * here with this shape of config, so only an engine failure could still make it fail.
   */
  deferrable: boolean;
  /** Starts a deferred install now instead of after its short delay (a run is waiting for it). */
  hurry: () => void;
}

export class SparePool {
  private readonly target: number;
  private readonly busy: () => boolean;
  private readonly preludes = new Map<number, Prelude>();
  /** Most recently used last. */
  private kinds: Kind[] = [];
  /** Grading sessions: fresh contexts in reused isolates (see child-snapshots.ts). */
  private readonly snapshots = new SnapshotPool();
  private disposed = false;

  /** `busy`: whether a cell is running in this process now (refills wait for a gap). */
  constructor(target: number, busy: () => boolean) {
    this.target = target;
    this.busy = busy;
  }

  setPrelude(key: number, source: string): void {
    if (this.preludes.get(key)?.source !== source) {
      this.preludes.set(key, { source, cache: {}, proven: new Set() });
    }
  }

  get count(): number {
    const spares = this.kinds.reduce((sum, kind) => sum + kind.blanks.length + kind.installed.length, 0);
    return spares + this.snapshots.count;
  }

  /** An isolate installed with `config`: a spare when there is one, else built now. Refills after. */
  checkout(key: number, memoryLimitMb: number, config: PreludeConfig): Checkout {
    const prelude = this.preludes.get(key);
    if (prelude === undefined) {
      return { ready: Promise.reject(new Error(`unknown prelude ${key}`)), deferrable: false, hurry: noop };
    }
    const configJson = JSON.stringify(config);
    const borrowed = config.grading
      ? this.borrow(prelude, key, memoryLimitMb, config, configJson)
      : undefined;
    if (borrowed !== undefined) return { ready: Promise.resolve(borrowed), deferrable: true, hurry: noop };
    const kind = this.touch(key, memoryLimitMb);
    this.note(kind, configJson, config.realTime !== true);
    const installed = kind.installed.pop();
    const blank = installed === undefined ? kind.blanks.pop() : undefined;
    this.refill(kind, prelude);
    if (installed !== undefined) return { ready: Promise.resolve(installed), deferrable: true, hurry: noop };
    // No spare left (a burst of resets, a fork into many children): a fresh context in a pooled
    // isolate costs ~1 ms where building an isolate costs ~15.
    const fallback =
      blank === undefined ? this.borrow(prelude, key, memoryLimitMb, config, configJson) : undefined;
    if (fallback !== undefined) return { ready: Promise.resolve(fallback), deferrable: true, hurry: noop };
    const shape = shapeOf(config);
    const deferrable = blank !== undefined && shape !== undefined && prelude.proven.has(shape);
    // A deferred install waits a moment (or for the session's first run): started at once it
    // competes for the CPU with the answer to the create, on a 2-core machine measurably.
    let hurry = noop;
    const gate = new Promise<void>((resolve) => {
      hurry = resolve;
      if (deferrable) setTimeout(resolve, DEFERRED_INSTALL_DELAY_MS);
      else resolve();
    });
    // A create that waits saves a thread hop with a synchronous install; a deferred one installs
    // on the isolate's thread so this process keeps answering meanwhile.
    const ready = (async () => {
      await gate;
      const from = blank ?? (await createBlank(prelude.source, memoryLimitMb, { cache: prelude.cache }));
      const result = await installBlank(from, configJson, !deferrable);
      if (shape !== undefined) {
        // Bounded: forgetting shapes only makes their next create wait for its install.
        if (prelude.proven.size >= MAX_PROVEN_SHAPES) prelude.proven.clear();
        prelude.proven.add(shape);
      }
      return result;
    })();
    return { ready, deferrable, hurry };
  }

  dispose(): void {
    this.disposed = true;
    this.snapshots.dispose();
    for (const kind of this.kinds) this.drop(kind);
    this.kinds = [];
  }

  /**
   * A pooled isolate with a fresh context (child-snapshots.ts): always for grading sessions, which
   * are short, and for others when no spare is warm. Not with a real clock, which would start at
   * snapshot time: those are built as usual.
   */
  private borrow(
    prelude: Prelude,
    key: number,
    memoryLimitMb: number,
    config: PreludeConfig,
    configJson: string,
  ): Installed | undefined {
    if (config.realTime) return undefined;
    try {
      return this.snapshots.borrow(prelude.source, key, memoryLimitMb, configJson);
    } catch {
      // Only a faster way: the usual build reports whatever is really wrong.
      return undefined;
    }
  }

  /**
   * Records the config of a create. Installing ahead is a bet that the next create repeats it;
   * a real-clock config does not repeat exactly (its clock would start at install, not create).
   */
  private note(kind: Kind, configJson: string, predictable: boolean): void {
    kind.repeated = predictable && kind.config === configJson;
    if (kind.config === configJson) return;
    kind.config = configJson;
    const stale = kind.installed.splice(0);
    if (stale.length > 0) setImmediate(() => this.disposeAll(stale));
  }

  private touch(key: number, memoryLimitMb: number): Kind {
    return touchRecent(
      this.kinds,
      (k) => k.key === key && k.memoryLimitMb === memoryLimitMb,
      () => ({
        key,
        memoryLimitMb,
        blanks: [],
        installed: [],
        config: undefined,
        repeated: false,
        filling: false,
      }),
      MAX_KINDS,
      (k) => this.drop(k),
    );
  }

  private drop(kind: Kind): void {
    for (const blank of kind.blanks.splice(0)) disposeIsolate(blank.isolate);
    this.disposeAll(kind.installed.splice(0));
  }

  private disposeAll(list: Installed[]): void {
    for (const installed of list) disposeIsolate(installed.isolate);
  }

  private live(kind: Kind): boolean {
    return !this.disposed && this.kinds.includes(kind);
  }

  /** Builds spares one at a time, each when no cell runs (or after a bounded wait). */
  private refill(kind: Kind, prelude: Prelude): void {
    if (kind.filling || this.target === 0) return;
    kind.filling = true;
    let waitedMs = 0;
    const step = (): void => {
      if (!this.live(kind)) {
        kind.filling = false;
        return;
      }
      if (this.busy() && waitedMs < MAX_REFILL_WAIT_MS) {
        waitedMs += IDLE_CHECK_MS;
        setTimeout(step, IDLE_CHECK_MS);
        return;
      }
      waitedMs = 0;
      const work = this.addSpare(kind, prelude);
      if (work === undefined) {
        kind.filling = false;
        return;
      }
      work.then(
        () => setImmediate(step),
        () => {
          // A prelude that fails to evaluate fails the create that needs it; stop warming.
          kind.filling = false;
        },
      );
    };
    setTimeout(step, REFILL_DELAY_MS);
  }

  /** Adds one spare (installed ahead when the config repeats, else a blank); undefined when full. */
  private addSpare(kind: Kind, prelude: Prelude): Promise<void> | undefined {
    const config = kind.config;
    if (kind.repeated && config !== undefined && kind.installed.length < this.target) {
      return (async () => {
        const blank = kind.blanks.pop() ?? (await this.build(kind, prelude));
        const installed = await installBlank(blank, config, false);
        if (this.live(kind) && kind.config === config) kind.installed.push(installed);
        else disposeIsolate(installed.isolate);
      })();
    }
    // While spares are installed ahead, one blank covers the first create of another config.
    const blanks = kind.repeated ? 1 : this.target;
    if (kind.blanks.length >= blanks) return undefined;
    return this.build(kind, prelude).then((blank) => {
      if (this.live(kind)) kind.blanks.push(blank);
      else disposeIsolate(blank.isolate);
    });
  }

  private build(kind: Kind, prelude: Prelude): Promise<Blank> {
    const warmConfig = kind.config ?? DEFAULT_WARM_CONFIG;
    return createBlank(prelude.source, kind.memoryLimitMb, { warmConfig, cache: prelude.cache });
  }
}

/** The parts of a config that decide whether install can fail; undefined if the numbers are odd. */
function shapeOf(config: PreludeConfig): string | undefined {
  if (!Number.isFinite(config.seed) || !Number.isFinite(config.startTimeMs)) return undefined;
  return JSON.stringify([config.realTime, config.toolNames, config.grading]);
}

const DEFAULT_WARM_CONFIG = JSON.stringify({
  seed: 0,
  realTime: false,
  startTimeMs: 0,
  toolNames: ["warmup"],
  grading: true,
} satisfies PreludeConfig);
