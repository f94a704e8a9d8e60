/**
 * One load process of `bench --server` / `bench --soak` (started by load.ts with `fork`): drives
 * the server over real `/ws` sockets from outside the server's event loop, so the client's own
 * cost is not charged to the server and the client is not the limit (several run side by side).
 *
 * Protocol over the IPC channel (parent -> here -> parent):
 * - steps job: open `sessions` sockets, reset each and warm it with one step -> `ready`; on `go`,
 *   every session steps back to back until `durationMs` passed or `stepsPerSession` ran ->
 *   `result` (latencies, errors, this process's CPU time), then the sockets close.
 * - soak job: `lanes` concurrent lanes each run whole episodes (open, reset, three cells of which
 *   one throws and one calls a tool, close) until `episodes` ran -> `progress` every episode batch,
 *   then `result`.
 */
import { WebSocket } from "ws";

export type LoadJob =
  | {
      mode: "steps";
      url: string;
      sessions: number;
      cell: string;
      language: "js" | "ts";
      /** Sockets opened at once while connecting (1,024 handshakes at once overflow the backlog). */
      connectBatch: number;
    }
  | { mode: "soak"; url: string; lanes: number; episodes: number };

export type LoadGo = { type: "go"; durationMs?: number; stepsPerSession?: number };

export type LoadMessage =
  | { type: "ready"; opened: number; errors: number; firstError?: string }
  | { type: "progress"; episodes: number; errors: number }
  | {
      type: "result";
      latenciesMs: number[];
      steps: number;
      errors: number;
      firstError?: string;
      cpuMs: number;
      wallMs: number;
    };

