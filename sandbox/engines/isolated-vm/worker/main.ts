/**
 * Entry of a sandbox host process (forked by the engine with --no-node-snapshot). Hosts many
 * sessions, each in its own isolate; the parent kills and replaces this process when it wedges.
 * argv[2]: spare isolates to keep warm per prelude kind (see child-spares.ts).
 */
import { injectedCrash } from "../../fault.ts";
import type { ChildMessage, ChildSessionConfig, ParentMessage } from "../protocol.ts";
import { ChildSession } from "./session.ts";
import { SparePool } from "./spares.ts";

/** Cells running in this process now, and when the last one ended: spares are built in gaps. */
let running = 0;
let lastRunEndMs = 0;
/** A run ended this recently counts as busy: back-to-back steps leave gaps shorter than this. */
const QUIET_MS = 3;
const spares = new SparePool(
  Math.max(0, Number.parseInt(process.argv[2] ?? "2", 10) || 0),
  () => running > 0 || performance.now() - lastRunEndMs < QUIET_MS,
);
const sessions = new Map<number, ChildSession>();
/** Sessions whose create is in flight; a dispose that arrives first is applied when it lands. */
const creating = new Set<number>();

function send(message: ChildMessage): void {
  if (process.connected) process.send?.(message);
}

function sendToolCall(sid: number, rid: number, cid: number, name: string, argsJson: string): void {
  send({ t: "toolCall", sid, rid, cid, name, argsJson });
}

async function create(sid: number, config: ChildSessionConfig): Promise<void> {
  creating.add(sid);
  try {
    const session = await ChildSession.create(sid, config, spares, sendToolCall);
    if (!creating.has(sid)) {
      session.dispose();
      return;
    }
    sessions.set(sid, session);
    send({ t: "created", sid });
  } catch (error) {
    send({ t: "createFailed", sid, message: error instanceof Error ? error.message : String(error) });
  } finally {
    creating.delete(sid);
  }
}

async function run(sid: number, rid: number, message: Extract<ParentMessage, { t: "run" }>): Promise<void> {
  const session = sessions.get(sid);
  if (injectedCrash(message.req.code)) process.kill(process.pid, "SIGSEGV");
  running++;
  try {
    const result =
      session === undefined
        ? {
            status: "infra" as const,
            error: { name: "InfraError", message: `no session ${sid} in this sandbox process` },
            reports: [],
            usage: { wallMs: 0, cpuMs: 0, heapBytes: 0 },
            stateLost: true,
          }
        : await session.run(rid, message.req);
    send({ t: "result", sid, rid, result });
  } finally {
    running--;
    lastRunEndMs = performance.now();
  }
}

function dispatch(message: ParentMessage): void {
  switch (message.t) {
    case "prelude":
      spares.setPrelude(message.key, message.source);
      return;
    case "create":
      void create(message.sid, message.config);
      return;
    case "run":
      void run(message.sid, message.rid, message);
      return;
    case "toolResult":
      sessions.get(message.sid)?.toolResult(message.rid, message.cid, message.json);
      return;
    case "dispose":
      creating.delete(message.sid);
      sessions.get(message.sid)?.dispose();
      sessions.delete(message.sid);
      return;
    case "stats":
      send({
        t: "stats",
        qid: message.qid,
        sessions: sessions.size,
        spares: spares.count,
        rssBytes: process.memoryUsage.rss(),
      });
      return;
  }
}

process.on("message", (message) => dispatch(message as ParentMessage));
// Without a parent nobody can reach these sessions: leave at once rather than linger as an orphan.
process.on("disconnect", () => {
  spares.dispose();
  process.exit(0);
});
send({ t: "ready" });
