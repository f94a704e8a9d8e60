import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CodeActError } from "../../errors/index.ts";
import { EnvClient, wsUrl } from "../../src/client/index.ts";
import { startServer, stopEngines, type TestServer } from "../server/helpers.ts";

let server: TestServer;

beforeAll(async () => {
  server = await startServer({ maxSessions: 4 });
});

afterAll(async () => {
  await server.close();
  await stopEngines();
});

const SLOW_CELL = "let n = 0; for (let i = 0; i < 4e7; i++) n += i; 'slow done'";

describe("EnvClient", () => {
  it("derives the /ws URL like OpenEnv's client", () => {
    expect(wsUrl("http://h:1")).toBe("ws://h:1/ws");
    expect(wsUrl("https://h/base/")).toBe("wss://h/base/ws");
    expect(wsUrl("h:8000")).toBe("ws://h:8000/ws");
    expect(wsUrl("ws://h/ws")).toBe("ws://h/ws");
  });

  it("typed reset/step/state/call/listTools/mcp", async () => {
    await using client = await EnvClient.connect(server.url);
    const reset = await client.reset({ episode_id: "c-1" });
    expect(reset.done).toBe(false);
    const step = await client.step({ code: "const a = [1, 2, 3]; a.length" });
    expect(step.observation).toMatchObject({ exit_code: 0, value: "3" });
    const state = await client.state();
    expect(state).toMatchObject({ episode_id: "c-1", step_count: 1, done: false });
    const tools = await client.listTools();
    expect(tools.map((t) => t.name)).toContain("read_file");
    const write = await client.call("write_file", { path: "x", content: "y" });
    expect(write.observation).toMatchObject({ tool_name: "write_file", error: null });
    const rpc = await client.mcp({ method: "tools/list" });
    expect(rpc.jsonrpc).toBe("2.0");
    expect(rpc.result).toHaveProperty("tools");
  });

  it("error frames reject with CodeActError carrying the wire code; the session continues", async () => {
    await using client = await EnvClient.connect(server.url);
    const error = await client.step({ code: "1", nope: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CodeActError);
    expect((error as CodeActError).code).toBe("INVALID_ACTION");
    expect((error as CodeActError).details).toMatchObject({ wire_code: "VALIDATION_ERROR" });
    const unknownTask = await client.reset({ task_id: "missing" }).catch((e: unknown) => e);
    expect((unknownTask as CodeActError).details).toMatchObject({ wire_code: "EXECUTION_ERROR" });
    // The server's finer code (error_code beside OpenEnv's generic one) becomes the error's code.
    expect((unknownTask as CodeActError).code).toBe("NOT_FOUND");
    expect((await client.state()).step_count).toBe(0);
  });

  it("a timed-out request rejects with TIMEOUT and its late reply never lands on a later call", async () => {
    const client = await EnvClient.connect(server.url, { timeoutMs: 30 });
    try {
      await client.reset();
      const slow = await client.step({ code: SLOW_CELL }).catch((e: unknown) => e);
      expect(slow).toBeInstanceOf(CodeActError);
      expect((slow as CodeActError).code).toBe("TIMEOUT");
      // The next reply the client accepts must be the state's, not the slow step's late observation.
      let state: Awaited<ReturnType<EnvClient["state"]>> | undefined;
      for (let attempt = 0; attempt < 200 && state === undefined; attempt++) {
        state = await client.state().catch((e: unknown) => {
          if ((e as CodeActError).code !== "TIMEOUT") throw e;
          return undefined;
        });
      }
      expect(state).toMatchObject({ step_count: 1 });
    } finally {
      await client.close();
    }
  });

  it("capacity: the first request rejects with CAPACITY; close and dispose are harmless twice", async () => {
    const holders = await Promise.all(Array.from({ length: 4 }, () => EnvClient.connect(server.url)));
    await Promise.all(holders.map((h) => h.state()));
    const extra = await EnvClient.connect(server.url);
    const error = await extra.state().catch((e: unknown) => e);
    expect((error as CodeActError).code).toBe("CAPACITY");
    await extra.close();
    await extra.close();
    for (const h of holders) await h.close();
    await expect(holders[0]?.state()).rejects.toMatchObject({ code: "DISPOSED" });
  });

  it("connect to a closed port rejects with UPSTREAM", async () => {
    const error = await EnvClient.connect("http://127.0.0.1:1", { connectTimeoutMs: 2000 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CodeActError);
    expect((error as CodeActError).code).toBe("UPSTREAM");
  });
});
