import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSuite } from "../../tasks/index.ts";
import { getJson, postJson, startServer, stopEngines, type TestServer } from "./helpers.ts";

let server: TestServer;

beforeAll(async () => {
  const suite = await loadSuite("builtin");
  server = await startServer({ suite, maxBodyBytes: 256 * 1024 }, { suite });
});

afterAll(async () => {
  await server.close();
  await stopEngines();
});

describe("OpenEnv HTTP routes", () => {
  it("GET /health, /metadata, /schema", async () => {
    expect((await getJson(`${server.url}/health`)).json).toEqual({ status: "healthy" });
    const meta = await getJson(`${server.url}/metadata`);
    expect(Object.keys(meta.json).sort()).toEqual([
      "author",
      "description",
      "documentation_url",
      "name",
      "readme_content",
      "version",
    ]);
    const schema = await getJson(`${server.url}/schema`);
    expect(Object.keys(schema.json).sort()).toEqual(["action", "observation", "state"]);
  });

  it("GET /openapi.json: version 1.0.0 and every route", async () => {
    const doc = (await getJson(`${server.url}/openapi.json`)).json as {
      info: { version: string };
      paths: object;
    };
    expect(doc.info.version).toBe("1.0.0");
    for (const path of [
      "/reset",
      "/step",
      "/state",
      "/health",
      "/metadata",
      "/schema",
      "/mcp",
      "/mcp/stream",
      "/ws",
      "/metrics",
    ]) {
      expect(doc.paths).toHaveProperty([path]);
    }
  });

  it("stateless /reset, /step, /state: a fresh environment per request", async () => {
    const reset = await postJson(`${server.url}/reset`, {});
    expect(reset.status).toBe(200);
    expect(Object.keys(reset.json).sort()).toEqual(["done", "observation", "reward"]);
    const noBody = await fetch(`${server.url}/reset`, { method: "POST" });
    expect(noBody.status).toBe(200);
    await noBody.text();
    const step = await postJson(`${server.url}/step`, {
      action: { code: "const y = 41; console.log(y + 1)" },
    });
    expect(step.status).toBe(200);
    expect((step.json.observation as { stdout: string }).stdout).toBe("42\n");
    const again = await postJson(`${server.url}/step`, { action: { code: "typeof y" } });
    expect((again.json.observation as { value: string }).value).toBe("'undefined'");
    const state = await getJson(`${server.url}/state`);
    expect(state.json).toMatchObject({ step_count: 0 });
  });

  it("validates bodies like FastAPI (422 detail lists)", async () => {
    const seed = await postJson(`${server.url}/reset`, { seed: -1 });
    expect(seed.status).toBe(422);
    expect(seed.json.detail).toEqual([
      {
        type: "greater_than_equal",
        loc: ["body", "seed"],
        msg: "Input should be greater than or equal to 0",
        input: -1,
        ctx: { ge: 0 },
      },
    ]);
    const episode = await postJson(`${server.url}/reset`, { episode_id: "e".repeat(256) });
    expect((episode.json.detail as Array<{ type: string }>)[0]?.type).toBe("string_too_long");
    const json = await postJson(`${server.url}/reset`, "{oops");
    expect(json.status).toBe(422);
    expect((json.json.detail as Array<{ type: string; loc: unknown[] }>)[0]).toMatchObject({
      type: "json_invalid",
      loc: ["body", 0],
    });
    const array = await postJson(`${server.url}/reset`, [1]);
    expect((array.json.detail as Array<{ type: string }>)[0]?.type).toBe("model_attributes_type");
    const noAction = await postJson(`${server.url}/step`, {});
    expect((noAction.json.detail as Array<{ loc: unknown[] }>)[0]?.loc).toEqual(["body", "action"]);
    const timeout = await postJson(`${server.url}/step`, { action: { code: "1" }, timeout_s: 0 });
    expect((timeout.json.detail as Array<{ loc: unknown[] }>)[0]?.loc).toEqual(["body", "timeout_s"]);
    const badAction = await postJson(`${server.url}/step`, { action: { code: "1", bogus: 1 } });
    expect(badAction.status).toBe(422);
    expect(badAction.json.detail).toContainEqual(
      expect.objectContaining({ type: "extra_forbidden", loc: ["bogus"] }),
    );
  });

  it("oversized bodies get 413 JSON; unknown paths 404; wrong methods 405", async () => {
    const big = await postJson(`${server.url}/step`, { action: { code: "x".repeat(300 * 1024) } });
    expect(big.status).toBe(413);
    expect(big.json.detail).toMatch(/too large/);
    expect((await getJson(`${server.url}/nope`)).json).toEqual({ detail: "Not Found" });
    const wrong = await getJson(`${server.url}/reset`);
    expect(wrong.status).toBe(405);
    expect(wrong.json).toEqual({ detail: "Method Not Allowed" });
    expect((await getJson(`${server.url}/health`)).status).toBe(200);
  });

  it("HTTP rewards are float-or-null; an unknown task is a 404 with a code", async () => {
    const unknown = await postJson(`${server.url}/reset`, { task_id: "nope-404" });
    expect(unknown.status).toBe(404);
    expect(unknown.json).toMatchObject({ code: "EXECUTION_ERROR" });
    expect(unknown.json.detail).toMatch(/nope-404/);
  });
});

