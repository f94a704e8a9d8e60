/**
 * Inputs a newcomer or a broken client sends: bodies nested far too deep, task ids with "/",
 * a step after the episode ended. A real server on loopback, real HTTP and WS clients.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSuite } from "../../tasks/index.ts";
import { getJson, postJson, RawSocket, startServer, stopEngines, type TestServer } from "./helpers.ts";

let server: TestServer;

beforeAll(async () => {
  const suite = await loadSuite("builtin");
  server = await startServer({ suite, logLevel: "error" }, { suite, maxSteps: 1 });
});

afterAll(async () => {
  await server.close();
  await stopEngines();
});

const nested = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;
/** ~200 KB, well under the body limit; deep enough to overflow any recursive walk. */
const DEEP = nested(100_000);

describe("a body nested too deeply", () => {
  it("is a 400 on every JSON route, not a 500", async () => {
    const bodies: Array<[string, string]> = [
      ["/reset", `{"seed": ${DEEP}}`],
      ["/step", `{"action": {"code": "1", "x": ${DEEP}}}`],
      ["/grade", `{"items": ${DEEP}}`],
      ["/run_code", `{"code": "1", "language": "nodejs", "files": ${DEEP}}`],
      ["/sessions/nope/fork", `{"n": ${DEEP}}`],
    ];
    for (const [path, body] of bodies) {
      const r = await postJson(`${server.url}${path}`, body);
      expect([path, r.status, r.json]).toEqual([
        path,
        400,
        { detail: "JSON nested deeper than 256 levels", code: "INVALID_JSON" },
      ]);
    }
    const rpc = await postJson(
      `${server.url}/mcp`,
      `{"jsonrpc":"2.0","id":1,"method":"tools/list","params":${DEEP}}`,
    );
    expect(rpc.status).toBe(400);
    expect(rpc.json).toMatchObject({
      error: { code: -32700, message: "Parse error: JSON nested deeper than 256 levels" },
    });
    // The limit leaves room: 256 levels are read, and answered as the route answers any bad value.
    const atLimit = await postJson(`${server.url}/step`, `{"action": {"code": "1", "x": ${nested(254)}}}`);
    expect(atLimit.status).toBe(422);
    expect(server.sessions.counts()).toMatchObject({ http: 0 });
  });

  it("on /mcp/stream, in a session, is a JSON-RPC parse error (the SDK's own parse has no limit)", async () => {
    const headers = {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
    };
    const init = await fetch(`${server.url}/mcp/stream`, {
      method: "POST",
      headers,
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } },
      }),
    });
    const session = init.headers.get("mcp-session-id") as string;
    await init.text();
    const call = `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"run_code","arguments":{"a":${DEEP}}}}`;
    const r = await postJson(`${server.url}/mcp/stream`, call, {
      ...headers,
      "mcp-session-id": session,
      "mcp-protocol-version": "2025-06-18",
    });
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({
      error: { code: -32700, message: "Parse error: JSON nested deeper than 256 levels" },
    });
    await fetch(`${server.url}/mcp/stream`, { method: "DELETE", headers: { "mcp-session-id": session } });
  });

  it("over /ws is an INVALID_JSON error frame and the session lives on", async () => {
    const ws = await RawSocket.open(server.wsUrl);
    try {
      const error = await ws.request(`{"type": "step", "data": ${DEEP}}`);
      expect(error).toEqual({
        type: "error",
        data: { message: "Invalid JSON: JSON nested deeper than 256 levels", code: "INVALID_JSON" },
      });
      const reset = await ws.request({ type: "reset", data: {} });
      expect(reset.type).toBe("observation");
    } finally {
      await ws.close();
    }
  });
});

describe("task ids with a slash", () => {
  it("GET /tasks/builtin/slugify finds the task, as does the encoded id", async () => {
    const plain = await getJson(`${server.url}/tasks/builtin/slugify`);
    expect(plain.status).toBe(200);
    expect(plain.json).toMatchObject({ id: "builtin/slugify", language: expect.any(String) });
    expect(plain.json).not.toHaveProperty("tests");
    const encoded = await getJson(`${server.url}/tasks/${encodeURIComponent("builtin/slugify")}`);
    expect(encoded.json).toEqual(plain.json);
    const missing = await getJson(`${server.url}/tasks/builtin/nope`);
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ detail: "Unknown task: builtin/nope" });
  });
});

describe("a step after the episode ended", () => {
  it("HTTP: 409, OpenEnv's EXECUTION_ERROR code, and error_code EPISODE_DONE", async () => {
    const reset = await postJson(`${server.url}/reset`, { task_id: "builtin/slugify", session: true });
    const session_id = reset.json.session_id as string;
    const first = await postJson(`${server.url}/step`, { action: { code: "1" }, session_id });
    expect(first.json.done).toBe(true);
    const after = await postJson(`${server.url}/step`, { action: { code: "1" }, session_id });
    expect(after.status).toBe(409);
    expect(after.json).toMatchObject({ code: "EXECUTION_ERROR", error_code: "EPISODE_DONE" });
    expect(after.json.detail).toMatch(/episode/i);
    await fetch(`${server.url}/sessions/${session_id}`, { method: "DELETE" });
  });

  it("WS: an error frame with code EXECUTION_ERROR and error_code EPISODE_DONE; the socket stays open", async () => {
    const ws = await RawSocket.open(server.wsUrl);
    try {
      await ws.request({ type: "reset", data: { task_id: "builtin/slugify" } });
      const first = await ws.request({ type: "step", data: { code: "1" } });
      expect((first.data as { done: boolean }).done).toBe(true);
      const after = await ws.request({ type: "step", data: { code: "1" } });
      expect(after).toMatchObject({
        type: "error",
        data: { code: "EXECUTION_ERROR", error_code: "EPISODE_DONE" },
      });
      expect((await ws.request({ type: "reset", data: {} })).type).toBe("observation");
    } finally {
      await ws.close();
    }
  });
});
