/** GET /ready: free session slots for load balancers and EnvPool; 503 when full or draining. */
import { afterAll, describe, expect, it } from "vitest";
import { getJson, postJson, RawSocket, startServer, stopEngines } from "./helpers.ts";

afterAll(async () => {
  await stopEngines();
});

describe("/ready", () => {
  it("counts free slots, answers 503 when full and while draining; session ids carry the replica", async () => {
    const server = await startServer({ maxSessions: 2, replicaId: "pod-a" });
    const empty = await getJson(`${server.url}/ready`);
    expect(empty.status).toBe(200);
    expect(empty.json).toEqual({
      status: "ready",
      replica: "pod-a",
      free_sessions: 2,
      active_sessions: 0,
      max_sessions: 2,
      detached_sessions: 0,
    });
    const a = await RawSocket.open(server.wsUrl);
    const hello = await a.request({ type: "session" });
    expect((hello.data as { session_id: string }).session_id).toMatch(/^pod-a\.[0-9a-f-]{36}$/);
    expect((await getJson(`${server.url}/ready`)).json).toMatchObject({ status: "ready", free_sessions: 1 });
    const b = await RawSocket.open(server.wsUrl);
    await b.request({ type: "state" });
    const full = await getJson(`${server.url}/ready`);
    expect(full.status).toBe(503);
    expect(full.json).toMatchObject({ status: "full", free_sessions: 0, active_sessions: 2 });
    await a.close();
    await b.close();
    const closing = server.close();
    const draining = await getJson(`${server.url}/ready`).catch(() => undefined);
    // Either the listener already stopped (no answer) or it answers 503 "draining": never "ready".
    if (draining !== undefined) expect(draining.json).toMatchObject({ status: "draining", free_sessions: 0 });
    await closing;
  });
});

describe("stateful HTTP behind several replicas", () => {
  it("a session id from another replica is refused with a message that names both replicas", async () => {
    await using a = await startServer({ replicaId: "pod-a" });
    await using b = await startServer({ replicaId: "pod-b" });
    const opened = await postJson(`${a.url}/reset`, { session: true });
    const id = opened.json.session_id as string;
    expect(id).toMatch(/^pod-a\./);
    const wrong = await postJson(`${b.url}/step`, { action: { code: "1" }, session_id: id });
    expect(wrong.status).toBe(404);
    expect(wrong.json.detail).toBe(
      `Unknown session_id: ${id} (it was opened on replica 'pod-a', this is 'pod-b': route stateful HTTP by the X-Session-Id header to one replica, or use /ws)`,
    );
    const right = await postJson(`${a.url}/step`, { action: { code: "1" }, session_id: id });
    expect(right.status).toBe(200);
  });
});
