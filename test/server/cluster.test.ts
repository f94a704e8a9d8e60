/**
 * `serve --workers 2`: two server processes on one port. Stateful HTTP sessions are reached
 * whichever worker a request lands on (fresh connections, so the primary spreads them), /ws
 * sessions work, and SIGTERM leaves no process behind.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { RawSocket } from "./helpers.ts";

const CLI = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));

function startCluster(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [CLI, "serve", "--workers", "2", "--port", "0", "--no-web", "--log-level", "warn", "--max-sessions", "8"],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  return new Promise((resolve, reject) => {
    let err = "";
    child.stderr?.on("data", (chunk) => {
      err += String(chunk);
      const url = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(err)?.[1];
      if (url !== undefined) resolve({ child, url });
    });
    child.once("exit", (code) => reject(new Error(`serve exited (${code}): ${err}`)));
  });
}

/** One request on its own connection, so the cluster's primary picks the worker afresh. */
async function post(url: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", Connection: "close" },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe("serve --workers 2", () => {
  it("routes every request of a stateful HTTP session to its owner; /ws works; SIGTERM ends all", {
    timeout: 60_000,
  }, async () => {
    const { child, url } = await startCluster();
    try {
      // Both workers report their private port before they can forward: give them a moment.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const opened = await post(`${url}/reset`, { session: true });
      expect(opened.status).toBe(200);
      const id = opened.json.session_id as string;
      expect(id).toMatch(/^w[01]\./);
      for (let i = 1; i <= 8; i++) {
        const step = await post(`${url}/step`, {
          session_id: id,
          action: { code: `globalThis.k = (globalThis.k ?? 0) + 1; k` },
        });
        expect(step.status).toBe(200);
        expect((step.json.observation as { value: string }).value).toBe(String(i));
      }
      const ws = await RawSocket.open(`${url.replace("http", "ws")}/ws`);
      expect((await ws.request({ type: "step", data: { code: "6 * 7" } })).data).toMatchObject({
        observation: { value: "42" },
      });
      await ws.close();
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      expect(await exited).toBe(0);
      clearTimeout(timer);
    }
  });
});
