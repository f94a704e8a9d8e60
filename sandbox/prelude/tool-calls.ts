/**
 * Host tools as async globals: `await name(args)` sends JSON through bridge.callTool; the engine
 * settles it later with runner.resolveTool(id, resultJson).
 */
import { A, type Any, ErrorCtor, J, MapCtor, N, O, PromiseCtor, TypeErrorCtor } from "./intrinsics.ts";

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

const pending = new MapCtor<number, Pending>();
/**
 * Tool calls one cell may make. Each one is a round trip into the sandbox; on isolated-vm every
 * such call leaves a timer that fires at the cell's deadline, and a few hundred thousand of them
 * firing at once overflow the timer thread's stack (the whole sandbox process dies).
 */
export const MAX_TOOL_CALLS_PER_CELL = 10_000;
let callsThisCell = 0;

/** Called when a cell begins. */
export function resetToolCount(): void {
  callsThisCell = 0;
}

export function pendingTools(): number {
  return pending.size;
}

export function abandonTools(): void {
  pending.clear();
}

function refuse(path: string, what: string): never {
  throw new TypeErrorCtor(`Tool arguments must be JSON: ${path} is ${what}`);
}

function checkJson(v: Any, path: string, seen: Any[]): void {
  if (v === null || typeof v === "string" || typeof v === "boolean") return;
  if (typeof v === "number") {
    if (!N.isFinite(v)) refuse(path, `${v}, which JSON cannot carry`);
    return;
  }
  if (typeof v !== "object") refuse(path, `a ${typeof v}`);
  if (A.indexOf(seen, v) !== -1) refuse(path, "a circular reference");
  A.push(seen, v);
  if (A.isArray(v)) {
    for (let i = 0; i < v.length; i++) checkJson(v[i], `${path}[${i}]`, seen);
  } else {
    const proto = O.getPrototypeOf(v);
    if (proto !== null && proto !== Object.prototype) {
      refuse(path, `a ${O.toString(v).slice(8, -1)} (only plain objects, arrays and primitives are allowed)`);
    }
    const keys = O.keys(v);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as string;
      if (v[k] !== undefined) checkJson(v[k], `${path}.${k}`, seen);
    }
  }
  A.pop(seen);
}

export function resolveTool(id: number, resultJson: string): void {
  const p = pending.get(id);
  if (p === undefined) return;
  pending.delete(id);
  let result: Any;
  try {
    result = J.parse(resultJson);
  } catch {
    p.reject(new ErrorCtor("Tool call failed: the host sent an unreadable result"));
    return;
  }
  if (result !== null && typeof result === "object" && result.ok === true) p.resolve(result.value);
  else p.reject(new ErrorCtor(typeof result?.message === "string" ? result.message : "Tool call failed"));
}

export function makeTool(
  name: string,
  callTool: (name: string, argsJson: string) => number,
): (args?: unknown) => Promise<unknown> {
  const tool = {
    [name](args?: unknown): Promise<unknown> {
      return new PromiseCtor((resolve, reject) => {
        if (++callsThisCell > MAX_TOOL_CALLS_PER_CELL) {
          throw new ErrorCtor(
            `${name}: a cell may make at most ${MAX_TOOL_CALLS_PER_CELL} tool calls (use fewer, larger calls, or split the work over cells)`,
          );
        }
        if (args !== undefined) checkJson(args, "args", []);
        const json = args === undefined ? "{}" : (J.stringify(args) as string);
        const id = callTool(name, json);
        pending.set(id, { resolve, reject });
      });
    },
  };
  const f = tool[name] as (args?: unknown) => Promise<unknown>;
  return f;
}
