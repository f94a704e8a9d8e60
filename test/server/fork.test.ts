import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EnvClient, HttpSession } from "../../src/client/index.ts";
import type { CallToolObservation, CodeObservation } from "../../src/env/index.ts";
import { eventually, postJson, RawSocket, startServer, stopEngines, type TestServer } from "./helpers.ts";

let server: TestServer;

beforeAll(async () => {
  server = await startServer({ maxSessions: 6 });
});

afterAll(async () => {
  await server.close();
  await stopEngines();
});

function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  if (typeof value !== "object" || value === null) return value;
  const entries = Object.entries(value).filter(([k]) => k !== "usage");
  return Object.fromEntries(entries.map(([k, v]) => [k, strip(v)]));
}

describe("fork over the wire", () => {
  it("a /ws fork frame makes HTTP sessions equal to the parent, which then diverge", async () => {
    await using client = await EnvClient.connect(server.url);
    await client.reset({ seed: 11 });
    await client.step({ code: "let n = Math.random(); await write_file({ path: 'f', content: 'p' })" });
    const children = await client.fork(2);
    try {
      expect(children).toHaveLength(2);
      expect(server.sessions.counts()).toMatchObject({ ws: 1, http: 2 });
      const next = { code: "[n, Math.random(), Date.now()]" };
      const results = [await client.step(next), ...(await Promise.all(children.map((c) => c.step(next))))];
      for (const r of results.slice(1)) expect(strip(r)).toEqual(strip(results[0]));
      const [a, b] = children;
      if (a === undefined || b === undefined) throw new Error("too few children");
      await a.step({ type: "call_tool", tool_name: "write_file", arguments: { path: "f", content: "a" } });
      const readB = await b.step({ type: "call_tool", tool_name: "read_file", arguments: { path: "f" } });
      expect(JSON.stringify((readB.observation as CallToolObservation).result)).toContain('"p"');
      const readParent = await client.call("read_file", { path: "f" });
      expect(JSON.stringify(readParent.observation.result)).toContain('"p"');
      const stateA = await a.state();
      expect(stateA.step_count).toBe(3); // 1 inherited (reset does not count) + the probe + its own write
      expect(stateA.forked_from).toBe((await client.state()).episode_id);
    } finally {
      await Promise.all(children.map((c) => c.close()));
    }
    await eventually(() => server.sessions.counts().http === 0);
  });

  it("POST /sessions/:id/fork forks a stateful HTTP session; children can fork again", async () => {
    const { session, result } = await HttpSession.open(server.url, { seed: 2 });
    expect(result.done).toBe(false);
    try {
      await session.step({ code: "const base = 40" });
      const [child] = await session.fork(1);
      if (child === undefined) throw new Error("no child");
      const [grandchild] = await child.fork(1);
      if (grandchild === undefined) throw new Error("no grandchild");
      const o = (await grandchild.step({ code: "base + 2" })).observation as CodeObservation;
      expect(o.value).toBe("42");
      await child.close();
      await grandchild.close();
      await child.close(); // harmless twice
    } finally {
      await session.close();
    }
  });

  it("bad requests and a fork over capacity are clear errors that leave the parent usable", async () => {
    const ws = await RawSocket.open(server.wsUrl);
    await ws.request({ type: "reset", data: {} });
    const bad = await ws.request({ type: "fork", data: { n: 0 }, id: 1 });
    expect(bad).toMatchObject({ type: "error", id: 1, data: { code: "VALIDATION_ERROR" } });
    const over = await ws.request({ type: "fork", data: { n: 6 }, id: 2 });
    expect(over).toMatchObject({ type: "error", id: 2, data: { code: "CAPACITY_REACHED" } });
    expect(String((over.data as { message: string }).message)).toMatch(/Not enough free sessions to fork 6/);
    const still = await ws.request({ type: "step", data: { code: "1 + 1" }, id: 3 });
    expect(still).toMatchObject({ type: "observation", id: 3 });
    await ws.request({ type: "step", data: { code: "while (true) {}", timeout_ms: 100 } });
    const refused = await ws.request({ type: "fork", id: 4 });
    expect(refused).toMatchObject({ type: "error", id: 4 });
    expect(String((refused.data as { message: string }).message)).toMatch(/timed out/);
    await ws.close();

    const unknown = await postJson(`${server.url}/sessions/nope/fork`, { n: 1 });
    expect(unknown.status).toBe(404);
    const invalid = await postJson(`${server.url}/sessions/nope/fork`, { n: "two" });
    expect(invalid.status).toBe(422);
    await eventually(() => server.sessions.size === 0);
  });
});
