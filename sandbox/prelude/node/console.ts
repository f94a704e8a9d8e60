/** The sandbox console: Node's formatting (%s %d %i %f %j %o %O %c %%) written to the cell's output. */

import { A, type Any, errorMessage, isError, J, MapCtor, O, S } from "../intrinsics.ts";
import { write } from "../output.ts";
import { mapStackText } from "../stack.ts";
import { readClock } from "./clock.ts";
import { inspect } from "./inspect.ts";
import { formatTable } from "./table.ts";

function formatOne(arg: unknown): string {
  return typeof arg === "string" ? arg : inspect(arg);
}

function formatS(arg: Any): string {
  if (typeof arg === "bigint") return `${arg}n`;
  if (typeof arg === "symbol") return inspect(arg);
  if (arg !== null && typeof arg === "object") {
    if (isError(arg)) return inspect(arg);
    return inspect(arg, { depth: 0 });
  }
  return S.String(arg);
}

function formatNumber(arg: Any, parse: "d" | "i" | "f"): string {
  if (typeof arg === "bigint") return parse === "f" ? `${Number(arg)}` : `${arg}n`;
  if (typeof arg === "symbol") return "NaN";
  if (arg !== null && typeof arg === "object") return "NaN";
  if (parse === "i") return inspect(parseInt(S.String(arg), 10));
  if (parse === "f") return inspect(parseFloat(S.String(arg)));
  return inspect(Number(arg));
}

function formatJson(arg: unknown): string {
  try {
    return S.String(J.stringify(arg));
  } catch (e) {
    if (S.includes(errorMessage(e), "ircular")) return "[Circular]";
    throw e;
  }
}

/** Node's util.format. */
export function format(args: unknown[]): string {
  const first = args[0];
  let out = "";
  let next = 0;
  if (typeof first === "string" && args.length > 1 && S.includes(first, "%")) {
    next = 1;
    let last = 0;
    for (let i = 0; i < first.length - 1; i++) {
      if (first[i] !== "%") continue;
      const c = first[i + 1] as string;
      let piece: string | undefined;
      if (c === "%") piece = "%";
      else if (next < args.length) {
        const arg = args[next];
        if (c === "s") piece = formatS(arg);
        else if (c === "d" || c === "i" || c === "f") piece = formatNumber(arg, c);
        else if (c === "j") piece = formatJson(arg);
        else if (c === "o" || c === "O") piece = inspect(arg, { depth: c === "o" ? 4 : 2 });
        else if (c === "c") piece = "";
        if (piece !== undefined && c !== "%") next++;
      }
      if (piece === undefined) continue;
      out += S.slice(first, last, i) + piece;
      last = i + 2;
      i++;
    }
    out += S.slice(first, last);
  }
  for (let i = next; i < args.length; i++) {
    out += (i > 0 ? " " : "") + formatOne(args[i]);
  }
  return out;
}

export function createConsole(): Record<string, unknown> {
  let indent = "";
  const counts = new MapCtor<string, number>();
  const timers = new MapCtor<string, number>();
  const emit = (stream: "stdout" | "stderr", printed: string): void => {
    // QuickJS's stacks are written by the engine, with no hook: mapped here, as they are printed.
    const text = mapStackText(printed);
    const lines = S.split(text, "\n");
    const body =
      indent === ""
        ? text
        : A.join(
            A.map(lines, (l) => indent + l),
            "\n",
          );
    write(stream, `${body}\n`);
  };
  const out =
    (stream: "stdout" | "stderr") =>
    (...args: unknown[]): void =>
      emit(stream, format(args));
  const label = (l: unknown): string => (l === undefined ? "default" : S.String(l));
  const elapsed = (l: string): string => {
    const start = timers.get(l) as number;
    const ms = readClock() - start;
    return `${l}: ${ms < 1000 ? `${+ms.toFixed(3)}ms` : `${+(ms / 1000).toFixed(3)}s`}`;
  };
  const con: Record<string, unknown> = {
    log: out("stdout"),
    info: out("stdout"),
    debug: out("stdout"),
    warn: out("stderr"),
    error: out("stderr"),
    trace: (...args: unknown[]) => emit("stderr", `Trace${args.length ? `: ${format(args)}` : ""}`),
    dir: (obj: unknown) => emit("stdout", inspect(obj)),
    dirxml: out("stdout"),
    table: (data: unknown, columns?: unknown) => emit("stdout", formatTable(data, columns, formatOne)),
    assert: (cond: unknown, ...args: unknown[]) => {
      if (cond) return;
      emit("stderr", args.length ? `Assertion failed: ${format(args)}` : "Assertion failed");
    },
    group: (...args: unknown[]) => {
      if (args.length) emit("stdout", format(args));
      indent += "  ";
    },
    groupEnd: () => {
      indent = S.slice(indent, 0, Math.max(indent.length - 2, 0));
    },
    count: (l?: unknown) => {
      const key = label(l);
      const n = (counts.get(key) ?? 0) + 1;
      counts.set(key, n);
      emit("stdout", `${key}: ${n}`);
    },
    countReset: (l?: unknown) => {
      counts.set(label(l), 0);
    },
    time: (l?: unknown) => {
      timers.set(label(l), readClock());
    },
    timeLog: (l?: unknown, ...args: unknown[]) => {
      const key = label(l);
      if (!timers.has(key)) return emit("stderr", `Warning: No such label '${key}' for console.timeLog()`);
      emit("stdout", args.length ? `${elapsed(key)} ${format(args)}` : elapsed(key));
    },
    timeEnd: (l?: unknown) => {
      const key = label(l);
      if (!timers.has(key)) return emit("stderr", `Warning: No such label '${key}' for console.timeEnd()`);
      emit("stdout", elapsed(key));
      timers.delete(key);
    },
  };
  con.groupCollapsed = con.group;
  return con;
}

export function installConsole(global: Any): void {
  const con = createConsole();
  O.defineProperty(global, "console", { value: con, writable: true, enumerable: false, configurable: true });
}
