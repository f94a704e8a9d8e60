import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RawSocket, startServer, stopEngines, type TestServer } from "./helpers.ts";

let server: TestServer;

beforeAll(async () => {
  server = await startServer({ maxFrameBytes: 64 * 1024 });
});

afterAll(async () => {
  await server.close();
  await stopEngines();
});

describe("/ws frames", () => {
  it("reset, step, state round trip with OpenEnv result objects; state persists across cells", async () => {
    const ws = await RawSocket.open(server.wsUrl);
    const reset = await ws.request({ type: "reset", data: { seed: 3, episode_id: "ep-1" } });
    expect(reset.type).toBe("observation");
    const resetData = reset.data as Record<string, unknown>;
    expect(Object.keys(resetData).sort()).toEqual(["done", "observation", "reward"]);
    expect(resetData.done).toBe(false);
    const step1 = await ws.request({ type: "step", data: { code: "const x = 41;" } });
    expect((step1.data as { observation: { exit_code: number } }).observation.exit_code).toBe(0);
    const step2 = await ws.request({ type: "step", data: { code: "console.log(x + 1)", metadata: {} } });
    const obs = (step2.data as { observation: Record<string, unknown> }).observation;
    expect(obs.stdout).toBe("42\n");
    expect(obs).not.toHaveProperty("reward");
    expect(obs).not.toHaveProperty("done");
    expect(obs).not.toHaveProperty("metadata");
    const state = await ws.request({ type: "state" });
    expect(state.type).toBe("state");
    expect(state.data).toMatchObject({ episode_id: "ep-1", step_count: 2 });
    await ws.close();
  });

  it("echoes a request id on replies, including error replies", async () => {
    const ws = await RawSocket.open(server.wsUrl);
    const reply = await ws.request({ type: "state", id: "req-7" });
    expect(reply.id).toBe("req-7");
    const err = await ws.request({ type: "bogus", id: 9 });
    expect(err).toMatchObject({ type: "error", id: 9, data: { code: "UNKNOWN_TYPE" } });
    const plain = await ws.request({ type: "state" });
    expect(plain).not.toHaveProperty("id");
    await ws.close();
  });

  it("answers every bad frame with the OpenEnv error code and keeps the session", async () => {
    const ws = await RawSocket.open(server.wsUrl);
    await ws.request({ type: "step", data: { code: "globalThis.kept = 5;" } });

    const invalid = await ws.request("{nope");
    expect(invalid).toMatchObject({ type: "error", data: { code: "INVALID_JSON" } });
    expect((invalid.data as { message: string }).message).toMatch(/^Invalid JSON: /);

    const unknown = await ws.request({ type: "launch" });
    expect(unknown.data).toEqual({ message: "Unknown message type: launch", code: "UNKNOWN_TYPE" });
    const missing = await ws.request({ data: {} });
    expect(missing.data).toEqual({ message: "Unknown message type: ", code: "UNKNOWN_TYPE" });

    const stateWithData = await ws.request({ type: "state", data: {} });
    expect(stateWithData.data).toMatchObject({ code: "VALIDATION_ERROR", message: "Invalid message" });
    expect(
      (stateWithData.data as { errors: Array<{ loc: unknown[]; type: string }> }).errors[0],
    ).toMatchObject({
      type: "extra_forbidden",
      loc: ["data"],
    });

    const stepWithoutData = await ws.request({ type: "step" });
    expect(stepWithoutData.data).toMatchObject({ code: "VALIDATION_ERROR" });

    const badAction = await ws.request({ type: "step", data: { code: "1", extra: true } });
    expect(badAction.data).toMatchObject({ code: "VALIDATION_ERROR", message: "Invalid message" });
    const errors = (badAction.data as { errors: Array<{ type: string; loc: unknown[] }> }).errors;
    expect(errors).toContainEqual(expect.objectContaining({ type: "extra_forbidden", loc: ["extra"] }));

    const wrongType = await ws.request({ type: "step", data: { code: 42 } });
    expect((wrongType.data as { errors: Array<{ loc: unknown[] }> }).errors[0]?.loc).toEqual(["code"]);

    const badSeed = await ws.request({ type: "reset", data: { seed: "three" } });
    expect(badSeed).toMatchObject({ type: "error", data: { code: "VALIDATION_ERROR" } });
    expect((badSeed.data as { errors: Array<{ loc: unknown[] }> }).errors[0]?.loc).toEqual(["seed"]);

    ws.send(Buffer.from([0xde, 0xad, 0xbe, 0xef]));
    const binary = await ws.next();
    expect(binary).toMatchObject({ type: "error", data: { code: "INVALID_JSON" } });
    expect((binary.data as { message: string }).message).toMatch(/Binary frames/);

    const huge = await ws.request({ type: "step", data: { code: `// ${"x".repeat(70 * 1024)}` } });
    expect(huge).toMatchObject({ type: "error", data: { code: "VALIDATION_ERROR" } });
    expect((huge.data as { message: string }).message).toMatch(/Frame too large/);

    const after = await ws.request({ type: "step", data: { code: "kept" } });
    expect((after.data as { observation: { value: string } }).observation.value).toBe("5");
    await ws.close();
  });

  it("reports environment failures as EXECUTION_ERROR and the session stays usable", async () => {
    const ws = await RawSocket.open(server.wsUrl);
    const unknownTask = await ws.request({ type: "reset", data: { task_id: "no-such-task" } });
    expect(unknownTask).toMatchObject({ type: "error", data: { code: "EXECUTION_ERROR" } });
    const state = await ws.request({ type: "state" });
    expect(state.type).toBe("state");
    await ws.close();
  });

  it("processes pipelined frames strictly in order, one reply each", async () => {
    const ws = await RawSocket.open(server.wsUrl);
    ws.send({ type: "reset", data: {} });
    for (let i = 0; i < 5; i++) ws.send({ type: "step", data: { code: `console.log(${i})` }, id: i });
    ws.send({ type: "state", id: "s" });
    const reset = await ws.next();
    expect(reset.type).toBe("observation");
    for (let i = 0; i < 5; i++) {
      const reply = await ws.next();
      expect(reply.id).toBe(i);
      expect((reply.data as { observation: { stdout: string } }).observation.stdout).toBe(`${i}\n`);
    }
    const state = await ws.next();
    expect(state).toMatchObject({ type: "state", id: "s", data: { step_count: 5 } });
    await ws.close();
  });

  it("close frame: no reply, socket closed with 1000, session freed", async () => {
    const ws = await RawSocket.open(server.wsUrl);
    await ws.request({ type: "state" });
    const before = server.sessions.size;
    ws.send({ type: "close" });
    const closed = await ws.closed;
    expect(closed.code).toBe(1000);
    expect(ws.frames).toEqual([]);
    expect(server.sessions.size).toBe(before - 1);
  });

  it("mcp frames speak OpenEnv's JSON-RPC dialect inside the socket", async () => {
    const ws = await RawSocket.open(server.wsUrl);
    const list = await ws.request({ type: "mcp", data: { jsonrpc: "2.0", method: "tools/list", id: 1 } });
    expect(list.type).toBe("mcp");
    const tools = ((list.data as { result: { tools: Array<{ name: string }> } }).result.tools ?? []).map(
      (t) => t.name,
    );
    expect(tools).toContain("write_file");
    const write = await ws.request({
      type: "mcp",
      data: {
        jsonrpc: "2.0",
        method: "tools/call",
        params: { name: "write_file", arguments: { path: "a.txt", content: "hi" } },
        id: 2,
      },
    });
    expect(write.data).toMatchObject({ jsonrpc: "2.0", id: 2 });
    expect(write.data).toHaveProperty("result");
    const read = await ws.request({
      type: "step",
      data: { type: "call_tool", tool_name: "read_file", arguments: { path: "a.txt" } },
    });
    expect(JSON.stringify(read.data)).toContain("hi");
    const own = await ws.request({
      type: "mcp",
      data: { jsonrpc: "2.0", method: "openenv/session/create", id: 3 },
    });
    const sessionId = (own.data as { result: { session_id: string } }).result.session_id;
    const closeOwn = await ws.request({
      type: "mcp",
      data: { jsonrpc: "2.0", method: "openenv/session/close", params: { session_id: sessionId }, id: 4 },
    });
    expect((closeOwn.data as { error: { code: number } }).error.code).toBe(-32600);
    const bad = await ws.request({ type: "mcp", data: { jsonrpc: "1.0", method: "x" } });
    expect(bad.data).toMatchObject({ jsonrpc: "2.0", id: null, error: { code: -32600 } });
    await ws.close();
  });

  it("step after the episode is done is an EXECUTION_ERROR", async () => {
    const done = await startServer({}, { maxSteps: 1 });
    try {
      const ws = await RawSocket.open(done.wsUrl);
      await ws.request({ type: "reset", data: {} });
      const last = await ws.request({ type: "step", data: { code: "1" } });
      expect((last.data as { done: boolean }).done).toBe(true);
      const after = await ws.request({ type: "step", data: { code: "2" } });
      expect(after).toMatchObject({ type: "error", data: { code: "EXECUTION_ERROR" } });
      await ws.close();
    } finally {
      await done.close();
    }
  });
});

