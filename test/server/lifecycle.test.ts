import { afterAll, describe, expect, it } from "vitest";
import { liveSandboxCount } from "../../sandbox/index.ts";
import { EnvClient } from "../../src/client/index.ts";
import { createServer, IDLE_CLOSE_CODE, SHUTDOWN_CLOSE_CODE } from "../../src/server/index.ts";
import { eventually, getJson, postJson, RawSocket, startServer, stopEngines } from "./helpers.ts";

afterAll(stopEngines);

describe("capacity", () => {
  it("sends CAPACITY_REACHED then closes with 1000; a freed slot admits a new client", async () => {
    const server = await startServer({ maxSessions: 2 });
    try {
      const a = await RawSocket.open(server.wsUrl);
      const b = await RawSocket.open(server.wsUrl);
      await a.request({ type: "state" });
      await b.request({ type: "state" });
      const c = await RawSocket.open(server.wsUrl);
      const frame = await c.next();
      expect(frame).toEqual({
        type: "error",
        data: {
          message: "Server at capacity: 2/2 sessions active. Cannot accept new connections.",
          code: "CAPACITY_REACHED",
          active_sessions: 2,
          max_sessions: 2,
        },
      });
      expect((await c.closed).code).toBe(1000);
      await a.close();
      await eventually(() => server.sessions.size === 1);
      const d = await RawSocket.open(server.wsUrl);
      expect((await d.request({ type: "state" })).type).toBe("state");
      await b.close();
      await d.close();
    } finally {
      await server.close();
    }
  });

  it("HTTP and JSON-RPC sessions share the capacity and expire, so they never lock out /ws", async () => {
    const server = await startServer({ maxSessions: 1, idleTimeoutMs: 300 });
    try {
      const created = await postJson(`${server.url}/mcp`, {
        jsonrpc: "2.0",
        method: "openenv/session/create",
        id: 1,
      });
      expect(created.json.result).toHaveProperty("session_id");
      const second = await postJson(`${server.url}/reset`, { session: true });
      expect(second.status).toBe(503);
      expect(second.json).toMatchObject({ code: "CAPACITY_REACHED", active_sessions: 1, max_sessions: 1 });
      const rpcFull = await postJson(`${server.url}/mcp`, {
        jsonrpc: "2.0",
        method: "openenv/session/create",
        id: 2,
      });
      expect(rpcFull.json.error).toMatchObject({
        code: -32000,
        data: { active_sessions: 1, max_sessions: 1 },
      });
      await eventually(() => server.sessions.size === 0, 3000);
      const ws = await RawSocket.open(server.wsUrl);
      expect((await ws.request({ type: "state" })).type).toBe("state");
      await ws.close();
    } finally {
      await server.close();
    }
  });

  it("a failing environment factory gives FACTORY_ERROR and closes the socket", async () => {
    const server = createServer({
      port: 0,
      logLevel: "silent",
      createEnv: function brokenFactory() {
        throw new Error("no engine");
      },
    });
    const { url } = await server.start();
    try {
      const ws = await RawSocket.open(`${url.replace("http", "ws")}/ws`);
      const frame = await ws.next();
      expect(frame).toMatchObject({
        type: "error",
        data: { code: "FACTORY_ERROR", factory_name: "brokenFactory" },
      });
      expect((await ws.closed).code).toBe(1000);
      const http = await postJson(`${url}/reset`, {});
      expect(http.status).toBe(500);
      expect(http.json).toMatchObject({ code: "FACTORY_ERROR" });
    } finally {
      await server.close();
    }
  });
});

describe("idle timeout and disconnects", () => {
  it("closes an idle socket with 4000 and disposes its environment; activity keeps a session alive", async () => {
    const server = await startServer({ idleTimeoutMs: 800 });
    try {
      const idle = await RawSocket.open(server.wsUrl);
      // The first reset starts a sandbox (slow): done before the active client's clock starts.
      await idle.request({ type: "reset", data: {} });
      const active = await RawSocket.open(server.wsUrl);
      for (let i = 0; i < 8; i++) {
        await active.request({ type: "state" });
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
      const closed = await idle.closed;
      expect(closed).toEqual({ code: IDLE_CLOSE_CODE, reason: "idle timeout" });
      expect((await active.request({ type: "state" })).type).toBe("state");
      expect(server.sessions.size).toBe(1);
      await active.close();
    } finally {
      await server.close();
    }
  });

  it("a disconnect mid-step frees the slot once the step ends; reconnecting is a new session", async () => {
    // No resume grace: a dropped socket ends its session at once (resume.test.ts covers the grace).
    const server = await startServer({ resumeGraceMs: 0 });
    try {
      const ws = await RawSocket.open(server.wsUrl);
      const first = await ws.request({ type: "reset", data: {} });
      expect(first.type).toBe("observation");
      const firstId = ((await ws.request({ type: "state" })).data as { episode_id: string }).episode_id;
      ws.send({ type: "step", data: { code: "let n = 0; for (let i = 0; i < 2e7; i++) n += i; n" } });
      ws.ws.terminate();
      await eventually(() => server.sessions.size === 0);
      const again = await RawSocket.open(server.wsUrl);
      const state = await again.request({ type: "state" });
      expect((state.data as { episode_id: unknown }).episode_id).not.toBe(firstId);
      await again.close();
    } finally {
      await server.close();
    }
  });
});

describe("graceful shutdown", () => {
  it("waits for sessions that were already closing (a disconnect mid-step): no sandbox outlives it", async () => {
    const server = await startServer({ resumeGraceMs: 0 });
    const before = liveSandboxCount();
    const ws = await RawSocket.open(server.wsUrl);
    await ws.request({ type: "reset", data: {} });
    expect(liveSandboxCount()).toBe(before + 1);
    ws.send({ type: "step", data: { code: "let n = 0; for (let i = 0; i < 1e8; i++) n += i; n" } });
    await new Promise((resolve) => setTimeout(resolve, 30));
    ws.ws.terminate();
    // Out of the session map at once; its environment closes only when the step has ended.
    await eventually(() => server.sessions.size === 0);
    expect(liveSandboxCount()).toBe(before + 1);
    await server.close();
    expect(liveSandboxCount()).toBe(before);
  });

  it("lets the in-flight step finish, replies, closes with 1001 and disposes every environment", async () => {
    const server = await startServer();
    const client = await EnvClient.connect(server.url);
    await client.reset();
    const busy = await RawSocket.open(server.wsUrl);
    await busy.request({ type: "reset", data: {} });
    busy.send({
      type: "step",
      data: { code: "let n = 0; for (let i = 0; i < 3e7; i++) n += i; 'finished'" },
      id: "slow",
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    await server.close();
    const reply = busy.frames.find((f) => f.id === "slow");
    expect(reply).toMatchObject({ type: "observation" });
    expect((reply?.data as { observation: { value: string } } | undefined)?.observation.value).toBe(
      "'finished'",
    );
    expect((await busy.closed).code).toBe(SHUTDOWN_CLOSE_CODE);
    expect(server.sessions.size).toBe(0);
    await expect(client.state()).rejects.toMatchObject({ name: "CodeActError" });
    await client.close();
    await expect(getJson(`${server.url}/health`)).rejects.toThrow();
  });
});
