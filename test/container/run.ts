/**
 * `npm run test:container`: builds the real Dockerfile with podman, runs the image and checks it
 * as a platform team would (read-only root filesystem, no capabilities, like the Kubernetes
 * manifests): /health, /ready, the image's own HEALTHCHECK, a reset and a TypeScript
 * step over HTTP and over /ws, every process in the container (the sandbox processes too) running
 * as a non-root user, and SIGTERM letting an in-flight step finish before a clean exit 0.
 * Prints the build time and image size. Skips (exit 0, with the reason) where podman is missing.
 * Not part of `npm test`: a cold build takes minutes of CPU (see .ci/run).
 *
 * Needs root podman. On hosts without a registry the Dockerfile's base image is built first by
 * deploy/container/base-image.sh (debootstrap + Node from the npm registry).
 */
import { spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { EnvClient } from "../../src/client/index.ts";
import type { CodeObservation } from "../../src/env/index.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const IMAGE = "localhost/codeact-env:smoke";
const NAME = `codeact-smoke-${process.pid}`;
process.env.CONTAINERS_CONF ??= join(ROOT, "deploy/container/containers.conf");

let failures = 0;
let passes = 0;

function check(what: string, ok: boolean, detail = ""): void {
  if (ok) passes += 1;
  else failures += 1;
  process.stdout.write(`${ok ? "ok  " : "FAIL"} ${what}${detail ? `: ${detail}` : ""}\n`);
}

function run(cmd: string, args: string[], options: { inherit?: boolean } = {}) {
  const result = spawnSync(cmd, args, {
    cwd: ROOT,
    encoding: "utf8",
    stdio: options.inherit ? ["ignore", "inherit", "inherit"] : "pipe",
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: result.status ?? -1, out: (result.stdout ?? "").trim(), err: (result.stderr ?? "").trim() };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(url: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return true;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

async function postJson(url: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return (await response.json()) as Record<string, unknown>;
}

function build(): boolean {
  const base = run("bash", ["deploy/container/base-image.sh"], { inherit: true });
  if (base.code !== 0) {
    check("base image (deploy/container/base-image.sh)", false, `exit ${base.code}`);
    return false;
  }
  const started = Date.now();
  const built = run(
    "podman",
    ["build", "--format", "docker", "--network", "host", "--pull=never", "-t", IMAGE, "."],
    { inherit: true },
  );
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  check("podman build of the Dockerfile", built.code === 0, `${seconds} s`);
  if (built.code !== 0) return false;
  const size = Number(run("podman", ["image", "inspect", "--format", "{{.Size}}", IMAGE]).out);
  check("image size", size > 0, `${(size / 1e6).toFixed(0)} MB`);
  return true;
}

async function smoke(url: string): Promise<void> {
  check("GET /health answers 200", await waitFor(`${url}/health`, 60_000));
  const ready = (await (await fetch(`${url}/ready`)).json()) as Record<string, unknown>;
  check("GET /ready has free slots", ready.status === "ready", JSON.stringify(ready));
  const health = run("podman", ["healthcheck", "run", NAME]);
  check("the image's HEALTHCHECK passes", health.code === 0, health.out || health.err || "healthy");

  const cell = "const x: number = 41;\nconsole.log(String(x + 1));";
  const reset = await postJson(`${url}/reset`, { session: true });
  const sessionId = reset.session_id;
  const step = await postJson(`${url}/step`, {
    action: { code: cell, language: "ts" },
    session_id: sessionId,
  });
  const httpOut = (step.observation as { stdout?: unknown } | undefined)?.stdout;
  check("HTTP reset + TS step", httpOut === "42\n", JSON.stringify(httpOut));

  // (no `await using` here: plain Node 22 runs this file, and it does not parse that yet)
  const client = await EnvClient.connect(url);
  try {
    await client.reset();
    const wsStep = await client.step({ code: cell, language: "ts" });
    const wsOut = (wsStep.observation as CodeObservation).stdout;
    check("/ws reset + TS step", wsOut === "42\n", JSON.stringify(wsOut));
  } finally {
    await client.close();
  }

  const uid = run("podman", ["exec", NAME, "id", "-u"]).out;
  check("server runs as non-root", uid !== "" && uid !== "0", `uid ${uid}`);
  const top = run("podman", ["top", NAME, "user", "pid", "args"]).out.split("\n").slice(1);
  const rootProcs = top.filter((line) => /^root\s/.test(line));
  check(
    "every process (server and sandbox hosts) is non-root",
    top.length >= 2 && rootProcs.length === 0,
    `${top.length} processes, users: ${[...new Set(top.map((l) => l.split(/\s+/)[0]))].join(",")}`,
  );
}

async function drain(url: string): Promise<void> {
  const client = await EnvClient.connect(url, { reconnectWindowMs: 0 });
  await client.reset();
  // About a second of CPU: long enough to be in flight when the signal comes, within the cell limits.
  const loop = "let n = 0; for (let i = 0; i < 1e8; i++) n += i; console.log('finished');";
  const inFlight = client.step({ code: loop, language: "js", timeout_ms: 60_000 });
  await new Promise((resolve) => setTimeout(resolve, 300));
  const sent = Date.now();
  run("podman", ["kill", "--signal", "TERM", NAME]);
  const result = await inFlight.then(
    (r) => r.observation as CodeObservation,
    (e: Error) => ({ stdout: `error: ${e.message}`, error: undefined }),
  );
  const repliedAfterMs = Date.now() - sent;
  const detail = JSON.stringify({ stdout: result.stdout, error: result.error?.kind, repliedAfterMs });
  // Replied after the signal was sent: it really was in flight when the drain began.
  check(
    "SIGTERM: the in-flight step finishes and replies",
    result.stdout === "finished\n" && repliedAfterMs > 0,
    detail,
  );
  const exit = run("podman", ["wait", NAME]).out;
  check("SIGTERM: the server exits 0", exit === "0", `exit ${exit} after ${Date.now() - sent} ms`);
  await client.close();
}

async function main(): Promise<number> {
  if (run("podman", ["--version"]).code !== 0) {
    process.stdout.write(
      "SKIP test:container: podman is not installed (apt-get install -y podman runc debootstrap)\n",
    );
    return 0;
  }
  if (!build()) return 1;
  const port = await freePort();
  // As deploy/kubernetes runs it: read-only root filesystem, a small tmpfs on /tmp, no capabilities.
  const started = run("podman", [
    "run",
    "-d",
    "--name",
    NAME,
    "--read-only",
    "--tmpfs",
    "/tmp:size=64m",
    "--cap-drop",
    "ALL",
    "--security-opt",
    "no-new-privileges",
    "-p",
    `127.0.0.1:${port}:8000`,
    IMAGE,
  ]);
  check("podman run", started.code === 0, started.code === 0 ? started.out.slice(0, 12) : started.err);
  const url = `http://127.0.0.1:${port}`;
  try {
    if (started.code === 0) {
      await smoke(url);
      await drain(url);
    }
  } finally {
    const logs = run("podman", ["logs", NAME]);
    const lines = `${logs.out}\n${logs.err}`.split("\n").filter((l) => /"level":"(warn|error)"/.test(l));
    check("no warn/error log lines", lines.length === 0, lines.slice(0, 3).join(" | "));
    run("podman", ["rm", "-f", NAME]);
  }
  process.stdout.write(`container smoke: ${passes} passed, ${failures} failed\n`);
  return failures === 0 ? 0 : 1;
}

process.exitCode = await main();
