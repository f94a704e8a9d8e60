/**
 * Built-ins captured when the prelude is evaluated, before any agent code runs. The harness calls
 * these references (never methods looked up on agent-reachable objects at run time), so agent code
 * that rewrites `Array.prototype.push` or `Object.is` cannot change how tests are run or reported.
 */

// biome-ignore lint/suspicious/noExplicitAny: values inside the sandbox are untyped agent values
export type Any = any;
type Fn = (...args: Any[]) => Any;

export const apply: (fn: Fn, self: unknown, args: ArrayLike<unknown>) => Any = Reflect.apply;
export const construct = Reflect.construct;
export const ownKeys = Reflect.ownKeys;

const uncurry =
  <F extends Fn>(fn: F) =>
  (self: unknown, ...args: Parameters<F>): ReturnType<F> =>
    apply(fn, self, args);

export const O = {
  is: Object.is,
  keys: Object.keys,
  create: Object.create,
  freeze: Object.freeze,
  isFrozen: Object.isFrozen,
  isExtensible: Object.isExtensible,
  defineProperty: Object.defineProperty,
  getOwnPropertyNames: Object.getOwnPropertyNames,
  getOwnPropertySymbols: Object.getOwnPropertySymbols,
  getOwnPropertyDescriptor: Object.getOwnPropertyDescriptor,
  getPrototypeOf: Object.getPrototypeOf,
  setPrototypeOf: Object.setPrototypeOf,
  entries: Object.entries,
  hasOwn: uncurry(Object.prototype.hasOwnProperty) as (o: unknown, k: PropertyKey) => boolean,
  isEnumerable: uncurry(Object.prototype.propertyIsEnumerable) as (o: unknown, k: PropertyKey) => boolean,
  toString: uncurry(Object.prototype.toString) as (o: unknown) => string,
};

export const A = {
  isArray: Array.isArray,
  from: Array.from as (x: Any) => Any[],
  push: uncurry(Array.prototype.push) as (a: Any[], ...v: Any[]) => number,
  pop: uncurry(Array.prototype.pop) as (a: Any[]) => Any,
  join: uncurry(Array.prototype.join) as (a: Any[], sep: string) => string,
  slice: uncurry(Array.prototype.slice) as (a: Any, s?: number, e?: number) => Any[],
  splice: uncurry(Array.prototype.splice) as (a: Any[], s: number, n: number, ...v: Any[]) => Any[],
  indexOf: uncurry(Array.prototype.indexOf) as (a: Any[], v: Any) => number,
  sort: uncurry(Array.prototype.sort) as (a: Any[], cmp: (x: Any, y: Any) => number) => Any[],
  map: uncurry(Array.prototype.map) as <T, U>(a: T[], fn: (v: T, i: number) => U) => U[],
  filter: uncurry(Array.prototype.filter) as <T>(a: T[], fn: (v: T, i: number) => boolean) => T[],
  concat: uncurry(Array.prototype.concat) as (a: Any[], ...v: Any[]) => Any[],
};

export const S = {
  String,
  fromCharCode: String.fromCharCode,
  slice: uncurry(String.prototype.slice) as (s: string, a: number, b?: number) => string,
  indexOf: uncurry(String.prototype.indexOf) as (s: string, v: string, from?: number) => number,
  includes: uncurry(String.prototype.includes) as (s: string, v: string) => boolean,
  startsWith: uncurry(String.prototype.startsWith) as (s: string, v: string) => boolean,
  split: uncurry(String.prototype.split) as (s: string, sep: Any) => string[],
  replace: uncurry(String.prototype.replace) as (s: string, p: Any, r: Any) => string,
  repeat: uncurry(String.prototype.repeat) as (s: string, n: number) => string,
  charCodeAt: uncurry(String.prototype.charCodeAt) as (s: string, i: number) => number,
  padStart: uncurry(String.prototype.padStart) as (s: string, n: number, f?: string) => string,
  padEnd: uncurry(String.prototype.padEnd) as (s: string, n: number, f?: string) => string,
  trim: uncurry(String.prototype.trim) as (s: string) => string,
  toLowerCase: uncurry(String.prototype.toLowerCase) as (s: string) => string,
};

export const RE = {
  test: uncurry(RegExp.prototype.test) as (r: RegExp, s: string) => boolean,
  exec: uncurry(RegExp.prototype.exec) as (r: RegExp, s: string) => RegExpExecArray | null,
  sourceOf: uncurry(O.getOwnPropertyDescriptor(RegExp.prototype, "source")?.get as Fn) as (r: Any) => string,
  flagsOf: uncurry(O.getOwnPropertyDescriptor(RegExp.prototype, "flags")?.get as Fn) as (r: Any) => string,
};

