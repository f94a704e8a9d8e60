/**
 * Counters for `GET /metrics` (Prometheus text exposition format 0.0.4). Sandbox restarts and
 * limit hits are counted from observations (`error.kind`, `state_lost`); engine-level worker
 * restarts come from the sandbox engines' stats.
 */

const LATENCY_BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const LIMIT_KINDS = new Set(["timeout", "memory", "output_limit", "source_limit", "stack_overflow"]);

type Labels = Record<string, string>;

class CounterSet {
  readonly values = new Map<string, number>();
  inc(labels: Labels, by = 1): void {
    const key = labelText(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }
}

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(
    ([k, v]) => `${k}="${v.replace(/["\\\n]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`))}"`,
  );
  return parts.length === 0 ? "" : `{${parts.join(",")}}`;
}

export interface EngineCounts {
  restarts: number;
  workers: number;
  sessions: number;
}

export class Metrics {
  readonly #sessionsTotal = new CounterSet();
  readonly #steps = new CounterSet();
  readonly #errors = new CounterSet();
  readonly #limitHits = new CounterSet();
  readonly #buckets = new Array<number>(LATENCY_BUCKETS_S.length).fill(0);
  #latencyCount = 0;
  #latencySum = 0;
  #sandboxReplaced = 0;
  #infraErrors = 0;

  sessionOpened(kind: string): void {
    this.#sessionsTotal.inc({ kind });
  }

  error(code: string): void {
    this.#errors.inc({ code });
  }

  /** Records one reset/step: its kind, latency, and what its observation says about the sandbox. */
  step(kind: string, latencyMs: number, observation?: Readonly<Record<string, unknown>>): void {
    this.#steps.inc({ kind });
    const seconds = latencyMs / 1000;
    this.#latencyCount += 1;
    this.#latencySum += seconds;
    for (let i = 0; i < LATENCY_BUCKETS_S.length; i++) {
      if (seconds <= (LATENCY_BUCKETS_S[i] ?? Number.POSITIVE_INFINITY))
        this.#buckets[i] = (this.#buckets[i] ?? 0) + 1;
    }
    if (observation === undefined) return;
    const error = observation.error as { kind?: unknown } | null | undefined;
    const kind2 = typeof error?.kind === "string" ? error.kind : undefined;
    if (kind2 !== undefined && LIMIT_KINDS.has(kind2)) this.#limitHits.inc({ kind: kind2 });
    if (kind2 === "infra") this.#infraErrors += 1;
    if (observation.state_lost === true) this.#sandboxReplaced += 1;
  }

  /** `active`: live sessions by transport; `engine`: the sandbox engines' counters, once started. */
  render(active: Record<string, number>, engine: EngineCounts | undefined): string {
    const lines: string[] = [];
    const family = (name: string, type: string, help: string) =>
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    family("codeact_sessions_active", "gauge", "Live sessions by transport.");
    for (const [kind, n] of Object.entries(active))
      lines.push(`codeact_sessions_active{kind="${kind}"} ${n}`);
    counterLines(
      lines,
      family,
      "codeact_sessions_total",
      "Sessions opened since start.",
      this.#sessionsTotal,
    );
    counterLines(lines, family, "codeact_steps_total", "Resets and steps handled, by kind.", this.#steps);
    family("codeact_step_latency_seconds", "histogram", "Latency of resets and steps.");
    for (const [i, le] of LATENCY_BUCKETS_S.entries()) {
      lines.push(`codeact_step_latency_seconds_bucket{le="${le}"} ${this.#buckets[i] ?? 0}`);
    }
    lines.push(`codeact_step_latency_seconds_bucket{le="+Inf"} ${this.#latencyCount}`);
    lines.push(
      `codeact_step_latency_seconds_sum ${this.#latencySum}`,
      `codeact_step_latency_seconds_count ${this.#latencyCount}`,
    );
    counterLines(lines, family, "codeact_errors_total", "Error replies by wire code.", this.#errors);
    counterLines(
      lines,
      family,
      "codeact_limit_hits_total",
      "Cells stopped by a sandbox limit, by kind.",
      this.#limitHits,
    );
    family("codeact_sandbox_infra_errors_total", "counter", "Cells that failed because the sandbox failed.");
    lines.push(`codeact_sandbox_infra_errors_total ${this.#infraErrors}`);
    family(
      "codeact_sandbox_replaced_total",
      "counter",
      "Sandbox sessions replaced (state lost) during a cell.",
    );
    lines.push(`codeact_sandbox_replaced_total ${this.#sandboxReplaced}`);
    const stats = engine;
    if (stats !== undefined) {
      family("codeact_sandbox_restarts_total", "counter", "Sandbox workers killed and replaced.");
      lines.push(`codeact_sandbox_restarts_total ${stats.restarts}`);
      family("codeact_sandbox_workers", "gauge", "Sandbox worker processes or threads running.");
      lines.push(`codeact_sandbox_workers ${stats.workers}`);
    }
    return `${lines.join("\n")}\n`;
  }
}

function counterLines(
  lines: string[],
  family: (name: string, type: string, help: string) => void,
  name: string,
  help: string,
  counters: CounterSet,
): void {
  family(name, "counter", help);
  for (const [labels, value] of counters.values) lines.push(`${name}${labels} ${value}`);
}
