/**
 * The time budget of whatever currently runs inside one QuickJS instance, checked by its
 * interrupt handler. CPU time is this worker thread's own CPU, counted only while the VM runs
 * (time awaiting host tools costs wall time, not CPU).
 *
 * Two words of shared memory let the main thread see and steer a worker that is stuck inside the
 * VM (it cannot read messages then): the worker publishes which run is inside the VM right now
 * (so the watchdog blames that run, not its bystanders), and the host raises a session's cancel
 * flag on dispose (checked by the interrupt handler, so a disposed session's cell stops at once).
 */

function threadCpuMs(): number {
  const usage = process.threadCpuUsage();
  return (usage.user + usage.system) / 1000;
}

export type Expiry = "timeout" | "cpu_timeout" | "cancelled";

/** Slot 0: the run id (rid) whose VM code this worker thread is executing now; 0 for none. */
let activity: Int32Array | undefined;

/** Called once by the worker with the array its host reads. */
export function shareActivity(shared: Int32Array): void {
  activity = shared;
}

export class Budget {
  #wallEnd = Number.POSITIVE_INFINITY;
  #cpuLimitMs = Number.POSITIVE_INFINITY;
  #cpuUsedMs = 0;
  #segmentStart: number | undefined;
  #startedAt = 0;
  #checks = 0;
  expired: Expiry | undefined;
  /** The run this budget is charged to (published while the VM runs); 0 outside cells. */
  owner = 0;
  /** The session's cancel flag (slot 0 non-zero: the host disposed the session). */
  cancel: Int32Array | undefined;

  start(timeoutMs: number, cpuTimeMs: number): void {
    this.#startedAt = performance.now();
    this.#wallEnd = this.#startedAt + timeoutMs;
    this.#cpuLimitMs = cpuTimeMs;
    this.#cpuUsedMs = 0;
    this.expired = undefined;
    this.#segmentStart = threadCpuMs();
    if (activity !== undefined) Atomics.store(activity, 0, this.owner);
  }

  /** Ends the current VM segment (before awaiting anything). */
  pause(): void {
    if (this.#segmentStart === undefined) return;
    this.#cpuUsedMs += threadCpuMs() - this.#segmentStart;
    this.#segmentStart = undefined;
    if (activity !== undefined) Atomics.store(activity, 0, 0);
  }

  /** Starts a new VM segment. */
  resume(): void {
    this.#segmentStart ??= threadCpuMs();
    if (activity !== undefined) Atomics.store(activity, 0, this.owner);
  }

  /** A short fresh allowance (to collect output after a timeout), keeping the usage counters. */
  grace(ms: number): void {
    this.#wallEnd = performance.now() + ms;
    this.#cpuLimitMs = this.cpuMs + ms;
    this.expired = undefined;
    this.resume();
  }

  stop(): void {
    this.pause();
    this.#wallEnd = Number.POSITIVE_INFINITY;
    this.#cpuLimitMs = Number.POSITIVE_INFINITY;
  }

  get wallMs(): number {
    return performance.now() - this.#startedAt;
  }

  get cpuMs(): number {
    const running = this.#segmentStart === undefined ? 0 : threadCpuMs() - this.#segmentStart;
    return this.#cpuUsedMs + running;
  }

  get wallRemainingMs(): number {
    return this.#wallEnd - performance.now();
  }

  /** Checks both limits; once expired it stays expired until the next start(). */
  interrupted(): boolean {
    if (this.expired !== undefined) return true;
    if (this.#cancelled()) this.expired = "cancelled";
    else if (performance.now() > this.#wallEnd) this.expired = "timeout";
    // Reading the thread's CPU clock is a syscall; every 8th check is precise enough.
    else if ((++this.#checks & 7) === 0 && this.cpuMs > this.#cpuLimitMs) {
      this.expired = "cpu_timeout";
    }
    return this.expired !== undefined;
  }

  /** Checked by the host between VM calls. */
  check(): Expiry | undefined {
    if (this.expired === undefined) {
      if (this.#cancelled()) this.expired = "cancelled";
      else if (this.wallRemainingMs < 0) this.expired = "timeout";
      else if (this.cpuMs > this.#cpuLimitMs) this.expired = "cpu_timeout";
    }
    return this.expired;
  }

  #cancelled(): boolean {
    return this.cancel !== undefined && Atomics.load(this.cancel, 0) !== 0;
  }
}
