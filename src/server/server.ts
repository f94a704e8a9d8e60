/**
 * createServer: the Hono app with every OpenEnv route, /ws, standard MCP, metrics, task browsing
 * and (optionally) the web page, plus its lifetime (start, graceful close).
 */
import type { AddressInfo } from "node:net";
import { availableParallelism } from "node:os";
import { serve } from "@hono/node-server";
import { createNodeWebSocket } from "@hono/node-ws";
import { Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { CodeActError } from "../../errors/index.ts";
import { type EngineName, engineStats, type Limits } from "../../sandbox/index.ts";
import type { Suite } from "../../tasks/index.ts";
import { ENV_VERSION, envMetadata, envSchemas } from "../env/index.ts";
import type { Environment } from "../env/types.ts";
import { registerWebRoutes } from "../web/index.ts";
import { registerForkRoutes } from "./fork-routes.ts";
import { registerGradeRoutes } from "./grade-routes.ts";
import { registerHttpRoutes } from "./http.ts";
import { Limiter } from "./limiter.ts";
import { createLogger, type LogLevel } from "./log.ts";
import { registerMcpStream } from "./mcp-stream.ts";
import { Metrics } from "./metrics.ts";
import { openApiDocument } from "./openapi.ts";
import { registerReadyRoute } from "./ready.ts";
import { registerRunCode } from "./run-code.ts";
import { SessionManager } from "./sessions.ts";
import { registerTaskRoutes } from "./tasks-routes.ts";
import type { Profile } from "./wire.ts";
import { wsEvents } from "./ws.ts";
import { WsLinks } from "./ws-link.ts";

/**
 * Options of `createServer`.
 * @example
 * ```ts
 * await using server = createServer({ port: 0, createEnv: () => new CodeActEnv({ typecheck: "report" }) });
 * const { url } = await server.start();
 * ```
 */
export interface ServerConfig {
  /** @default "127.0.0.1" */
  host?: string;
  /**
   * 0 picks a free port.
   * @default 8000
   */
  port?: number;
  /** Makes the environment of each new session. */
  createEnv: () => Environment;
  /**
   * Tasks served under /tasks and reset by `task_id`.
   * @default no suite
   */
  suite?: Suite;
  /**
   * Shared by /ws, stateful HTTP, /mcp sessions and /mcp/stream.
   * @default 256
   */
  maxSessions?: number;
  /**
   * Wire profile ("openenv-coding" keeps only stdout, stderr and exit_code).
   * @default "default"
   */
  profile?: Profile;
  /**
   * A session without any request for this long is closed.
   * @default 600000 (10 minutes)
   */
  idleTimeoutMs?: number;
  /** @default 16777216 (16 MiB) */
  maxBodyBytes?: number;
  /** @default 16777216 (16 MiB, uvicorn's default) */
  maxFrameBytes?: number;
  /** @default "info" */
  logLevel?: LogLevel;
  /**
   * Where JSON log lines go.
   * @default stderr
   */
  logSink?: (line: string) => void;
  /**
   * Serve the human-agent page at /web/ (and redirect / there).
   * @default false
   */
  web?: boolean;
  /**
   * How long close() lets in-flight steps finish.
   * @default 10000
   */
  shutdownGraceMs?: number;
  /**
   * How long a /ws session whose socket dropped waits for a resume.
   * @default 60000
   */
  resumeGraceMs?: number;
  /**
   * Unsent reply bytes a /ws socket may hold (its client stopped reading) before the session is
   * closed with 1008 and ended.
   * @default 67108864 (4 x maxFrameBytes)
   */
  maxSendBufferBytes?: number;
  /**
   * WebSocket keep-alive ping interval; a socket missing one whole interval is cut.
   * @default 20000
   */
  pingIntervalMs?: number;
  /**
   * This replica's name: leads every session id and is reported by /ready.
   * @default none
   */
  replicaId?: string;
  /**
   * Stateless batch work: `POST /grade` items and `POST /run_code` requests.
   * @default {} (see BatchConfig)
   */
  batch?: BatchConfig;
  /**
   * Runs before every route: `serve --workers` forwards requests for other workers' sessions.
   * @default undefined (one process: nothing to forward)
   */
  forward?: MiddlewareHandler;
}

/** Stateless batch work of a server (`POST /grade`, `POST /run_code`). */
export interface BatchConfig {
  /**
   * Sandbox engine of /grade and /run_code.
   * @default "isolated-vm"
   */
  engine?: EngineName;
  /**
   * Default limits of a graded item or a /run_code script (a request's run_timeout wins).
   * @default DEFAULT_LIMITS
   */
  limits?: Partial<Limits>;
  /**
   * Items/scripts in flight at once across all requests.
   * @default 4 per core (what eval uses)
   */
  concurrency?: number;
}

export interface CodeActServer extends AsyncDisposable {
  readonly app: Hono;
  readonly sessions: SessionManager;
  start(): Promise<{ url: string; port: number }>;
  close(): Promise<void>;
}

const MIB = 1024 * 1024;
/** Paths that exist with another method: answer 405 like FastAPI instead of 404. */
const KNOWN_PATHS = new Set([
  "/reset",
  "/step",
  "/state",
  "/health",
  "/ready",
  "/metadata",
  "/schema",
  "/mcp",
  "/metrics",
  "/openapi.json",
  "/grade",
  "/run_code",
]);

export function createServer(config: ServerConfig): CodeActServer {
  const maxBodyBytes = config.maxBodyBytes ?? 16 * MIB;
  const maxFrameBytes = config.maxFrameBytes ?? 16 * MIB;
  const logger = createLogger(config.logLevel ?? "info", config.logSink);
  const metrics = new Metrics();
  const profile = config.profile ?? "default";
  const sessions = new SessionManager({
    maxSessions: config.maxSessions ?? 256,
    idleTimeoutMs: config.idleTimeoutMs ?? 10 * 60_000,
    createEnv: config.createEnv,
    logger,
    metrics,
    replicaId: config.replicaId ?? "",
  });
  const links = new WsLinks({
    sessions,
    logger,
    resumeGraceMs: config.resumeGraceMs ?? 60_000,
    pingIntervalMs: config.pingIntervalMs ?? 20_000,
    maxSendBufferBytes: config.maxSendBufferBytes ?? 4 * maxFrameBytes,
  });
  const ctx = { profile, logger, metrics, sessions };

  const app = new Hono();
  const nodeWs = createNodeWebSocket({ app });
  // Frames between maxFrameBytes and twice it get an error frame and the session lives on.
  nodeWs.wss.options.maxPayload = 2 * maxFrameBytes;

  if (config.forward !== undefined) app.use("*", config.forward);
  app.use("*", async (c, next) => {
    if (c.req.method !== "POST") return next();
    return bodyLimit({
      maxSize: maxBodyBytes,
      // The unread rest of the body makes the connection unusable: tell the client not to reuse it.
      onError: (cc) =>
        cc.json({ detail: `Request body too large (limit ${maxBodyBytes} bytes)` }, 413, {
          Connection: "close",
        }),
    })(c, next);
  });
  app.get("/health", (c) => c.json({ status: "healthy" }));
  registerReadyRoute(app, sessions, links);
  app.get("/metadata", (c) => c.json(envMetadata(config.suite)));
  app.get("/schema", (c) => c.json(envSchemas()));
  app.get("/openapi.json", (c) => c.json(openApiDocument(envSchemas(), envMetadata(config.suite).name)));
  app.get("/metrics", async (c) => {
    const text = metrics.render(sessions.counts(), await sandboxStats());
    return c.text(text, 200, { "Content-Type": "text/plain; version=0.0.4; charset=utf-8" });
  });
  registerHttpRoutes(app, ctx);
  registerForkRoutes(app, ctx);
  const batchCtx = {
    ...ctx,
    suite: config.suite,
    limiter: new Limiter(config.batch?.concurrency ?? availableParallelism() * 4),
    engine: config.batch?.engine,
    limits: config.batch?.limits,
  };
  registerGradeRoutes(app, batchCtx);
  registerRunCode(app, batchCtx);
  const endMcpStreams = registerMcpStream(app, {
    ...ctx,
    maxBodyBytes,
    serverName: "codeact-env",
    serverVersion: ENV_VERSION,
  });
  app.get(
    "/ws",
    nodeWs.upgradeWebSocket((c) =>
      wsEvents({ ...ctx, links, maxFrameBytes, resumeId: c.req.query("resume") }),
    ),
  );
  registerTaskRoutes(app, config.suite);
  if (config.web === true) registerWebRoutes(app, { redirectRoot: true });
  app.notFound((c) =>
    KNOWN_PATHS.has(c.req.path)
      ? c.json({ detail: "Method Not Allowed" }, 405)
      : c.json({ detail: "Not Found" }, 404),
  );
  app.onError((error, c) => {
    logger.log("error", "unhandled", { path: c.req.path, message: String(error) });
    return c.json({ detail: "Internal Server Error" }, 500);
  });

  let server: ReturnType<typeof serve> | undefined;
  let closing: Promise<void> | undefined;

  const start = async () => {
    if (server !== undefined) throw new CodeActError("INVALID_ARGUMENT", "Server already started");
    const host = config.host ?? "127.0.0.1";
    const listening = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
      const s = serve({ fetch: app.fetch, hostname: host, port: config.port ?? 8000 }, () => resolve(s));
      s.once("error", (error) => reject(listenError(error, host, config.port ?? 8000)));
    }).catch(async (error: unknown) => {
      await close();
      throw error;
    });
    server = listening;
    nodeWs.injectWebSocket(listening);
    const port = (listening.address() as AddressInfo).port;
    const shownHost = host.includes(":") ? `[${host}]` : host;
    logger.log("info", "listening", { host, port });
    return { url: `http://${shownHost}:${port}`, port };
  };

  const close = () => {
    closing ??= (async () => {
      const s = server;
      const stopped =
        s === undefined ? Promise.resolve() : new Promise<void>((resolve) => s.close(() => resolve()));
      if (s !== undefined && "closeIdleConnections" in s) s.closeIdleConnections();
      await sessions.shutdown(config.shutdownGraceMs ?? 10_000);
      links.shutdown();
      await endMcpStreams();
      await terminateSockets(nodeWs.wss.clients);
      if (s !== undefined && "closeAllConnections" in s) s.closeAllConnections();
      await stopped;
      logger.log("info", "closed", {});
    })();
    return closing;
  };

  return { app, sessions, start, close, [Symbol.asyncDispose]: close };
}

