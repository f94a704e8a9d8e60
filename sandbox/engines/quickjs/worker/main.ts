/**
 * Worker thread entry of the QuickJS engine: hosts sessions (one QuickJS instance each) and runs
 * their cells. Host tools run on the main thread; this side only forwards calls and results.
 */

import { parentPort, workerData } from "node:worker_threads";
import type { RawCellResult } from "../../contract.ts";
import { injectedCrash } from "../../fault.ts";
import type { FromWorker, ToWorker, WorkerInit } from "../protocol.ts";
import { shareActivity } from "./budget.ts";
import { setBusyCheck } from "./instance.ts";
import { VmSession } from "./session.ts";

const port = parentPort;
if (port === null) throw new Error("the QuickJS engine worker must run in a worker thread");
shareActivity((workerData as WorkerInit).activity);

const sessions = new Map<number, Promise<VmSession | undefined>>();

/** A new session's first cell usually follows at once; spares are prepared after it, not before. */
const FIRST_CELL_WAIT_MS = 20;
/** A cell often follows the previous one at once (the host's round trip is well under this). */
const NEXT_CELL_WAIT_MS = 3;
let running = 0;
let lastRunEndedAt = Number.NEGATIVE_INFINITY;
/** Sessions created here that have not run a cell yet, with their creation time. */
const fresh = new Map<number, number>();

setBusyCheck(() => {
  const now = performance.now();
  if (running > 0 || now - lastRunEndedAt < NEXT_CELL_WAIT_MS) return true;
  for (const [sid, createdAt] of fresh) {
    if (now - createdAt < FIRST_CELL_WAIT_MS) return true;
    fresh.delete(sid);
  }
  return false;
});

function post(message: FromWorker): void {
  port?.postMessage(message);
}

function failure(message: string): RawCellResult {
  return {
    status: "infra",
    error: { name: "InternalError", message },
    reports: [],
    usage: { wallMs: 0, cpuMs: 0, heapBytes: 0 },
    stateLost: true,
  };
}

async function create({ sid, config, cancel }: Extract<ToWorker, { t: "create" }>) {
  const pending = VmSession.create(
    config,
    (callId, name, argsJson) => post({ t: "toolCall", sid, callId, name, argsJson }),
    cancel,
  );
  sessions.set(
    sid,
    pending.catch(() => undefined),
  );
  try {
    await pending;
    fresh.set(sid, performance.now());
    post({ t: "created", sid });
  } catch (cause) {
    sessions.delete(sid);
    post({ t: "created", sid, error: cause instanceof Error ? cause.message : String(cause) });
  }
}

async function run(message: Extract<ToWorker, { t: "run" }>) {
  post({ t: "started", rid: message.rid });
  if (injectedCrash(message.request.code)) process.exit(139);
  fresh.delete(message.sid);
  running++;
  const session = await sessions.get(message.sid);
  let result: RawCellResult;
  if (session === undefined) result = failure("no such session in this worker");
  else {
    try {
      result = await session.run(message.request, message.rid);
    } catch (cause) {
      result = failure(`QuickJS engine failed: ${String(cause)}`);
    }
  }
  running--;
  lastRunEndedAt = performance.now();
  post({ t: "result", rid: message.rid, result });
}

async function handle(message: ToWorker): Promise<void> {
  switch (message.t) {
    case "create":
      return create(message);
    case "run":
      return run(message);
    case "toolResult":
      (await sessions.get(message.sid))?.deliver(message.callId, message.resultJson);
      return;
    case "dispose": {
      const session = await sessions.get(message.sid);
      sessions.delete(message.sid);
      fresh.delete(message.sid);
      session?.dispose();
      return;
    }
  }
}

port.on("message", (message: ToWorker) => {
  void handle(message);
});
