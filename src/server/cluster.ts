/**
 * `serve --workers N`: the server's own work (sockets, frames, JSON, validation, bookkeeping)
 * spread over N processes sharing one port (node:cluster; the primary hands out connections).
 *
 * Who owns what:
 * - a /ws session lives in the worker that accepted its connection (a socket never moves);
 * - a stateful HTTP/MCP session lives in the worker that opened it; its id starts with that
 *   worker's name (`<replica>-w<i>.<uuid>`), and a request naming it that reaches another worker
 *   is forwarded, as is, to the owner's private loopback port (the `forwarder` middleware);
 * - capacity (`--max-sessions`) is split evenly between the workers.
 * Not routed: `/ws?resume=<id>` reaching another worker than the session's (it answers 4004).
 */
import cluster from "node:cluster";
import type { MiddlewareHandler } from "hono";

export const WORKER_ENV = "CODEACT_SERVE_WORKER";
const FORWARDED = "x-codeact-forwarded";

export interface WorkerRoute {
  name: string;
  port: number;
}

/** This process's worker index under `serve --workers`, or undefined. */
export function workerIndex(): number | undefined {
  const text = process.env[WORKER_ENV];
  return text === undefined || !cluster.isWorker ? undefined : Number(text);
}

/**
 * The primary: forks `workers` servers, tells each where the others' private ports are, and on
 * SIGINT/SIGTERM stops them (each drains its own sessions). Resolves once all exited.
 */
export async function runPrimary(workers: number, log: (line: string) => void): Promise<number> {
  const routes = new Map<number, WorkerRoute>();
  let stopping = false;
  const exits: Array<Promise<number>> = [];
  for (let i = 0; i < workers; i++) {
    const worker = cluster.fork({ [WORKER_ENV]: String(i) });
    worker.on("message", (message: { type?: string } & WorkerRoute) => {
      if (message.type !== "route") return;
      routes.set(i, { name: message.name, port: message.port });
      if (routes.size === workers) {
        for (const w of Object.values(cluster.workers ?? {}))
          w?.send({ type: "routes", routes: [...routes.values()] });
      }
    });
    exits.push(
      new Promise((resolve) =>
        worker.once("exit", (code, signal) => {
          if (!stopping) log(`codeact-env: worker ${i} exited (${signal ?? code}); its sessions are gone`);
          resolve(code ?? 1);
        }),
      ),
    );
  }
  await untilStopped(Promise.all(exits));
  stopping = true;
  for (const w of Object.values(cluster.workers ?? {})) w?.process.kill("SIGTERM");
  const codes = await Promise.all(exits);
  return codes.every((c) => c === 0) ? 0 : 1;
}

/** A worker: reports its private port to the primary and learns the others'. */
/**
 * Resolves on SIGINT or SIGTERM, when `also` settles, or (in a cluster worker) when the primary
 * went away (killed, crashed): the one wait of `serve` and of the cluster's primary.
 */
export function untilStopped(also?: Promise<unknown>): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
    if (cluster.isWorker) process.once("disconnect", stop);
    void also?.then(stop, stop);
  });
}

export function joinCluster(route: WorkerRoute, forwarder: Forwarder): void {
  process.on("message", (message: { type?: string; routes?: WorkerRoute[] }) => {
    if (message.type === "routes" && Array.isArray(message.routes)) forwarder.setRoutes(message.routes);
  });
  process.send?.({ type: "route", ...route });
}

export interface Forwarder {
  readonly middleware: MiddlewareHandler;
  setRoutes(routes: readonly WorkerRoute[]): void;
}

/** Forwards requests that name a session another worker owns to that worker. */
export function createForwarder(own: string): Forwarder {
  let ports = new Map<string, number>();
  const middleware: MiddlewareHandler = async (c, next) => {
    if (ports.size === 0 || c.req.header(FORWARDED) !== undefined) return next();
    const id = await sessionIdIn(c.req);
    const owner = id === undefined || !id.includes(".") ? undefined : id.slice(0, id.lastIndexOf("."));
    const port = owner === undefined || owner === own ? undefined : ports.get(owner);
    if (port === undefined) return next();
    const url = new URL(c.req.url);
    url.protocol = "http:";
    url.host = `127.0.0.1:${port}`;
    const headers = new Headers(c.req.raw.headers);
    // Hop-by-hop headers belong to the client's connection, not to this one (fetch refuses them).
    for (const h of ["connection", "keep-alive", "transfer-encoding", "upgrade", "host", "content-length"])
      headers.delete(h);
    headers.set(FORWARDED, own);
    const body = c.req.method === "GET" || c.req.method === "HEAD" ? undefined : await c.req.arrayBuffer();
    const answer = await fetch(url, {
      method: c.req.method,
      headers,
      body: body ?? null,
      redirect: "manual",
    });
    const out = new Headers(answer.headers);
    for (const h of ["content-encoding", "content-length", "transfer-encoding", "connection"]) out.delete(h);
    return new Response(answer.body, { status: answer.status, headers: out });
  };
  return {
    middleware,
    setRoutes(routes) {
      ports = new Map(routes.map((r) => [r.name, r.port]));
    },
  };
}

interface RequestLike {
  method: string;
  path: string;
  header(name: string): string | undefined;
  query(name: string): string | undefined;
  text(): Promise<string>;
}

/** Where the routes look for a session id: headers, query, /sessions/:id, a JSON body's field. */
async function sessionIdIn(req: RequestLike): Promise<string | undefined> {
  const direct = req.header("x-session-id") ?? req.header("mcp-session-id") ?? req.query("session_id");
  if (direct !== undefined) return direct;
  const path = /^\/sessions\/([^/]+)/.exec(req.path);
  if (path !== null) return decodeURIComponent(path[1] as string);
  if (req.method !== "POST" || !(req.header("content-type") ?? "").includes("json")) return undefined;
  try {
    // Hono keeps the text: the route reads the same body again without a second read of the stream.
    const body = JSON.parse(await req.text()) as { session_id?: unknown; params?: { session_id?: unknown } };
    const id = body?.session_id ?? body?.params?.session_id;
    return typeof id === "string" ? id : undefined;
  } catch {
    return undefined; // the route answers the malformed body
  }
}
