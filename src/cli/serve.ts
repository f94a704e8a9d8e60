/**
 * `codeact-env serve`: the environment over the OpenEnv wire protocol. Stops gracefully on
 * SIGINT/SIGTERM: no new sessions, in-flight steps finish, every sandbox is disposed.
 */
import cluster from "node:cluster";
import type { AddressInfo } from "node:net";
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { createAdaptorServer } from "@hono/node-server";
import { CodeActError } from "../../errors/index.ts";
import { DEFAULT_ENGINE, ENGINE_NAMES } from "../../sandbox/index.ts";
import { loadSuite, RECORD_FORMATS } from "../../tasks/index.ts";
import { CodeActEnv } from "../env/index.ts";
import {
  createForwarder,
  createServer,
  joinCluster,
  runPrimary,
  untilStopped,
  workerIndex,
} from "../server/index.ts";

export const SERVE_HELP = `codeact-env serve — serve the environment over the OpenEnv wire protocol

Usage:
  codeact-env serve [--host 127.0.0.1] [--port 8000] [--engine ${ENGINE_NAMES.join("|")}]
                    [--suite builtin|<file.jsonl>] [--format auto|task|humaneval|multipl-e|exercism]
                    [--max-sessions N] [--profile default|openenv-coding]
                    [--idle-timeout-ms N] [--max-steps N] [--typecheck off|report|enforce]
                    [--batch-concurrency N]
                    [--log-level debug|info|warn|error|silent] [--no-web]
                    [--resume-grace-ms N] [--ping-interval-ms N] [--shutdown-grace-ms N] [--replica-id NAME]
                    [--workers N]

Routes: WS /ws (OpenEnv sessions; a "fork" frame forks the episode), POST /reset /step, GET /state
/health /ready /metadata /schema /openapi.json /metrics /tasks, POST /sessions/:id/fork, POST /grade
(batch grading; also OpenRLHF's remote-reward shape), POST /run_code (SandboxFusion-compatible,
nodejs/typescript), POST /mcp (OpenEnv JSON-RPC), /mcp/stream (standard MCP, Streamable HTTP: the
tools and run_code), /web (a page to play an episode by hand).

Options:
  --host             interface to listen on (default 127.0.0.1; 0.0.0.0 in a container)
  --port             TCP port (default 8000; 0 picks a free one)
  --engine           sandbox engine (default ${DEFAULT_ENGINE})
  --suite            tasks that reset({task_id}) can pick (default: the built-in suite)
  --format           how to read the task file: auto (default, detected from its first record),
                     task, humaneval, multipl-e or exercism
  --max-sessions     concurrent sessions over /ws, HTTP and MCP together (default 256)
  --profile          default: full observations; openenv-coding: exactly stdout, stderr, exit_code
                     (for OpenEnv's typed CodingEnv client, which rejects unknown keys)
  --idle-timeout-ms  close sessions idle this long (default 600000)
  --max-steps        step budget of an episode (default 50; a task's max_steps wins)
  --typecheck        type-check TS cells: off (default), report (diagnostics in the observation)
                     or enforce (a cell with type errors is not run); reset's and a step's
                     "typecheck" override it
  --batch-concurrency  /grade items and /run_code scripts in flight at once (default 4 per core)
  --log-level        JSON log lines on stderr at this level and above (default info)
  --no-web           do not serve the web page
  --resume-grace-ms  keep a /ws session whose socket dropped this long for a resume (default 60000)
  --ping-interval-ms WebSocket keep-alive pings (default 20000); a socket missing one interval is cut
  --shutdown-grace-ms on SIGTERM/SIGINT, let in-flight steps finish this long (default 10000)
  --workers          server processes sharing the port (default 1): /ws sessions stay in the
                     worker that accepted them, stateful HTTP/MCP requests are forwarded to the
                     worker that owns their session, --max-sessions is split between workers
  --replica-id       this replica's name: leads session ids, shown by /ready (default: env
                     CODEACT_REPLICA_ID, else none), e.g. the pod's IP so a router can send a
                     stateful HTTP session's requests to the pod that holds it`;

const LEVELS = ["debug", "info", "warn", "error", "silent"] as const;

