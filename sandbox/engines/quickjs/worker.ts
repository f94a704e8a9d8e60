/**
 * Worker thread entry of the QuickJS engine: hosts sessions (one QuickJS instance each) and runs
 * their cells. Host tools run on the main thread; this side only forwards calls and results.
 */
import { parentPort } from "node:worker_threads";
import type { RawCellResult } from "../../engine.ts";
import type { FromWorker, ToWorker } from "./protocol.ts";
import { VmSession } from "./vm-session.ts";

const port = parentPort;
if (port === null) throw new Error("the QuickJS engine worker must run in a worker thread");

const sessions = new Map<number, Promise<VmSession | undefined>>();

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

async function create(sid: number, config: Extract<ToWorker, { t: "create" }>["config"]) {
  const pending = VmSession.create(config, (callId, name, argsJson) =>
    post({ t: "toolCall", sid, callId, name, argsJson }),
  );
  sessions.set(
    sid,
    pending.catch(() => undefined),
  );
  try {
    await pending;
    post({ t: "created", sid });
  } catch (cause) {
    sessions.delete(sid);
    post({ t: "created", sid, error: cause instanceof Error ? cause.message : String(cause) });
  }
}

async function run(message: Extract<ToWorker, { t: "run" }>) {
  post({ t: "started", rid: message.rid });
  const session = await sessions.get(message.sid);
  let result: RawCellResult;
  if (session === undefined) result = failure("no such session in this worker");
  else {
    try {
      result = await session.run(message.request);
    } catch (cause) {
      result = failure(`QuickJS engine failed: ${String(cause)}`);
    }
  }
  post({ t: "result", rid: message.rid, result });
}

async function handle(message: ToWorker): Promise<void> {
  switch (message.t) {
    case "create":
      return create(message.sid, message.config);
    case "run":
      return run(message);
    case "toolResult":
      (await sessions.get(message.sid))?.deliver(message.callId, message.resultJson);
      return;
    case "dispose": {
      const session = await sessions.get(message.sid);
      sessions.delete(message.sid);
      session?.dispose();
      return;
    }
  }
}

port.on("message", (message: ToWorker) => {
  void handle(message);
});
