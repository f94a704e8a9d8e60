/**
 * The Node script surface a SandboxFusion-style `/run_code` script gets, installed by a first cell
 * of its fresh sandbox (plain JS, no host reach). Exactly these Node APIs exist:
 *
 * - `console.*` (Node formatting) and `process.stdout.write` / `process.stderr.write`;
 * - `process.stdin` (`on("data")`, `on("end")`, `setEncoding`, `resume`), `process.argv`
 *   (`["node", "/sandbox/main.js"]`), `process.env` (`{}`), `process.exit(code)`, `process.exitCode`,
 *   `process.platform` ("linux"), `process.hrtime`, `process.nextTick`;
 * - `require("fs")`: `readFileSync(0 | "/dev/stdin" | a path given in `files`)`, `existsSync`;
 * - `require("readline")`: `createInterface({input: process.stdin})` with `on("line")`,
 *   `on("close")`, `close()` and `for await (const line of rl)`;
 * - `require("assert")`, `require("os")` (`EOL`), `require("process")`; any other module throws
 *   Node's "Cannot find module" (code MODULE_NOT_FOUND). No network, no child processes, no real fs.
 *
 * stdin is delivered after the script's synchronous part ran, the way Node's event loop does.
 */

/** The setup cell. `stdin` and `files` (path -> text) are embedded as JSON. */
export function shimCell(stdin: string, files: Readonly<Record<string, string>>): string {
  return `globalThis.__sf = (() => {
  const stdinText = ${JSON.stringify(stdin)};
  const files = ${JSON.stringify(files)};
  const log = console.log.bind(console);
  const err = console.error.bind(console);
  const state = { exitCode: undefined, stripped: 0 };
  const pending = { out: "", err: "" };
  const write = (key, sink) => (chunk) => {
    pending[key] += String(chunk);
    const i = pending[key].lastIndexOf("\\n");
    if (i >= 0) { sink(pending[key].slice(0, i)); pending[key] = pending[key].slice(i + 1); }
    return true;
  };
  // console output after a partial process.stdout.write line continues that line, as in Node.
  const joined = (key, sink) => (...args) => {
    if (pending[key] !== "" && typeof args[0] === "string") {
      const head = args.length > 1 ? pending[key].replaceAll("%", "%%") : pending[key];
      pending[key] = "";
      args[0] = head + args[0];
    } else if (pending[key] !== "") { sink(pending[key]); pending[key] = ""; }
    sink(...args);
  };
  for (const m of ["log", "info", "debug"]) console[m] = joined("out", log);
  for (const m of ["error", "warn", "trace"]) console[m] = joined("err", err);
  class Emitter {
    constructor() { this.handlers = {}; }
    on(name, fn) { (this.handlers[name] ??= []).push(fn); return this; }
    once(name, fn) { return this.on(name, fn); }
    addListener(name, fn) { return this.on(name, fn); }
    emit(name, ...args) { for (const fn of this.handlers[name] ?? []) fn(...args); return true; }
  }
  const stdin = new Emitter();
  stdin.fd = 0;
  stdin.setEncoding = () => stdin;
  stdin.resume = () => stdin;
  stdin.pause = () => stdin;
  const interfaces = [];
  const lines = () => {
    const all = stdinText.split(/\\r?\\n/);
    if (all.length > 0 && all[all.length - 1] === "") all.pop();
    return all;
  };
  const readline = {
    createInterface() {
      const rl = new Emitter();
      rl.closed = false;
      rl.close = () => { if (!rl.closed) { rl.closed = true; rl.emit("close"); } };
      rl[Symbol.asyncIterator] = async function* () { rl.iterated = true; for (const l of lines()) yield l; };
      interfaces.push(rl);
      return rl;
    },
  };
  class ExitSignal extends Error {}
  const process = {
    stdin,
    stdout: { write: write("out", log), isTTY: false },
    stderr: { write: write("err", err), isTTY: false },
    argv: ["node", "/sandbox/main.js"],
    env: {},
    platform: "linux",
    exitCode: undefined,
    exit(code) {
      state.exitCode = code === undefined ? (process.exitCode ?? 0) : Number(code) | 0;
      throw new ExitSignal("__codeact_process_exit__");
    },
    hrtime: Object.assign((prev) => {
      const ns = Math.round(performance.now() * 1e6);
      const t = [Math.floor(ns / 1e9), ns % 1e9];
      return prev ? [t[0] - prev[0], t[1] - prev[1]] : t;
    }, { bigint: () => BigInt(Math.round(performance.now() * 1e6)) }),
    nextTick: (fn, ...args) => queueMicrotask(() => fn(...args)),
    on: () => process,
  };
  const stringFile = (text, encoding) => (encoding ? text : new String(text));
  const fs = {
    readFileSync(path, options) {
      const encoding = typeof options === "string" ? options : options?.encoding;
      if (path === 0 || path === "/dev/stdin") return stringFile(stdinText, encoding);
      if (Object.hasOwn(files, path)) return stringFile(files[path], encoding);
      const e = new Error("ENOENT: no such file or directory, open '" + String(path) + "'");
      e.code = "ENOENT";
      throw e;
    },
    existsSync: (path) => Object.hasOwn(files, path),
  };
  const builtin = require;
  const modules = { fs, readline, process, os: { EOL: "\\n", platform: () => "linux" } };
  const req = (name) => {
    const bare = String(name).replace(/^node:/, "");
    if (Object.hasOwn(modules, bare)) return modules[bare];
    if (bare === "assert" || bare === "assert/strict") return builtin(bare);
    const e = new Error("Cannot find module '" + String(name) + "'");
    e.code = "MODULE_NOT_FOUND";
    throw e;
  };
  const module = { exports: {} };
  const finish = async () => {
    await new Promise((r) => setTimeout(r, 0));
    if (stdin.handlers.data) stdin.emit("data", stdinText);
    stdin.emit("end");
    for (const rl of interfaces) {
      if (rl.iterated) continue;
      for (const l of lines()) { if (rl.closed) break; rl.emit("line", l); }
      rl.close();
    }
    await new Promise((r) => setTimeout(r, 0));
  };
  const end = () => {
    if (pending.out !== "") { log(pending.out); state.stripped |= 1; pending.out = ""; }
    if (pending.err !== "") { err(pending.err); state.stripped |= 2; pending.err = ""; }
    const code = state.exitCode ?? process.exitCode ?? 0;
    return (Number(code) & 255) * 4 + state.stripped;
  };
  return { process, require: req, module, finish, end, ExitSignal };
})();
undefined`;
}

/**
 * The script cell: Node's CommonJS module wrapper around the (already CommonJS) script, on the
 * script's first line so its line numbers stay the agent's. Its value encodes the exit code and
 * which streams got a newline added to a final partial line (see `end` above).
 */
const SCRIPT_PREFIX =
  "try { await (async function (exports, require, module, __filename, __dirname, process) {";
/** Characters the wrapper puts before the script on its first line (to map columns back). */
export const SCRIPT_PREFIX_CHARS = SCRIPT_PREFIX.length;

export function scriptCell(code: string): string {
  return `${SCRIPT_PREFIX}${code}
}).call(__sf.module.exports, __sf.module.exports, __sf.require, __sf.module, "/sandbox/main.js", "/sandbox", __sf.process); await __sf.finish(); } catch (e) { if (!(e instanceof __sf.ExitSignal)) { __sf.end(); throw e; } }
__sf.end()`;
}
