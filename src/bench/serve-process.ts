/**
 * The server process of `bench --server` / `bench --soak` (forked by load.ts): a real server on a
 * loopback port with CodeActEnv sessions, answering `stats` (sessions, live sandboxes, open
 * handles) and `close` (graceful shutdown, then how many sandboxes were still alive) over IPC.
 * It waits for `listen` so the parent can pin it (taskset) before any engine process starts.
 */
import { liveSandboxCount, shutdownEngines } from "../../sandbox/index.ts";
import { CodeActEnv } from "../env/index.ts";
import { createServer } from "../server/index.ts";
import type { ServeOptions } from "./load.ts";

const options = JSON.parse(process.argv[2] ?? "null") as ServeOptions | null;
if (options === null || process.send === undefined) {
  process.stderr.write("bench-serve: started without options or an IPC channel (load.ts forks it)\n");
  process.exit(2);
}
const send = (message: Record<string, unknown>) => process.send?.(message);

const server = createServer({
  port: 0,
  // The bench measures steps, not episodes: no step budget in the way.
  createEnv: () => new CodeActEnv({ engine: options.engine, maxSteps: Number.MAX_SAFE_INTEGER }),
  logLevel: "silent",
  maxSessions: options.maxSessions,
  web: false,
});

/** Open handles by kind (sockets, timers, child processes...), the way a leak shows up. */
function handles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

process.on("message", async (message: { type: string }) => {
  if (message.type === "listen") {
    const { url } = await server.start();
    send({ type: "listening", url });
  } else if (message.type === "stats") {
    // With --expose-gc (load.ts starts it so): live heap after a full collection, not lazy growth.
    (globalThis as { gc?: () => void }).gc?.();
    send({
      heapUsedBytes: process.memoryUsage().heapUsed,
      type: "stats",
      pid: process.pid,
      sessions: server.sessions.size,
      liveSandboxes: liveSandboxCount(),
      handles: handles(),
    });
  } else if (message.type === "close") {
    await server.close();
    const liveSandboxes = liveSandboxCount();
    await shutdownEngines();
    send({ type: "closed", liveSandboxes, handles: handles() });
    process.disconnect();
  }
});
