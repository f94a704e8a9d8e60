/**
 * `codeact-env validate <url>`: checks ANY OpenEnv server (ours or a Python one) against the
 * protocol: the routes `openenv validate --url` checks, plus a reset/step/state round trip over /ws
 * and HTTP and the error frames. Only plain OpenEnv frames are sent (no request ids), and a single
 * WebSocket at a time (OpenEnv's coding server allows one session).
 */
import WebSocket from "ws";

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
}

export interface ValidationReport {
  url: string;
  ok: boolean;
  checks: CheckResult[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

export async function validateServer(
  url: string,
  options: { timeoutMs?: number } = {},
): Promise<ValidationReport> {
  const base = url.replace(/\/+$/, "");
  const timeoutMs = options.timeoutMs ?? 30_000;
  const checks: CheckResult[] = [];
  const check = async (name: string, fn: () => Promise<string>) => {
    try {
      checks.push({ name, ok: true, detail: await fn() });
    } catch (error) {
      checks.push({ name, ok: false, detail: error instanceof Error ? error.message : String(error) });
    }
  };
  const get = (path: string) => fetchJson(`${base}${path}`, undefined, timeoutMs);
  const post = (path: string, body: unknown) => fetchJson(`${base}${path}`, body, timeoutMs);

  let schema: Json | undefined;
  let simulation = true;
  await check("GET /health", async () => {
    const { status, body } = await get("/health");
    expect(
      status === 200 && isObject(body) && body.status === "healthy",
      `status ${status}, body ${short(body)}`,
    );
    return "healthy";
  });
  await check("GET /metadata", async () => {
    const { status, body } = await get("/metadata");
    expect(status === 200 && isObject(body), `status ${status}`);
    const meta = body as Json;
    expect(
      typeof meta.name === "string" && typeof meta.description === "string",
      "name/description must be strings",
    );
    return String(meta.name);
  });
  await check("GET /schema", async () => {
    const { status, body } = await get("/schema");
    expect(status === 200 && isObject(body), `status ${status}`);
    const missing = ["action", "observation", "state"].filter((k) => !isObject((body as Json)[k]));
    expect(missing.length === 0, `missing schema objects: ${missing.join(", ")}`);
    schema = body as Json;
    return "action, observation, state";
  });
  await check("GET /openapi.json", async () => {
    const { status, body } = await get("/openapi.json");
    expect(status === 200 && isObject(body), `status ${status}`);
    const info = (body as Json).info;
    expect(isObject(info) && typeof info.version === "string", "info.version must be a string");
    const paths = isObject((body as Json).paths) ? ((body as Json).paths as Json) : {};
    const present = ["/reset", "/step", "/state"].filter((p) => p in paths);
    expect(
      present.length === 0 || present.length === 3,
      `/reset, /step, /state must be all present or all absent (found ${present.join(", ")})`,
    );
    simulation = present.length === 3;
    return `version ${String((info as Json).version)}, ${simulation ? "simulation" : "production"} mode`;
  });
  await check("POST /mcp {}", async () => {
    const { status, body } = await post("/mcp", {});
    expect(
      status === 200 && isObject(body) && body.jsonrpc === "2.0",
      `status ${status}, body ${short(body)}`,
    );
    return "JSON-RPC 2.0";
  });
  const action = sampleAction(schema);
  await wsChecks(base, action, timeoutMs, check);
  if (simulation) await httpChecks(post, get, action, check);
  else checks.push({ name: "HTTP round trip", ok: true, detail: "skipped (production mode)" });
  return { url: base, ok: checks.every((c) => c.ok), checks };
}

type Check = (name: string, fn: () => Promise<string>) => Promise<void>;

/** A harmless action the server's schema accepts: a one-token cell, or tool discovery. */
function sampleAction(schema: Json | undefined): Json {
  const action = schema?.action;
  const props = isObject(action) && isObject(action.properties) ? action.properties : {};
  return "code" in props ? { code: "1" } : { type: "list_tools" };
}

async function wsChecks(base: string, action: Json, timeoutMs: number, check: Check): Promise<void> {
  let conn: FrameConnection | undefined;
  await check("WS connect /ws", async () => {
    conn = await FrameConnection.open(`${base.replace(/^http/, "ws")}/ws`, timeoutMs);
    return "open";
  });
  if (conn === undefined) return;
  const c = conn;
  const expectFrame = async (send: string, type: string, code?: string) => {
    const frame = await c.exchange(send);
    const data = isObject(frame.data) ? frame.data : {};
    expect(frame.type === type, `expected a '${type}' frame, got ${short(frame)}`);
    if (code !== undefined) expect(data.code === code, `expected code ${code}, got ${short(data)}`);
    return data;
  };
  await check("WS reset", async () => {
    const data = await expectFrame(JSON.stringify({ type: "reset", data: {} }), "observation");
    expect(isObject(data.observation) && typeof data.done === "boolean", `bad result object ${short(data)}`);
    return `reward ${String(data.reward)}`;
  });
  await check("WS step", async () => {
    const data = await expectFrame(JSON.stringify({ type: "step", data: action }), "observation");
    expect(
      isObject(data.observation) && typeof data.done === "boolean" && "reward" in data,
      `bad result object ${short(data)}`,
    );
    return `${short(action)} -> ${Object.keys(data.observation as Json).join(", ")}`;
  });
  await check("WS state", async () => {
    const data = await expectFrame(JSON.stringify({ type: "state" }), "state");
    expect(typeof data.step_count === "number", `state without step_count: ${short(data)}`);
    return `step_count ${data.step_count}`;
  });
  await check("WS error: invalid JSON", async () => {
    await expectFrame("{not json", "error", "INVALID_JSON");
    return "INVALID_JSON";
  });
  await check("WS error: unknown type", async () => {
    await expectFrame(JSON.stringify({ type: "no_such_type" }), "error", "UNKNOWN_TYPE");
    return "UNKNOWN_TYPE";
  });
  await check("WS error: bad action", async () => {
    const data = await expectFrame(
      JSON.stringify({ type: "step", data: { no_such_field_: 1 } }),
      "error",
      "VALIDATION_ERROR",
    );
    expect(Array.isArray(data.errors), "VALIDATION_ERROR without an errors list");
    return "VALIDATION_ERROR";
  });
  await check("WS session survives errors", async () => {
    await expectFrame(JSON.stringify({ type: "state" }), "state");
    return "state still answered";
  });
  await c.close();
}

async function httpChecks(
  post: (path: string, body: unknown) => Promise<{ status: number; body: unknown }>,
  get: (path: string) => Promise<{ status: number; body: unknown }>,
  action: Json,
  check: Check,
): Promise<void> {
  const isResult = (b: unknown) =>
    isObject(b) && isObject(b.observation) && typeof b.done === "boolean" && "reward" in b;
  await check("HTTP POST /reset", async () => {
    const { status, body } = await post("/reset", {});
    expect(status === 200 && isResult(body), `status ${status}, body ${short(body)}`);
    return "result object";
  });
  await check("HTTP POST /step", async () => {
    const { status, body } = await post("/step", { action });
    expect(status === 200 && isResult(body), `status ${status}, body ${short(body)}`);
    return "result object";
  });
  await check("HTTP GET /state", async () => {
    const { status, body } = await get("/state");
    expect(
      status === 200 && isObject(body) && typeof body.step_count === "number",
      `status ${status}, body ${short(body)}`,
    );
    return "state object";
  });
  await check("HTTP 422 on bad reset", async () => {
    const { status, body } = await post("/reset", { seed: -1 });
    expect(
      status === 422 && isObject(body) && Array.isArray(body.detail),
      `status ${status}, body ${short(body)}`,
    );
    return "422 detail list";
  });
}

function expect(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

function short(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

async function fetchJson(
  url: string,
  body: unknown,
  timeoutMs: number,
): Promise<{ status: number; body: unknown }> {
  const init: RequestInit = { signal: AbortSignal.timeout(timeoutMs) };
  if (body !== undefined) {
    init.method = "POST";
    init.headers = { "content-type": "application/json" };
    init.body = JSON.stringify(body);
  }
  const response = await fetch(url, init);
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) };
  } catch {
    return { status: response.status, body: text };
  }
}

/** One WebSocket; replies are taken in order (OpenEnv has no request ids). */
class FrameConnection {
  readonly #ws: WebSocket;
  readonly #timeoutMs: number;
  readonly #queue: string[] = [];
  #waiter: ((text: string) => void) | undefined;

