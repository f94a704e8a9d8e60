/**
 * Worker side: one call into a QuickJS instance, with the failure sorted into what the engine
 * reports (expired budget, out of memory, a corrupt instance, or an ordinary JS error).
 */
import type { QuickJSContext, QuickJSHandle } from "quickjs-emscripten-core";
import type { RawStatus } from "../../contract.ts";
import { memoryCeilingBytes } from "../protocol.ts";
import type { LiveInstance } from "./instance.ts";

type QuickJSContextResult<T> = ReturnType<QuickJSContext["evalCode"]> & ({ value: T } | { error: T });

export interface JsError {
  name: string;
  message: string;
  stack?: string;
}

/** Why a call into the VM did not produce a value. */
export type Failure =
  | { kind: "status"; status: Exclude<RawStatus, "completed" | "compile_error">; message: string }
  | { kind: "error"; error: JsError };

/** Thrown by vmCall when the instance must be discarded. */
export class CorruptInstance extends Error {
  /** "stack": the thread's native stack overflowed inside the wasm (deep C recursion). */
  readonly status: "memory" | "infra" | "stack";
  constructor(status: "memory" | "infra" | "stack", message: string) {
    super(message);
    this.status = status;
  }
}

function readString(context: QuickJSContext, handle: QuickJSHandle, key: string) {
  try {
    const value = context.getProp(handle, key);
    try {
      return context.typeof(value) === "string" ? context.getString(value) : undefined;
    } finally {
      value.dispose();
    }
  } catch {
    return undefined;
  }
}

export function readError(context: QuickJSContext, handle: QuickJSHandle): JsError {
  if (context.typeof(handle) !== "object") {
    let text = "unknown error";
    try {
      text = String(context.dump(handle));
    } catch {}
    return { name: "Error", message: text };
  }
  const name = readString(context, handle, "name") ?? "Error";
  const message = readString(context, handle, "message") ?? "";
  const stack = readString(context, handle, "stack");
  return stack === undefined ? { name, message } : { name, message, stack };
}

export function isOutOfMemory(error: { name: string; message: string }): boolean {
  return error.name === "InternalError" && error.message === "out of memory";
}

/** The instance's linear memory grew past what the heap limit allows. */
export function overCeiling(instance: LiveInstance, memoryLimitBytes: number): boolean {
  return instance.memory.buffer.byteLength > memoryCeilingBytes(memoryLimitBytes);
}

/** The instance's budget ran out (checked by the interrupt handler or the host). */
export function expiredFailure(instance: LiveInstance): Failure | undefined {
  const expired = instance.budget.check();
  if (expired === undefined) return undefined;
  if (expired === "cancelled") {
    return { kind: "status", status: "infra", message: "session disposed during the cell" };
  }
  const what = expired === "timeout" ? "wall-clock" : "CPU";
  return { kind: "status", status: expired, message: `cell exceeded its ${what} time limit` };
}

/**
 * Runs `fn` (one call into the VM). Returns the value handle (caller disposes) or a Failure.
 * Throws CorruptInstance when the instance must be discarded.
 */
export function vmCall(
  instance: LiveInstance,
  memoryLimitBytes: number,
  fn: () => QuickJSContextResult<QuickJSHandle>,
): QuickJSHandle | Failure {
  let result: QuickJSContextResult<QuickJSHandle>;
  try {
    result = fn();
  } catch (cause) {
    throw corrupt(instance, memoryLimitBytes, cause);
  }
  if (!result.error) return result.value;
  return classify(instance, memoryLimitBytes, result.error);
}

/** A host-level exception out of the VM: the wasm trapped or the host stack overflowed. */
export function corrupt(instance: LiveInstance, memoryLimitBytes: number, cause: unknown) {
  const message = cause instanceof Error ? cause.message : String(cause);
  if (cause instanceof RangeError && /call stack/i.test(message)) {
    return new CorruptInstance("stack", "stack overflow");
  }
  const memory = overCeiling(instance, memoryLimitBytes) || /memory|abort/i.test(message);
  return new CorruptInstance(memory ? "memory" : "infra", `QuickJS failed: ${message}`);
}

/** Sorts (and disposes) an error handle thrown out of the VM. */
export function classify(
  instance: LiveInstance,
  memoryLimitBytes: number,
  errorHandle: QuickJSHandle,
): Failure {
  const expired = expiredFailure(instance);
  if (expired !== undefined) {
    errorHandle.dispose();
    return expired;
  }
  const error = readError(instance.context, errorHandle);
  errorHandle.dispose();
  if (isOutOfMemory(error) || overCeiling(instance, memoryLimitBytes)) {
    throw new CorruptInstance("memory", "session exceeded its memory limit");
  }
  return { kind: "error", error };
}

export function isFailure(value: QuickJSHandle | Failure): value is Failure {
  return "kind" in value && (value.kind === "status" || value.kind === "error");
}

/** Calls a runner method and reads its string result. */
export function callForString(
  instance: LiveInstance,
  memoryLimitBytes: number,
  fn: QuickJSHandle,
  ...args: QuickJSHandle[]
): string | Failure {
  const { context, runner } = instance;
  const out = vmCall(instance, memoryLimitBytes, () => context.callFunction(fn, runner, ...args));
  if (isFailure(out)) return out;
  try {
    return context.typeof(out) === "string" ? context.getString(out) : "";
  } finally {
    out.dispose();
  }
}