describe("stateful HTTP sessions (extension)", () => {
  it("reset {session:true} returns a session_id that /step and /state name; DELETE ends it", async () => {
    const reset = await postJson(`${server.url}/reset`, { session: true, episode_id: "http-ep" });
    expect(reset.status).toBe(200);
    const id = reset.json.session_id as string;
    expect(reset.headers.get("x-session-id")).toBe(id);
    await postJson(`${server.url}/step`, { action: { code: "const kept = 7;" }, session_id: id });
    const step = await postJson(`${server.url}/step?session_id=${id}`, { action: { code: "kept * 6" } });
    expect((step.json.observation as { value: string }).value).toBe("42");
    const state = await getJson(`${server.url}/state?session_id=${id}`);
    expect(state.json).toMatchObject({ episode_id: "http-ep", step_count: 2 });
    const viaHeader = await postJson(`${server.url}/reset`, {}, { "x-session": "new" });
    expect(viaHeader.json.session_id).toEqual(expect.any(String));
    for (const sid of [id, viaHeader.json.session_id as string]) {
      const del = await fetch(`${server.url}/sessions/${sid}`, { method: "DELETE" });
      expect(await del.json()).toEqual({ session_id: sid, closed: true });
    }
    const gone = await getJson(`${server.url}/state?session_id=${id}`);
    expect(gone.status).toBe(404);
  });
});

