/**
 * The parent side of the load generator: forks load processes (load-worker.ts) and a server
 * process (serve-process.ts, optionally pinned to some cores with taskset), and reads the CPU time
 * and resident memory of a process tree from /proc. Used by `bench --server` and `bench --soak`.
 */
import { type ChildProcess, execFile, fork, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { LoadGo, LoadJob, LoadMessage } from "./load-worker.ts";

const run = promisify(execFile);
const own = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
const WORKER = new URL(`./load-worker${own}`, import.meta.url);
const SERVER = new URL(`./serve-process${own}`, import.meta.url);
const CLI = fileURLToPath(new URL(`../cli/main${own}`, import.meta.url));
const CHILD_ARGV = ["--disable-warning=ExperimentalWarning"];

type Result = Extract<LoadMessage, { type: "result" }>;

/** A set of load processes running one job split between them. */
export class LoadGroup implements AsyncDisposable {
  readonly #children: ChildProcess[];
  readonly #results: Array<Promise<Result>>;
  readonly #ready: Array<Promise<Extract<LoadMessage, { type: "ready" }>>>;

  constructor(
    jobs: readonly LoadJob[],
    onProgress?: (message: Extract<LoadMessage, { type: "progress" }>, index: number) => void,
  ) {
    this.#children = jobs.map((job) =>
      fork(WORKER, [JSON.stringify(job)], {
        execArgv: CHILD_ARGV,
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      }),
    );
    this.#ready = this.#children.map((child) => waitFor(child, "ready"));
    this.#results = this.#children.map((child) => waitFor(child, "result"));
    // A soak job never says ready; a crashed process is reported by whichever promise is awaited.
    for (const p of [...this.#ready, ...this.#results]) p.catch(() => undefined);
    for (const [i, child] of this.#children.entries()) {
      child.on("message", (m: LoadMessage) => {
        if (m.type === "progress") onProgress?.(m, i);
      });
    }
  }

  ready() {
    return Promise.all(this.#ready);
  }

  go(message: Omit<LoadGo, "type">): void {
    for (const child of this.#children) child.send({ type: "go", ...message });
  }

  results(): Promise<Result[]> {
    return Promise.all(this.#results);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await Promise.all(this.#children.map((c) => exited(c)));
  }
}

function waitFor<T extends LoadMessage["type"]>(
  child: ChildProcess,
  type: T,
): Promise<Extract<LoadMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: LoadMessage) => {
      if (m.type !== type) return;
      child.off("message", onMessage);
      resolve(m as Extract<LoadMessage, { type: T }>);
    };
    child.on("message", onMessage);
    child.once("exit", (code) => reject(new Error(`load process exited (${code}) before '${type}'`)));
  });
}

/** Waits for a child to end; kills it after `graceMs`. */
function exited(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Splits `total` into `parts` near-equal positive shares (fewer parts when total is small). */
export function split(total: number, parts: number): number[] {
  const n = Math.max(1, Math.min(parts, total));
  return Array.from({ length: n }, (_, i) => Math.floor(total / n) + (i < total % n ? 1 : 0));
}

export interface ServeOptions {
  engine: "isolated-vm" | "quickjs";
  maxSessions: number;
  /** taskset's CPU list for the server and every process it starts, e.g. "0" or "0,1". */
  cpus?: string;
}

export interface ServerStats {
  pid: number;
  /** The server process's live JS heap after a full collection. */
  heapUsedBytes: number;
  sessions: number;
  liveSandboxes: number;
  handles: Record<string, number>;
}

/** The server under load, in its own process (so the load and the server never share a loop). */
export class ServerProcess implements AsyncDisposable {
  readonly child: ChildProcess;
  readonly url: string;

  private constructor(child: ChildProcess, url: string) {
    this.child = child;
    this.url = url;
  }

  static async start(options: ServeOptions): Promise<ServerProcess> {
    const child = fork(SERVER, [JSON.stringify(options)], {
      execArgv: [...CHILD_ARGV, "--expose-gc"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    const pid = child.pid as number;
    await new Promise((resolve, reject) => child.once("spawn", resolve).once("error", reject));
    // Pinned before it starts any engine process: those inherit the affinity.
    if (options.cpus !== undefined) await run("taskset", ["-a", "-p", "-c", options.cpus, String(pid)]);
    child.send({ type: "listen" });
    const { url } = await once<{ url: string }>(child, "listening");
    return new ServerProcess(child, url);
  }

  /**
   * `codeact-env serve --workers N` itself (no IPC: no stats), started under taskset when `cpus`
   * is given so that its workers and their sandbox processes inherit the affinity from the start.
   */
  static async startCli(options: ServeOptions & { workers: number }): Promise<ServerProcess> {
    const args = [
      CLI,
      "serve",
      ...["--port", "0", "--no-web", "--log-level", "error", "--engine", options.engine],
      ...[
        "--max-sessions",
        String(options.maxSessions),
        "--max-steps",
        "100000",
        "--workers",
        String(options.workers),
      ],
    ];
    const [command, argv] =
      options.cpus === undefined
        ? [process.execPath, args]
        : ["taskset", ["-c", options.cpus, process.execPath, ...args]];
    const child = spawn(command, argv, { stdio: ["ignore", "ignore", "pipe"] });
    const url = await new Promise<string>((resolve, reject) => {
      let err = "";
      child.stderr?.on("data", (chunk) => {
        err += String(chunk);
        const found = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(err)?.[1];
        if (found !== undefined) resolve(found);
      });
      child.once("exit", (code) => reject(new Error(`serve exited (${code}): ${err.slice(0, 500)}`)));
    });
    // Every worker reports its private port before requests are forwarded; a moment for that.
    await new Promise((resolve) => setTimeout(resolve, 500));
    return new ServerProcess(child, url);
  }

  async stats(): Promise<ServerStats> {
    this.child.send({ type: "stats" });
    return once<ServerStats>(this.child, "stats");
  }

  /** Resident memory and CPU time of the server process and of every process below it. */
  tree(): ProcessSample[] {
    return processTree(this.child.pid as number);
  }

  /** Closes the server gracefully; resolves with what was still alive after it closed. */
  async close(): Promise<{ liveSandboxes: number; leftoverProcesses: number; leftover: string[] }> {
    if (this.child.exitCode !== null) return { liveSandboxes: 0, leftoverProcesses: 0, leftover: [] };
    const pid = this.child.pid as number;
    const before = processTree(pid).filter((p) => p.pid !== pid);
    let closed = { liveSandboxes: 0 };
    if (this.child.connected) {
      this.child.send({ type: "close" });
      closed = await once<{ liveSandboxes: number }>(this.child, "closed");
    } else this.child.kill("SIGTERM"); // the CLI server: a graceful shutdown on SIGTERM
    await exited(this.child, 30_000);
    // Children notice their parent's end on their own (a closed pipe): give them a moment.
    const deadline = Date.now() + 2000;
    while (before.some((p) => alive(p.pid)) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    const leftover = before.filter((p) => alive(p.pid)).map((p) => `${p.name}(${p.pid})`);
    return { liveSandboxes: closed.liveSandboxes, leftoverProcesses: leftover.length, leftover };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.child.exitCode === null) await this.close().catch(() => this.child.kill("SIGKILL"));
  }
}

function once<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: { type?: string } & T) => {
      if (m.type !== type) return;
      child.off("message", onMessage);
      resolve(m);
    };
    child.on("message", onMessage);
    child.once("exit", (code) => reject(new Error(`server process exited (${code}) before '${type}'`)));
  });
}

export interface ProcessSample {
  pid: number;
  rssBytes: number;
  /** user + system CPU time in ms. */
  cpuMs: number;
  name: string;
}

const PAGE = 4096;
const TICK_MS = 10; // USER_HZ is 100 on Linux

/** The process `root` and all of its descendants, from /proc. Empty when not on Linux. */
export function processTree(root: number): ProcessSample[] {
  const all = new Map<number, { ppid: number; sample: ProcessSample }>();
  let entries: string[];
  try {
    entries = readdirSync("/proc").filter((e) => /^\d+$/.test(e));
  } catch {
    return [];
  }
  for (const entry of entries) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // The name is in parentheses and may hold spaces: fields count from after the last ')'.
      const close = stat.lastIndexOf(")");
      const name = stat.slice(stat.indexOf("(") + 1, close);
      const f = stat.slice(close + 2).split(" ");
      const ppid = Number(f[1]);
      const cpuMs = (Number(f[11]) + Number(f[12])) * TICK_MS;
      const rssBytes = Number(f[21]) * PAGE;
      all.set(Number(entry), { ppid, sample: { pid: Number(entry), rssBytes, cpuMs, name } });
    } catch {
      // The process ended while we read.
    }
  }
  const out: ProcessSample[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    const found = all.get(pid);
    if (found === undefined) continue;
    out.push(found.sample);
    for (const [child, info] of all) if (info.ppid === pid) queue.push(child);
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Machine-wide busy CPU time in ms (all cores), from /proc/stat. */
export function machineBusyMs(): number {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = (f[3] ?? 0) + (f[4] ?? 0);
    return (f.reduce((a, b) => a + b, 0) - idle) * TICK_MS;
  } catch {
    return Number.NaN;
  }
}
