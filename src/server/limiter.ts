/**
 * A counting semaphore: the server's stateless batch work (/grade items, /run_code requests) runs
 * at most `concurrency` at a time across all requests, so one big batch cannot starve the sessions.
 */
export class Limiter {
  readonly concurrency: number;
  #active = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(concurrency: number) {
    this.concurrency = Math.max(1, Math.floor(concurrency));
  }

  get active(): number {
    return this.#active;
  }

  get queued(): number {
    return this.#waiting.length;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#active >= this.concurrency) {
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else this.#active += 1;
    try {
      return await fn();
    } finally {
      // Hand the slot straight to the next waiter (the count stays), or free it.
      const next = this.#waiting.shift();
      if (next !== undefined) next();
      else this.#active -= 1;
    }
  }
}
