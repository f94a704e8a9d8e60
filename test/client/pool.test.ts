/**
 * EnvPool as a trainer would use it: three real server processes on loopback, 300 episodes across
 * them, one replica killed (SIGKILL) mid-run. Its open episodes must end with a clear error, every
 * other episode completes, and new episodes only go to the survivors.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EnvClient, EnvPool } from "../../src/client/index.ts";
import type { CodeObservation } from "../../src/env/index.ts";
import { startServer, stopEngines } from "../server/helpers.ts";

const CLI = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "src", "cli", "main.ts");

interface Replica {
  name: string;
  child: ChildProcess;
  url: string;
  lines: Array<Record<string, unknown>>;
}

async function startReplica(name: string): Promise<Replica> {
  const args = [CLI, "serve", "--port", "0", "--replica-id", name, "--max-sessions", "64", "--no-web"];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"] });
  const lines: Array<Record<string, unknown>> = [];
  let buffered = "";
  const url = await new Promise<string>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`replica ${name} exited early (${code})`)));
    child.stderr?.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const parts = buffered.split("\n");
      buffered = parts.pop() ?? "";
      for (const part of parts) {
        if (!part.startsWith("{")) continue;
        const line = JSON.parse(part) as Record<string, unknown>;
        lines.push(line);
        if (line.event === "listening") resolve(`http://127.0.0.1:${String(line.port)}`);
      }
    });
  });
  return { name, child, url, lines };
}

let replicas: Replica[] = [];

beforeAll(async () => {
  replicas = await Promise.all(["r0", "r1", "r2"].map(startReplica));
});

afterAll(async () => {
  for (const replica of replicas) {
    if (replica.child.exitCode !== null || replica.child.signalCode !== null) continue;
    const exited = once(replica.child, "exit");
    replica.child.kill("SIGTERM");
    expect((await exited)[0]).toBe(0);
  }
});

interface Outcome {
  url: string;
  openedAfterKill: boolean;
  error?: string;
}

describe("EnvPool over three server processes", () => {
  it("runs 300 episodes; a killed replica's episodes fail clearly, the rest complete on the others", async () => {
    const [r0] = replicas as [Replica, Replica, Replica];
    await using pool = new EnvPool(
      replicas.map((r) => r.url),
      { reconnectWindowMs: 1000, refreshMs: 200 },
    );
    const total = 300;
    const concurrency = 24;
    let next = 0;
    let completed = 0;
    let killed = false;
    let releaseHeld: () => void = () => undefined;
    const killedSignal = new Promise<void>((resolve) => {
      releaseHeld = resolve;
    });
    // A few r0 episodes wait mid-episode for the kill, so the kill surely lands on open episodes.
    let held = 0;
    const outcomes: Outcome[] = [];

    const maybeKill = () => {
      if (killed || completed < 100 || held === 0) return;
      killed = true;
      r0.child.kill("SIGKILL");
      void once(r0.child, "exit").then(() => releaseHeld());
    };

    const episode = async (i: number): Promise<void> => {
      const openedAfterKill = killed;
      const client = await pool.open();
      const outcome: Outcome = { url: client.url, openedAfterKill };
      outcomes.push(outcome);
      try {
        await client.reset({ episode_id: `ep-${i}` });
        await client.step({ code: `const v: number = ${i};`, language: "ts" });
        if (client.url === r0.url && !killed && held < 4) {
          held += 1;
          await killedSignal;
        }
        const result = await client.step({ code: "console.log(v * 2)", language: "ts" });
        expect((result.observation as CodeObservation).stdout).toBe(`${i * 2}\n`);
        completed += 1;
      } catch (error) {
        outcome.error = (error as Error).message;
      } finally {
        await client.close();
      }
      maybeKill();
    };

    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < total) await episode(next++);
      }),
    );

    expect(killed).toBe(true);
    expect(outcomes).toHaveLength(total);
    const failed = outcomes.filter((o) => o.error !== undefined);
    expect(failed.length).toBeGreaterThanOrEqual(held);
    for (const o of failed) {
      expect(o.url).toBe(r0.url);
      expect(o.error).toMatch(new RegExp(`^Lost the server at ${r0.url}: `));
    }
    expect(completed).toBe(total - failed.length);
    expect(outcomes.filter((o) => o.openedAfterKill && o.url === r0.url)).toEqual([]);
    const perReplica = replicas.map((r) => outcomes.filter((o) => o.url === r.url).length);
    expect(perReplica.every((n) => n > 0)).toBe(true);
    expect(pool.status()[0]?.down).toMatch(/Lost the server|unreachable|ECONNREFUSED/);

    // The survivors: no warnings or errors, and each session ended with exactly one close line.
    for (const r of replicas.slice(1)) {
      expect(r.lines.filter((l) => l.level !== "info")).toEqual([]);
      const opened = r.lines.filter((l) => l.event === "session_open").length;
      const closes = r.lines.filter((l) => l.event === "session_close");
      expect(closes.length).toBe(opened);
      expect(new Set(closes.map((l) => l.session_id)).size).toBe(opened);
    }
  }, 180_000);

  it("a pool whose every replica is gone says so for each, without hanging", async () => {
    await using pool = new EnvPool(["http://127.0.0.1:9", "ws://127.0.0.1:9/ws"], { readyTimeoutMs: 1000 });
    const error = (await pool.open().catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/^No replica can take an episode \(/);
    expect(error.message).toContain(
      "http://127.0.0.1:9: Cannot connect to ws://127.0.0.1:9/ws: connect ECONNREFUSED",
    );
    expect(error.message).toContain(
      "ws://127.0.0.1:9/ws: Cannot connect to ws://127.0.0.1:9/ws: connect ECONNREFUSED",
    );
    expect(() => new EnvPool([])).toThrow(/at least one server URL/);
    expect(() => new EnvPool(["ftp://x"])).toThrow(/not an http\(s\)\/ws\(s\) URL: 'ftp:\/\/x'/);
  });
});

describe("EnvPool with stale capacity", () => {
  afterAll(async () => {
    await stopEngines();
  });

  it("a replica that became full refuses the connect and the episode opens on another", async () => {
    await using small = await startServer({ maxSessions: 3 });
    await using big = await startServer({ maxSessions: 1 });
    // /ready is asked once: afterwards the pool still believes `small` has the most room.
    await using pool = new EnvPool([small.url, big.url], { refreshMs: 600_000 });
    const first = await pool.open();
    expect(first.url).toBe(small.url);
    await first.close();
    const squatters = await Promise.all([1, 2, 3].map(() => EnvClient.connect(small.url)));
    await Promise.all(squatters.map((c) => c.opened()));
    await using client = await pool.open();
    expect(client.url).toBe(big.url);
    await client.reset();
    for (const c of squatters) await c.close();
    expect(pool.status()[0]?.down).toMatch(/CAPACITY_REACHED/);
  });
});
