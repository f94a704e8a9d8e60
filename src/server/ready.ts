/**
 * `GET /ready`: whether this replica takes new sessions, and how many more. A load balancer's
 * readiness probe (Kubernetes takes a full replica out of the Service until it has room again)
 * and the client's EnvPool (which opens each episode where there is room) both read it.
 * 200 when at least one slot is free and the server is not draining, else 503; same body.
 */
import type { Hono } from "hono";
import { failureHeaders } from "./errors.ts";
import type { SessionManager } from "./sessions.ts";
import type { WsLinks } from "./ws-link.ts";

export interface Readiness {
  status: "ready" | "full" | "draining";
  /** The replica's name (`--replica-id`), which also leads its session ids; "" when unnamed. */
  replica: string;
  free_sessions: number;
  active_sessions: number;
  max_sessions: number;
  /** /ws sessions whose socket dropped, kept for a resume (they hold their slot meanwhile). */
  detached_sessions: number;
}

export function readiness(sessions: SessionManager, links: WsLinks): Readiness {
  const active = sessions.size;
  const free = Math.max(0, sessions.maxSessions - active);
  const status = !sessions.accepting ? "draining" : free === 0 ? "full" : "ready";
  return {
    status,
    replica: sessions.replicaId,
    free_sessions: sessions.accepting ? free : 0,
    active_sessions: active,
    max_sessions: sessions.maxSessions,
    detached_sessions: links.detachedCount,
  };
}

export function registerReadyRoute(app: Hono, sessions: SessionManager, links: WsLinks): void {
  app.get("/ready", (c) => {
    const body = readiness(sessions, links);
    return c.json(
      body,
      body.status === "ready" ? 200 : 503,
      failureHeaders({ status: body.status === "ready" ? 200 : 503 }),
    );
  });
}