export const J = { stringify: JSON.stringify, parse: JSON.parse };
export const M = { floor: Math.floor, abs: Math.abs, max: Math.max, min: Math.min, round: Math.round };
export const N = { isNaN: Number.isNaN, isFinite: Number.isFinite, isInteger: Number.isInteger };
export const fnToString = uncurry(Function.prototype.toString) as (f: Any) => string;
export const dateGetTime = uncurry(Date.prototype.getTime) as (d: Any) => number;
export const dateToISO = uncurry(Date.prototype.toISOString) as (d: Any) => string;
export const errorToString = uncurry(Error.prototype.toString) as (e: Any) => string;
export const promiseThen = uncurry(Promise.prototype.then) as (
  p: Any,
  ok?: (v: Any) => Any,
  err?: (e: Any) => Any,
) => Promise<Any>;
export const promiseResolve = (v: unknown): Promise<Any> => apply(Promise.resolve, Promise, [v]);
export const mapGet = uncurry(Map.prototype.get) as (m: Map<Any, Any>, k: Any) => Any;
export const mapSet = uncurry(Map.prototype.set) as (m: Map<Any, Any>, k: Any, v: Any) => Map<Any, Any>;
export const mapHas = uncurry(Map.prototype.has) as (m: Map<Any, Any>, k: Any) => boolean;
export const mapSize = uncurry(O.getOwnPropertyDescriptor(Map.prototype, "size")?.get as Fn) as (
  m: Any,
) => number;
export const setSize = uncurry(O.getOwnPropertyDescriptor(Set.prototype, "size")?.get as Fn) as (
  s: Any,
) => number;
export const mapEntries = uncurry(Map.prototype.entries) as (m: Any) => Iterator<[Any, Any]>;
export const setValues = uncurry(Set.prototype.values) as (s: Any) => Iterator<Any>;
export const setHas = uncurry(Set.prototype.has) as (s: Any, v: Any) => boolean;
export const iterNext = (it: Iterator<Any>): IteratorResult<Any> => apply(it.next, it, []);
export const MapCtor = Map;
export const SetCtor = Set;
export const ErrorCtor = Error;
export const TypeErrorCtor = TypeError;
export const PromiseCtor = Promise;
export const SymbolIterator = Symbol.iterator;
export const SymbolToStringTag = Symbol.toStringTag;
export const symbolToString = uncurry(Symbol.prototype.toString) as (s: symbol) => string;
export const bigintToString = uncurry(BigInt.prototype.toString) as (b: bigint) => string;
export const numberToString = uncurry(Number.prototype.toString) as (n: number) => string;
export const globalObject: Any = globalThis;

const weakGet = WeakMap.prototype.get;
const weakSet = WeakMap.prototype.set;
/** Getters lockdown.ts made from data properties of prototypes (override taming), to their values. */
const tamedGetters = new WeakMap<object, unknown>();

export function registerTamedGetter(getter: object, value: unknown): void {
  apply(weakSet, tamedGetters, [getter, value]);
}

/** The value of a property descriptor: its data value, or a tamed property's original value. */
export function descriptorValue(desc: PropertyDescriptor | undefined): Any {
  if (desc === undefined) return undefined;
  if ("value" in desc) return desc.value;
  return desc.get === undefined ? undefined : apply(weakGet, tamedGetters, [desc.get]);
}

/** Reads an own data property without running getters or Proxy traps that could throw out of the harness. */
export function safeGet(obj: Any, key: PropertyKey): Any {
  try {
    return descriptorValue(O.getOwnPropertyDescriptor(obj, key));
  } catch {
    return undefined;
  }
}

/** Collects an iterator into an array with captured methods (no array spread, which an agent could hook). */
export function drain(it: Iterator<Any>): Any[] {
  const out: Any[] = [];
  for (;;) {
    const r = iterNext(it);
    if (r.done) return out;
    out[out.length] = r.value;
  }
}

export function isError(v: unknown): v is Error {
  if (v === null || typeof v !== "object") return false;
  if (v instanceof ErrorCtor) return true;
  return O.toString(v) === "[object Error]";
}

export function errorMessage(e: unknown): string {
  try {
    if (isError(e)) return S.String(e.message);
    return S.String(e);
  } catch {
    return "<unprintable error>";
  }
}
