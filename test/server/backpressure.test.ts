/**
 * The server path under pressure: one validation per step, strict order of pipelined frames,
 * capacity shared by every transport (503 + Retry-After over HTTP), a /ws client that stops
 * reading, and a small soak through real load processes. No timings are asserted.
 */
import { afterAll, describe, expect, it, vi } from "vitest";
import { liveSandboxCount } from "../../sandbox/index.ts";
import { benchSoak } from "../../src/bench/soak.ts";
import { codeActionSchema } from "../../src/env/actions.ts";
import { MCP_STREAM_PATH } from "../../src/server/index.ts";
import { eventually, postJson, RawSocket, startServer, stopEngines } from "./helpers.ts";

afterAll(stopEngines);

describe("one owner of order, one validation", () => {
  it("a /ws step's action is validated once, at the edge", async () => {
    const server = await startServer();
    const spy = vi.spyOn(codeActionSchema, "safeParse");
    try {
      const ws = await RawSocket.open(server.wsUrl);
      await ws.request({ type: "reset" });
      spy.mockClear();
      const reply = await ws.request({ type: "step", data: { code: "1 + 1", language: "js" } });
      expect(reply).toMatchObject({ type: "observation", data: { observation: { value: "2" } } });
      expect(spy).toHaveBeenCalledTimes(1);
      await ws.close();
    } finally {
      spy.mockRestore();
      await server.close();
    }
  });

  it("pipelined frames of one session are answered strictly in order, errors included", async () => {
    const server = await startServer();
    try {
      const ws = await RawSocket.open(server.wsUrl);
      const frames: unknown[] = [{ type: "reset", id: 0 }];
      for (let i = 1; i < 40; i++) {
        if (i % 7 === 0) frames.push({ type: "step", id: i, data: { code: 5 } });
        else if (i % 5 === 0) frames.push({ type: "state", id: i });
        else
          frames.push({ type: "step", id: i, data: { code: `globalThis.n = (globalThis.n ?? 0) + 1; n` } });
      }
      for (const frame of frames) ws.send(frame);
      const replies = [];
      for (let i = 0; i < frames.length; i++) replies.push(await ws.next());
      expect(replies.map((r) => r.id)).toEqual(frames.map((_, i) => i));
      expect(replies.filter((r) => r.type === "error").map((r) => r.id)).toEqual([7, 14, 21, 28, 35]);
      // Steps ran one at a time in frame order: each saw the count of the steps before it.
      const values = replies
        .filter((r) => r.type === "observation" && r.id !== 0)
        .map((r) => (r.data as { observation: { value: string } }).observation.value);
      expect(values).toEqual(values.map((_, i) => String(i + 1)));
      await ws.close();
    } finally {
      await server.close();
    }
  });
});

describe("capacity with /ws, stateful HTTP and both MCP transports", () => {
  it("a new session at capacity is refused at once; the sessions already open keep working", async () => {
    const server = await startServer({ maxSessions: 3 });
    try {
      const ws = await RawSocket.open(server.wsUrl);
      await ws.request({ type: "reset" });
      const http = await postJson(`${server.url}/reset`, { session: true });
      expect(http.status).toBe(200);
      const rpc = await postJson(`${server.url}/mcp`, {
        jsonrpc: "2.0",
        method: "openenv/session/create",
        id: 1,
      });
      expect(rpc.json.result).toHaveProperty("session_id");
      expect(server.sessions.counts()).toMatchObject({ ws: 1, http: 1, mcp: 1 });

      const overWs = await RawSocket.open(server.wsUrl);
      expect(await overWs.next()).toMatchObject({ type: "error", data: { code: "CAPACITY_REACHED" } });
      expect((await overWs.closed).code).toBe(1000);
      const overHttp = await fetch(`${server.url}/reset`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ session: true }),
      });
      expect(overHttp.status).toBe(503);
      expect(overHttp.headers.get("retry-after")).toBe("1");
      expect(await overHttp.json()).toMatchObject({
        code: "CAPACITY_REACHED",
        active_sessions: 3,
        max_sessions: 3,
      });
      const overStream = await fetch(`${server.url}${MCP_STREAM_PATH}`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream" },
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 1,
          method: "initialize",
          params: {
            protocolVersion: "2025-03-26",
            capabilities: {},
            clientInfo: { name: "t", version: "1" },
          },
        }),
      });
      expect(overStream.status).toBe(503);
      expect(overStream.headers.get("retry-after")).toBe("1");
      const ready = await fetch(`${server.url}/ready`);
      expect([ready.status, ready.headers.get("retry-after")]).toEqual([503, "1"]);

      // The refused ones changed nothing for the open ones.
      const step = await ws.request({ type: "step", data: { code: "40 + 2" } });
      expect(step).toMatchObject({ data: { observation: { value: "42" } } });
      const httpStep = await postJson(`${server.url}/step`, {
        session_id: http.json.session_id,
        action: { code: "1" },
      });
      expect(httpStep.status).toBe(200);
      await ws.close();
    } finally {
      await server.close();
    }
  });
});

describe("host-side state", () => {
  it("the file store is bounded per episode, a write past it is a tool error, its size is reported", async () => {
    const server = await startServer();
    try {
      const ws = await RawSocket.open(server.wsUrl);
      await ws.request({ type: "reset" });
      const code =
        "for (let i = 0; i < 20; i++) await write_file({ path: 'f' + i, content: 'x'.repeat(600_000) })";
      const reply = await ws.request({ type: "step", data: { code } });
      const observation = (reply.data as { observation: { error: { kind: string; message: string } } })
        .observation;
      expect(observation.error.kind).toBe("runtime");
      expect(observation.error.message).toContain("would exceed 10000000 bytes");
      const state = await ws.request({ type: "state" });
      expect(state.data).toMatchObject({ store_bytes: 16 * 600_000 });
      await ws.close();
    } finally {
      await server.close();
    }
  });
});

describe("a /ws client that stops reading", () => {
  it("is closed with 1008 once its unsent replies pass the bound, and its session ends", async () => {
    const lines: string[] = [];
    const server = await startServer({
      maxSendBufferBytes: 256 * 1024,
      logLevel: "warn",
      logSink: (line) => lines.push(line),
    });
    try {
      const ws = await RawSocket.open(server.wsUrl);
      await ws.request({ type: "reset" });
      expect(server.sessions.size).toBe(1);
      // The client keeps sending and never reads: every reply carries ~200 KB of output.
      ws.ws.pause();
      for (let i = 0; i < 200; i++)
        ws.send({ type: "step", id: i, data: { code: "console.log('x'.repeat(200_000))" } });
      await eventually(() => server.sessions.size === 0, 20_000);
      expect(lines.some((l) => l.includes('"ws_slow_reader"'))).toBe(true);
      ws.ws.resume();
      expect([1008, 1006]).toContain((await ws.closed).code);
    } finally {
      await server.close();
    }
  });
});

describe("soak", () => {
  it("episodes with an error and a tool call through load processes leave nothing behind", {
    timeout: 60_000,
  }, async () => {
    const report = await benchSoak({ episodes: 24, lanes: 8, engine: "isolated-vm" });
    expect(report.errors).toBe(0);
    expect(report.episodes).toBe(24);
    expect(report.end.liveSandboxes).toBe(0);
    expect(report.end.leftover).toEqual([]);
    expect(liveSandboxCount()).toBe(0);
  });
});
