/**
 * Progress of a long run on stderr: a redrawn bar on a terminal; plain lines (at most every few
 * seconds) when stderr is not a TTY, so logs stay readable.
 */
export class Progress {
  readonly #total: number;
  readonly #stream: NodeJS.WriteStream;
  readonly #tty: boolean;
  readonly #start = performance.now();
  #done = 0;
  #passed = 0;
  #lastPrint = 0;

  constructor(total: number, stream: NodeJS.WriteStream = process.stderr, enabled = true) {
    this.#total = total;
    this.#stream = stream;
    this.#tty = enabled && stream.isTTY === true;
    if (!enabled) this.#lastPrint = Number.POSITIVE_INFINITY;
  }

  tick(passed: boolean): void {
    this.#done += 1;
    if (passed) this.#passed += 1;
    const now = performance.now();
    const finished = this.#done === this.#total;
    if (this.#tty && (now - this.#lastPrint > 80 || finished)) {
      this.#lastPrint = now;
      this.#stream.write(`\r${this.#line(now, true)}`);
      if (finished) this.#stream.write("\n");
    } else if (!this.#tty && (now - this.#lastPrint > 5000 || finished) && Number.isFinite(this.#lastPrint)) {
      this.#lastPrint = now;
      this.#stream.write(`${this.#line(now, false)}\n`);
    }
  }

  #line(now: number, bar: boolean): string {
    const elapsed = (now - this.#start) / 1000;
    const rate = elapsed > 0 ? this.#done / elapsed : 0;
    const eta = rate > 0 ? (this.#total - this.#done) / rate : 0;
    const width = 24;
    const filled = this.#total ? Math.round((this.#done / this.#total) * width) : width;
    const head = bar ? `[${"#".repeat(filled)}${" ".repeat(width - filled)}] ` : "progress ";
    return `${head}${this.#done}/${this.#total} samples, ${this.#passed} passed, ${rate.toFixed(1)}/s, ETA ${eta.toFixed(0)} s   `;
  }
}