describe("POST /mcp (OpenEnv JSON-RPC)", () => {
  const rpc = (body: unknown) => postJson(`${server.url}/mcp`, body);

  it("answers {} and malformed requests with JSON-RPC errors, always HTTP 200", async () => {
    const empty = await rpc({});
    expect(empty.status).toBe(200);
    expect(empty.json).toMatchObject({ jsonrpc: "2.0", id: null, error: { code: -32600 } });
    expect((empty.json.error as { message: string }).message).toMatch(/^Invalid request: /);
    expect((await rpc("not json")).json).toMatchObject({
      error: { code: -32700, message: "Parse error" },
      id: null,
    });
    expect((await rpc([{ jsonrpc: "2.0", method: "tools/list" }])).json).toMatchObject({
      error: { code: -32700 },
    });
    expect((await rpc({ jsonrpc: "2.0", method: "initialize", id: 4 })).json).toEqual({
      jsonrpc: "2.0",
      id: 4,
      error: { code: -32601, message: "Method not found: initialize", data: null },
    });
    expect((await rpc({ jsonrpc: "2.0", method: "tools/call", params: {}, id: 5 })).json).toMatchObject({
      error: { code: -32602, message: "Missing 'name' in params" },
    });
    expect(
      (await rpc({ jsonrpc: "2.0", method: "tools/call", params: { name: "nope" }, id: 6 })).json,
    ).toMatchObject({
      error: { code: -32603 },
    });
  });

  it("tools/list, tools/call, session create/close", async () => {
    const list = await rpc({ jsonrpc: "2.0", method: "tools/list", id: 1 });
    const tools = (list.json.result as { tools: Array<{ name: string; inputSchema: object }> }).tools;
    expect(tools.map((t) => t.name)).toContain("list_files");
    expect(tools[0]).toHaveProperty("inputSchema");
    const created = await rpc({ jsonrpc: "2.0", method: "openenv/session/create", id: 2 });
    const sessionId = (created.json.result as { session_id: string }).session_id;
    const write = await rpc({
      jsonrpc: "2.0",
      method: "tools/call",
      params: { name: "write_file", arguments: { path: "f.txt", content: "abc" }, session_id: sessionId },
      id: 3,
    });
    expect(write.json.result).toMatchObject({ is_error: false });
    const files = await rpc({
      jsonrpc: "2.0",
      method: "tools/call",
      params: { name: "list_files", session_id: sessionId },
      id: 4,
    });
    expect(JSON.stringify((files.json.result as { data: unknown }).data)).toContain("f.txt");
    expect(
      (await rpc({ jsonrpc: "2.0", method: "openenv/session/close", params: {}, id: 5 })).json,
    ).toMatchObject({
      error: { code: -32602, message: "Invalid params - 'session_id' is required" },
    });
    expect(
      (
        await rpc({
          jsonrpc: "2.0",
          method: "openenv/session/close",
          params: { session_id: sessionId },
          id: 6,
        })
      ).json,
    ).toEqual({
      jsonrpc: "2.0",
      id: 6,
      result: { session_id: sessionId, closed: true },
    });
    expect(
      (
        await rpc({
          jsonrpc: "2.0",
          method: "openenv/session/close",
          params: { session_id: sessionId },
          id: 7,
        })
      ).json,
    ).toMatchObject({
      error: { code: -32602, message: `Unknown session_id: ${sessionId}` },
    });
  });
});

describe("tasks and metrics", () => {
  it("GET /tasks and /tasks/:id never reveal tests or solutions", async () => {
    const list = await getJson(`${server.url}/tasks`);
    const tasks = list.json as unknown as Array<Record<string, unknown>>;
    expect(tasks.length).toBeGreaterThan(0);
    const first = tasks[0] as { id: string; title: string };
    expect(first.title.length).toBeGreaterThan(0);
    const filtered = (await getJson(`${server.url}/tasks?q=${encodeURIComponent(first.id)}`))
      .json as unknown as unknown[];
    expect(filtered.length).toBeGreaterThanOrEqual(1);
    const task = await getJson(`${server.url}/tasks/${encodeURIComponent(first.id)}`);
    expect(Object.keys(task.json).sort()).toEqual(["entry_point", "id", "language", "metadata", "prompt"]);
    expect(task.text).not.toContain("canonical_solution");
    expect((await getJson(`${server.url}/tasks/nope`)).status).toBe(404);
  });

  it("GET /metrics is Prometheus text with sessions, steps, latency and errors", async () => {
    await postJson(`${server.url}/step`, { action: { code: "1" } });
    await postJson(`${server.url}/step`, { action: { code: "while (true) {}", timeout_ms: 100 } });
    const response = await fetch(`${server.url}/metrics`);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toMatch(/^codeact_sessions_active\{kind="ws"\} \d+$/m);
    expect(text).toMatch(/^codeact_steps_total\{kind="code"\} \d+$/m);
    expect(text).toMatch(/^codeact_step_latency_seconds_bucket\{le="\+Inf"\} \d+$/m);
    expect(text).toMatch(/^codeact_step_latency_seconds_count \d+$/m);
    expect(text).toMatch(/^codeact_limit_hits_total\{kind="timeout"\} [1-9]\d*$/m);
    expect(text).toMatch(/^codeact_errors_total\{code="VALIDATION_ERROR"\} \d+$/m);
  });
});