/** A socket with one request in flight at a time (the way a trainer's env client uses it). */
class Conn {
  readonly #ws: WebSocket;
  #pending: ((reply: string) => void) | undefined;
  #failed: ((error: Error) => void) | undefined;

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.on("message", (data) => {
      const resolve = this.#pending;
      this.#pending = undefined;
      resolve?.(String(data));
    });
    ws.on("close", (code, reason) => this.#failed?.(new Error(`socket closed ${code} ${String(reason)}`)));
    ws.on("error", (error) => this.#failed?.(error));
  }

  static open(url: string): Promise<Conn> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${url.replace(/^http/, "ws")}/ws`, { perMessageDeflate: false });
      ws.once("open", () => resolve(new Conn(ws)));
      ws.once("error", reject);
      ws.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
  }

  /** Sends one frame, resolves with the reply text; rejects when the socket ends first. */
  request(frame: string): Promise<string> {
    return new Promise((resolve, reject) => {
      this.#pending = resolve;
      this.#failed = reject;
      this.#ws.send(frame);
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.#ws.readyState === WebSocket.CLOSED) return resolve();
      this.#ws.once("close", () => resolve());
      this.#failed = undefined;
      try {
        this.#ws.send('{"type":"close"}');
      } catch {
        this.#ws.terminate();
      }
    });
  }
}

/** An error reply, or an observation whose cell did not exit 0 when `expectOk`. */
function replyProblem(text: string, expectOk: boolean): string | undefined {
  const reply = JSON.parse(text) as { type?: string; data?: { observation?: { exit_code?: number } } };
  if (reply.type === "error") return text.slice(0, 300);
  if (expectOk && (reply.data?.observation?.exit_code ?? 0) !== 0) return text.slice(0, 300);
  return undefined;
}

/** Resolves once the message is handed to the channel (a big result must be out before disconnect). */
const send = (message: LoadMessage) =>
  new Promise<void>((resolve) => {
    if (process.send === undefined) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
const nextGo = () => new Promise<LoadGo>((resolve) => process.once("message", (m) => resolve(m as LoadGo)));

async function stepsJob(job: Extract<LoadJob, { mode: "steps" }>): Promise<void> {
  let errors = 0;
  let firstError: string | undefined;
  const fail = (why: string) => {
    errors += 1;
    firstError ??= why;
  };
  const step = JSON.stringify({ type: "step", data: { code: job.cell, language: job.language } });
  const conns: Conn[] = [];
  for (let i = 0; i < job.sessions; i += job.connectBatch) {
    const batch = Array.from({ length: Math.min(job.connectBatch, job.sessions - i) }, async () => {
      try {
        const conn = await Conn.open(job.url);
        conns.push(conn);
        const reset = replyProblem(await conn.request('{"type":"reset","data":{}}'), false);
        const warm = reset ?? replyProblem(await conn.request(step), true);
        if (warm !== undefined) fail(warm);
      } catch (error) {
        fail(String(error));
      }
    });
    await Promise.all(batch);
  }
  send({ type: "ready", opened: conns.length, errors, ...(firstError ? { firstError } : {}) });
  const go = await nextGo();
  const latenciesMs: number[] = [];
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  const deadline = go.durationMs === undefined ? Number.POSITIVE_INFINITY : started + go.durationMs;
  const limit = go.stepsPerSession ?? Number.POSITIVE_INFINITY;
  await Promise.all(
    conns.map(async (conn) => {
      for (let n = 0; n < limit && performance.now() < deadline; n++) {
        const t0 = performance.now();
        try {
          const problem = replyProblem(await conn.request(step), true);
          if (problem !== undefined) fail(problem);
        } catch (error) {
          fail(String(error));
          return;
        }
        latenciesMs.push(performance.now() - t0);
      }
    }),
  );
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpu0);
  await Promise.all(conns.map((c) => c.close()));
  await send({
    type: "result",
    latenciesMs,
    steps: latenciesMs.length,
    errors,
    ...(firstError ? { firstError } : {}),
    cpuMs: (cpu.user + cpu.system) / 1000,
    wallMs,
  });
}

/** Three cells: one prints, one throws (an agent's runtime error), one calls a host tool. */
const SOAK_CELLS = [
  { code: "const xs = [3, 1, 2].sort(); console.log(xs.join(','))", ok: true },
  { code: "throw new Error('expected by the soak')", ok: false },
  {
    code: "await write_file({ path: 'a.txt', content: 'soak' }); await read_file({ path: 'a.txt' })",
    ok: true,
  },
].map((c) => ({ frame: JSON.stringify({ type: "step", data: { code: c.code, language: "js" } }), ok: c.ok }));

async function soakJob(job: Extract<LoadJob, { mode: "soak" }>): Promise<void> {
  let errors = 0;
  let firstError: string | undefined;
  let done = 0;
  let claimed = 0;
  const latenciesMs: number[] = [];
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  const episode = async () => {
    const t0 = performance.now();
    const conn = await Conn.open(job.url);
    try {
      const problems = [replyProblem(await conn.request('{"type":"reset","data":{}}'), false)];
      for (const cell of SOAK_CELLS) {
        const text = await conn.request(cell.frame);
        // The throwing cell must come back as a result with a runtime error, never an error frame.
        problems.push(
          cell.ok ? replyProblem(text, true) : text.includes('"kind":"runtime"') ? undefined : text,
        );
      }
      const problem = problems.find((p) => p !== undefined);
      if (problem !== undefined) throw new Error(problem);
    } finally {
      await conn.close();
    }
    latenciesMs.push(performance.now() - t0);
  };
  const lane = async () => {
    while (claimed < job.episodes) {
      claimed += 1;
      try {
        await episode();
      } catch (error) {
        errors += 1;
        firstError ??= String(error).slice(0, 300);
      }
      done += 1;
      if (done % 16 === 0) send({ type: "progress", episodes: done, errors });
    }
  };
  await Promise.all(Array.from({ length: job.lanes }, lane));
  const cpu = process.cpuUsage(cpu0);
  await send({
    type: "result",
    latenciesMs,
    steps: done,
    errors,
    ...(firstError ? { firstError } : {}),
    cpuMs: (cpu.user + cpu.system) / 1000,
    wallMs: performance.now() - started,
  });
}

const job = JSON.parse(process.argv[2] ?? "null") as LoadJob | null;
if (job === null || process.send === undefined) {
  process.stderr.write("load-worker: started without a job or an IPC channel (load.ts forks it)\n");
  process.exit(2);
}
(job.mode === "steps" ? stepsJob(job) : soakJob(job)).then(
  () => process.disconnect?.(),
  (error: unknown) => {
    process.stderr.write(`load-worker: ${String(error)}\n`);
    process.exit(1);
  },
);
