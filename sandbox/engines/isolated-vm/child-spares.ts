/**
 * Child side: spare blanks (prelude already evaluated) per (prelude, memory limit), so a session
 * create is one install call instead of isolate + context + prelude evaluation.
 */
import { type Blank, createBlank, disposeIsolate } from "./child-isolate.ts";

/** Spares are kept for this many (prelude, memory limit) kinds; older kinds are dropped. */
const MAX_KINDS = 2;

interface Kind {
  key: number;
  memoryLimitMb: number;
  blanks: Blank[];
  filling: boolean;
}

export class SparePool {
  private readonly target: number;
  private readonly preludes = new Map<number, string>();
  /** Most recently used last. */
  private kinds: Kind[] = [];
  private disposed = false;

  constructor(target: number) {
    this.target = target;
  }

  setPrelude(key: number, source: string): void {
    this.preludes.set(key, source);
  }

  get count(): number {
    return this.kinds.reduce((sum, kind) => sum + kind.blanks.length, 0);
  }

  /** A blank for this kind: a spare when there is one, else built now. Refills in the background. */
  async take(key: number, memoryLimitMb: number): Promise<Blank> {
    const source = this.preludes.get(key);
    if (source === undefined) throw new Error(`unknown prelude ${key}`);
    const kind = this.touch(key, memoryLimitMb);
    const spare = kind.blanks.pop();
    this.refill(kind, source);
    return spare ?? (await createBlank(source, memoryLimitMb, false));
  }

  dispose(): void {
    this.disposed = true;
    for (const kind of this.kinds) this.drop(kind);
    this.kinds = [];
  }

  private touch(key: number, memoryLimitMb: number): Kind {
    const index = this.kinds.findIndex((k) => k.key === key && k.memoryLimitMb === memoryLimitMb);
    const kind = index >= 0 ? this.kinds.splice(index, 1)[0] : undefined;
    const current = kind ?? { key, memoryLimitMb, blanks: [], filling: false };
    this.kinds.push(current);
    while (this.kinds.length > MAX_KINDS) {
      const oldest = this.kinds.shift();
      if (oldest !== undefined) this.drop(oldest);
    }
    return current;
  }

  private drop(kind: Kind): void {
    for (const blank of kind.blanks.splice(0)) disposeIsolate(blank.isolate);
  }

  /** Builds spares one at a time (setImmediate between) so runs and creates are served first. */
  private refill(kind: Kind, source: string): void {
    if (kind.filling || this.target === 0) return;
    kind.filling = true;
    const step = (): void => {
      if (this.disposed || !this.kinds.includes(kind) || kind.blanks.length >= this.target) {
        kind.filling = false;
        return;
      }
      createBlank(source, kind.memoryLimitMb, true).then(
        (blank) => {
          if (this.disposed || !this.kinds.includes(kind)) disposeIsolate(blank.isolate);
          else kind.blanks.push(blank);
          setImmediate(step);
        },
        () => {
          // A prelude that fails to evaluate fails the create that needs it; stop warming.
          kind.filling = false;
        },
      );
    };
    setImmediate(step);
  }
}