describe("openenv-coding profile", () => {
  it("sends exactly stdout, stderr and exit_code", async () => {
    const coding = await startServer({ profile: "openenv-coding" });
    try {
      const ws = await RawSocket.open(coding.wsUrl);
      const reset = await ws.request({ type: "reset", data: {} });
      expect(Object.keys((reset.data as { observation: object }).observation).sort()).toEqual([
        "exit_code",
        "stderr",
        "stdout",
      ]);
      const step = await ws.request({
        type: "step",
        data: { code: "console.log('a'); throw new Error('boom')" },
      });
      const obs = (step.data as { observation: Record<string, unknown> }).observation;
      expect(Object.keys(obs).sort()).toEqual(["exit_code", "stderr", "stdout"]);
      expect(obs.stdout).toBe("a\n");
      expect(obs.exit_code).toBe(1);
      await ws.close();
    } finally {
      await coding.close();
    }
  });
});

describe("keep-alive", () => {
  it("answers WebSocket pings while a step runs", async () => {
    const ws = await RawSocket.open(server.wsUrl);
    await ws.request({ type: "reset", data: {} });
    ws.send({
      type: "step",
      data: { code: "let n = 0; for (let i = 0; i < 3e7; i++) n += i; 'done'" },
      id: "slow",
    });
    const pong = new Promise<number>((resolve) => ws.ws.once("pong", () => resolve(ws.frames.length)));
    await new Promise((resolve) => setTimeout(resolve, 20));
    ws.ws.ping();
    const framesAtPong = await pong;
    const reply = await ws.next();
    expect(framesAtPong).toBe(0);
    expect(reply).toMatchObject({ type: "observation", id: "slow" });
    await ws.close();
  });
});
