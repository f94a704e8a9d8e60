/**
 * Sessions that survive a dropped socket: real servers on loopback, real clients, and a TCP proxy
 * in between that cuts connections the way a network does (no close frame: code 1006).
 */

import { afterAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { EnvClient } from "../../src/client/index.ts";
import type { CodeObservation } from "../../src/env/index.ts";
import { RESUME_FAILED_CLOSE_CODE } from "../../src/server/index.ts";
import { eventually, getJson, RawSocket, startServer, stopEngines } from "./helpers.ts";
import { DropProxy } from "./proxy.ts";

afterAll(async () => {
  await stopEngines();
});

const COUNT_CELL = "globalThis.runs = (globalThis.runs ?? 0) + 1; console.log(runs)";

function stdout(result: { observation: unknown }): string {
  return (result.observation as CodeObservation).stdout;
}

describe("resume after a dropped socket", () => {
  it("the client resumes by session id; the episode's state and step count are intact", async () => {
    await using server = await startServer({ replicaId: "r1" });
    await using proxy = await DropProxy.start(portOf(server));
    await using client = await EnvClient.connect(proxy.url);
    await client.reset({ episode_id: "kept" });
    await client.step({ code: "const x = 41;" });
    expect(client.sessionId).toMatch(/^r1\./);
    proxy.drop();
    const after = await client.step({ code: "console.log(x + 1)" });
    expect(stdout(after)).toBe("42\n");
    expect(await client.state()).toMatchObject({ episode_id: "kept", step_count: 2 });
    expect(server.sessions.size).toBe(1);
  });

  it("a step cut off in flight runs once, and its reply reaches the resumed client", async () => {
    await using server = await startServer();
    await using proxy = await DropProxy.start(portOf(server));
    await using client = await EnvClient.connect(proxy.url);
    await client.reset();
    for (let i = 0; i < 5; i++) {
      // Dropped right after sending: the server got the frame or not; either way it runs once.
      const step = client.step({ code: COUNT_CELL });
      proxy.drop();
      expect(stdout(await step)).toBe(`${i + 1}\n`);
    }
    expect(await client.state()).toMatchObject({ step_count: 5 });
  });

  it("the same frame id sent twice runs once and is answered twice with the same reply", async () => {
    await using server = await startServer();
    const ws = await RawSocket.open(server.wsUrl);
    await ws.request({ type: "reset", data: {}, id: 1 });
    const first = await ws.request({ type: "step", data: { code: COUNT_CELL }, id: 2 });
    const again = await ws.request({ type: "step", data: { code: COUNT_CELL }, id: 2 });
    expect(again).toEqual(first);
    expect((first.data as { observation: CodeObservation }).observation.stdout).toBe("1\n");
    const state = await ws.request({ type: "state", id: 3 });
    expect(state.data).toMatchObject({ step_count: 1 });
    await ws.close();
  });

  it("resuming by raw socket re-sends nothing by itself but answers a lost reply by its id", async () => {
    await using server = await startServer();
    const ws = await RawSocket.open(server.wsUrl);
    const hello = await ws.request({ type: "session", id: "s" });
    const sessionId = (hello.data as { session_id: string }).session_id;
    expect(hello.data).toMatchObject({ resume_grace_ms: 60_000 });
    await ws.request({ type: "reset", data: {}, id: 1 });
    ws.send({ type: "step", data: { code: COUNT_CELL }, id: 2 });
    ws.ws.terminate(); // the reply is lost with the socket
    await until(async () => (await getJson(`${server.url}/ready`)).json.detached_sessions === 1);
    const back = await RawSocket.open(`${server.wsUrl}?resume=${sessionId}`);
    expect(await back.next()).toMatchObject({ type: "resumed", data: { session_id: sessionId } });
    const lost = await back.request({ type: "step", data: { code: COUNT_CELL }, id: 2 });
    expect(lost).toMatchObject({ type: "observation", id: 2 });
    expect((lost.data as { observation: CodeObservation }).observation.stdout).toBe("1\n");
    await back.close();
    await eventually(() => server.sessions.size === 0);
  });

  it("after the grace period the session is gone: resume fails with SESSION_ERROR and 4004", async () => {
    await using server = await startServer({ resumeGraceMs: 200 });
    await using proxy = await DropProxy.start(portOf(server));
    const client = await EnvClient.connect(proxy.url, { reconnectWindowMs: 0 });
    await client.reset();
    await eventually(() => client.sessionId !== undefined);
    const id = client.sessionId as string;
    proxy.drop();
    await expect(client.state()).rejects.toThrow(/Connection closed \(code 1006\)/);
    await eventually(() => server.sessions.size === 0);
    const late = await RawSocket.open(`${server.wsUrl}?resume=${id}`);
    expect(await late.next()).toMatchObject({
      type: "error",
      data: { code: "SESSION_ERROR", session_id: id },
    });
    expect((await late.closed).code).toBe(RESUME_FAILED_CLOSE_CODE);
  });

  it("a client whose server is gone fails with one clear error, within its reconnect window", async () => {
    await using server = await startServer();
    const proxy = await DropProxy.start(portOf(server));
    await using client = await EnvClient.connect(proxy.url, { reconnectWindowMs: 500 });
    await client.reset();
    await eventually(() => client.sessionId !== undefined);
    await proxy[Symbol.asyncDispose](); // the way to the server is gone: every reconnect is refused
    await expect(client.step({ code: "1" })).rejects.toThrow(/Lost the server at .* could not be resumed/);
    expect(await client.ended).toBeInstanceOf(Error);
  });
});

describe("keep-alive and logs", () => {
  it("pings keep an idle episode alive; a socket that stops answering pings is cut but resumable", async () => {
    await using server = await startServer({ pingIntervalMs: 100 });
    await using client = await EnvClient.connect(server.url, { keepAliveMs: 0 });
    await client.reset();
    // An idle client (a long generation): many ping intervals pass, the episode carries on.
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(stdout(await client.step({ code: "console.log('still here')" }))).toBe("still here\n");

    const deaf = new WebSocket(server.wsUrl, { autoPong: false });
    await new Promise((resolve) => deaf.once("open", resolve));
    const code = await new Promise<number>((resolve) => deaf.once("close", resolve));
    expect(code).toBe(1006);
    const ready = await getJson(`${server.url}/ready`);
    expect(ready.json).toMatchObject({ status: "ready", active_sessions: 2, detached_sessions: 1 });
  });

  it("pings in both directions are answered while a long step runs: no drop, no resume", async () => {
    const lines: Array<Record<string, unknown>> = [];
    await using server = await startServer({
      pingIntervalMs: 100,
      logLevel: "info",
      logSink: (line) => lines.push(JSON.parse(line) as Record<string, unknown>),
    });
    await using client = await EnvClient.connect(server.url, { keepAliveMs: 100 });
    await client.reset();
    const long = "let n = 0; for (let i = 0; i < 2e8; i++) n += i; console.log('done')";
    const result = await client.step({ code: long, timeout_ms: 60_000 });
    expect(stdout(result)).toBe("done\n");
    expect(lines.map((l) => l.event)).not.toContain("ws_ping_timeout");
    expect(lines.map((l) => l.event)).not.toContain("ws_detached");
  });

  it("a clean disconnect is one info line; a drop is info lines, never warn or error", async () => {
    const lines: Array<Record<string, unknown>> = [];
    await using server = await startServer({
      logLevel: "info",
      logSink: (line) => lines.push(JSON.parse(line) as Record<string, unknown>),
      resumeGraceMs: 100,
    });
    const clean = await EnvClient.connect(server.url);
    await clean.reset();
    await eventually(() => clean.sessionId !== undefined);
    const cleanId = clean.sessionId;
    const before = lines.length;
    await clean.close();
    const raw = await RawSocket.open(server.wsUrl);
    await raw.request({ type: "state" });
    await raw.close(); // a close handshake without our close frame
    await eventually(() => server.sessions.size === 0);
    const aboutClean = lines.slice(before).filter((l) => l.session_id === cleanId);
    expect(aboutClean).toEqual([expect.objectContaining({ level: "info", event: "session_close" })]);

    await using proxy = await DropProxy.start(portOf(server));
    const dropped = await EnvClient.connect(proxy.url, { reconnectWindowMs: 0 });
    await dropped.reset();
    proxy.drop();
    await eventually(() => server.sessions.size === 0);
    expect(lines.map((l) => l.event)).toContain("ws_detached");
    expect(lines.filter((l) => l.level !== "info")).toEqual([]);
    await dropped.close();
  });
});

async function until(fn: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function portOf(server: { url: string }): number {
  return Number(new URL(server.url).port);
}