/** Gives sockets that were sent a close frame a moment to answer it, then cuts them. */
async function terminateSockets(clients: Set<import("ws").WebSocket>): Promise<void> {
  const deadline = Date.now() + 1000;
  while ([...clients].some((ws) => ws.readyState !== ws.CLOSED) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  for (const ws of clients) ws.terminate();
}

/** Engine stats summed over the engines started so far (undefined before any started). */
async function sandboxStats(): Promise<{ restarts: number; workers: number; sessions: number } | undefined> {
  const list = Object.values(await engineStats());
  if (list.length === 0) return undefined;
  return list.reduce((a, b) => ({
    restarts: a.restarts + b.restarts,
    workers: a.workers + b.workers,
    sessions: a.sessions + b.sessions,
  }));
}

/** Why the server could not listen, in the words a person acts on (not a stack). */
function listenError(error: Error, host: string, port: number): Error {
  const code = (error as NodeJS.ErrnoException).code;
  const where = `${host.includes(":") ? `[${host}]` : host}:${port}`;
  const reasons: Record<string, string> = {
    EADDRINUSE: `${where} is already in use (another server is listening there); pick another --port, or --port 0 for a free one`,
    EACCES: `not allowed to listen on ${where} (ports below 1024 need privileges); pick another --port`,
    EADDRNOTAVAIL: `cannot listen on ${where}: ${host} is not an address of this machine; check --host`,
  };
  const reason = code === undefined ? undefined : reasons[code];
  return reason === undefined ? error : new CodeActError("INVALID_ARGUMENT", reason, { cause: error });
}