  private constructor(ws: WebSocket, timeoutMs: number) {
    this.#ws = ws;
    this.#timeoutMs = timeoutMs;
    ws.on("message", (data) => {
      const text = data.toString("utf8");
      if (this.#waiter) this.#waiter(text);
      else this.#queue.push(text);
    });
  }

  static async open(url: string, timeoutMs: number): Promise<FrameConnection> {
    const ws = new WebSocket(url, { handshakeTimeout: timeoutMs });
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    return new FrameConnection(ws, timeoutMs);
  }

  async exchange(text: string): Promise<Json> {
    this.#ws.send(text);
    const reply =
      this.#queue.shift() ??
      (await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.#waiter = undefined;
          reject(new Error(`no reply within ${this.#timeoutMs} ms`));
        }, this.#timeoutMs);
        const onClose = () => {
          clearTimeout(timer);
          this.#waiter = undefined;
          reject(new Error("connection closed"));
        };
        this.#ws.once("close", onClose);
        this.#waiter = (t) => {
          clearTimeout(timer);
          this.#ws.off("close", onClose);
          this.#waiter = undefined;
          resolve(t);
        };
      }));
    const parsed: unknown = JSON.parse(reply);
    return isObject(parsed) ? parsed : { raw: parsed };
  }

  async close(): Promise<void> {
    if (this.#ws.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((resolve) => this.#ws.once("close", () => resolve()));
    if (this.#ws.readyState === WebSocket.OPEN) this.#ws.send(JSON.stringify({ type: "close" }));
    const timer = setTimeout(() => this.#ws.terminate(), 2000);
    await closed;
    clearTimeout(timer);
  }
}

/** A pass/fail table, one line per check, and a summary line. */
export function formatReport(report: ValidationReport): string {
  const width = Math.max(...report.checks.map((c) => c.name.length), 5);
  const lines = [`Validating ${report.url}`, ""];
  for (const c of report.checks)
    lines.push(`${c.ok ? "PASS" : "FAIL"}  ${c.name.padEnd(width)}  ${c.detail}`);
  const failed = report.checks.filter((c) => !c.ok).length;
  lines.push(
    "",
    failed === 0
      ? `OK: ${report.checks.length} checks passed`
      : `FAILED: ${failed} of ${report.checks.length} checks failed`,
  );
  return lines.join("\n");
}