export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      host: { type: "string", default: "127.0.0.1" },
      port: { type: "string", default: "8000" },
      engine: { type: "string", default: DEFAULT_ENGINE },
      suite: { type: "string", default: "builtin" },
      format: { type: "string", default: "auto" },
      "max-sessions": { type: "string", default: "256" },
      profile: { type: "string", default: "default" },
      "idle-timeout-ms": { type: "string", default: "600000" },
      "max-steps": { type: "string", default: "50" },
      typecheck: { type: "string", default: "off" },
      "batch-concurrency": { type: "string", default: String(availableParallelism() * 4) },
      "log-level": { type: "string", default: "info" },
      "no-web": { type: "boolean", default: false },
      "resume-grace-ms": { type: "string", default: "60000" },
      "ping-interval-ms": { type: "string", default: "20000" },
      "shutdown-grace-ms": { type: "string", default: "10000" },
      "replica-id": { type: "string", default: process.env.CODEACT_REPLICA_ID ?? "" },
      workers: { type: "string", default: "1" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${SERVE_HELP}\n`);
    return 0;
  }
  const engine = oneOf("--engine", values.engine, ENGINE_NAMES);
  const profile = oneOf("--profile", values.profile, ["default", "openenv-coding"] as const);
  const logLevel = oneOf("--log-level", values["log-level"], LEVELS);
  const port = integer("--port", values.port, 0, 65535);
  const maxSessions = integer("--max-sessions", values["max-sessions"], 1, 100_000);
  const idleTimeoutMs = integer("--idle-timeout-ms", values["idle-timeout-ms"], 1000, 2 ** 31 - 1);
  const maxSteps = integer("--max-steps", values["max-steps"], 1, 100_000);
  const typecheck = oneOf("--typecheck", values.typecheck, ["off", "report", "enforce"] as const);
  const batchConcurrency = integer("--batch-concurrency", values["batch-concurrency"], 1, 4096);
  const resumeGraceMs = integer("--resume-grace-ms", values["resume-grace-ms"], 0, 2 ** 31 - 1);
  const pingIntervalMs = integer("--ping-interval-ms", values["ping-interval-ms"], 100, 2 ** 31 - 1);
  const shutdownGraceMs = integer("--shutdown-grace-ms", values["shutdown-grace-ms"], 0, 2 ** 31 - 1);
  const workers = integer("--workers", values.workers, 1, 256);
  const baseReplicaId = values["replica-id"];
  if (!/^[A-Za-z0-9_.:-]{0,63}$/.test(baseReplicaId)) {
    throw new CodeActError(
      "INVALID_ARGUMENT",
      `--replica-id must be at most 63 letters, digits, '-', '_', '.' or ':' (got '${baseReplicaId}')`,
    );
  }
  if (workers > 1 && cluster.isPrimary)
    return runPrimary(workers, (line) => process.stderr.write(`${line}\n`));
  const index = workerIndex();
  // A worker's name leads its session ids, so any worker can tell which one owns a session.
  const replicaId =
    index === undefined ? baseReplicaId : `${baseReplicaId === "" ? "" : `${baseReplicaId}-`}w${index}`;
  const forwarder = index === undefined ? undefined : createForwarder(replicaId);
  const format = oneOf("--format", values.format, ["auto", ...RECORD_FORMATS]);
  const suite = await loadSuite(values.suite, { format });
  for (const warning of suite.warnings) process.stderr.write(`codeact-env serve: warning: ${warning}\n`);
  const server = createServer({
    host: values.host,
    port,
    createEnv: () => new CodeActEnv({ engine, suite, maxSteps, typecheck }),
    suite,
    maxSessions: Math.ceil(maxSessions / workers),
    profile,
    idleTimeoutMs,
    logLevel,
    web: !values["no-web"],
    batch: { engine, concurrency: batchConcurrency },
    resumeGraceMs,
    pingIntervalMs,
    shutdownGraceMs,
    replicaId,
    ...(forwarder === undefined ? {} : { forward: forwarder.middleware }),
  });
  const { url } = await server.start();
  const internal = forwarder === undefined ? undefined : await listenPrivately(server.app.fetch);
  if (forwarder !== undefined && internal !== undefined) {
    joinCluster({ name: replicaId, port: internal.port }, forwarder);
  }
  if (index === undefined || index === 0)
    process.stderr.write(
      `codeact-env serving suite '${suite.name}' (${suite.tasks.length} tasks, ${suite.format} format, engine ${engine}) at ${url}\n` +
        `  OpenEnv WebSocket: ${url.replace(/^http/, "ws")}/ws   health: ${url}/health${values["no-web"] ? "" : `   web page: ${url}/web/`}\n`,
    );
  await untilStopped();
  process.stderr.write("codeact-env: shutting down (finishing in-flight steps)\n");
  await server.close();
  internal?.server.close();
  // A worker's IPC channel to the primary would keep it alive (and the primary waits for it).
  if (index !== undefined && cluster.worker?.isConnected()) cluster.worker.disconnect();
  return 0;
}

/** A worker's own loopback port (not the shared one): where other workers forward its sessions' requests. */
async function listenPrivately(fetch: (request: Request) => Response | Promise<Response>) {
  const server = createAdaptorServer({ fetch });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    // exclusive: under cluster a plain listen would share the primary's handle (one port for all).
    server.listen({ host: "127.0.0.1", port: 0, exclusive: true }, () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new CodeActError(
      "INVALID_ARGUMENT",
      `${flag} must be one of ${allowed.join(", ")} (got '${value}')`,
    );
  }
  return value as T;
}

function integer(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new CodeActError(
      "INVALID_ARGUMENT",
      `${flag} must be an integer from ${min} to ${max} (got '${text}')`,
    );
  }
  return n;
}
