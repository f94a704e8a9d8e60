/** GET /ready: free session slots for load balancers and EnvPool; 503 when full or draining. */
import { afterAll, describe, expect, it } from "vitest";
import { getJson, RawSocket, startServer, stopEngines } from "./helpers.ts";

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
