/**
 * A value read once, as plain data, before it is compared: the harness never asks the agent's
 * objects anything while it compares them with what the tests expect.
 *
 * Deep equality that reads a received value while it walks the expected one lets the value vote:
 * a Proxy's traps, a getter or a custom iterator learn which keys the tests look for, in which
 * order, and how far the comparison got, and can answer accordingly. Here every property, getter,
 * iterator and prototype of a value is read in an order that depends on the value alone, into a
 * View; the comparison then runs on Views and captured built-ins only. Agent code may still run
 * while a View is taken (a getter is read as Node and Jest read it), but by then nothing of the
 * expected value has been looked at, and the lockdown (lockdown.ts) keeps it from changing
 * anything the comparison uses.
 */
import {
  A,
  type Any,
  apply,
  dateGetTime,
  drain,
  isError,
  MapCtor,
  mapEntries,
  mapSize,
  O,
  ownKeys,
  RE,
  SymbolIterator,
  setSize,
  setValues,
} from "./intrinsics.ts";

export type Brand = "array" | "map" | "set" | "date" | "regexp" | "boxed" | "typed" | "iterable" | "object";

export interface Prop {
  key: PropertyKey;
  enumerable: boolean;
  value: View;
}

export interface View {
  /** The value itself: identity checks (toBe, a Set's own membership) and matchers' type checks. */
  ref: Any;
  /** typeof, with null as "null". */
  type: string;
  brand: Brand;
  /** Object.prototype.toString's tag, read once. */
  tag: string;
  proto: Any;
  /** Prototype chain (up to 64 links): instanceof and expect.any() read it, not the value. */
  chain: Any[];
  /** `value.constructor`, read once. */
  ctor: Any;
  /** Own properties, enumerable and not, in own-key order (accessors read through their getter). */
  props: Prop[];
  /** `props` by key, built by propOf for views with many properties. */
  index?: Map<PropertyKey, Prop>;
  error: boolean;
  /** Error name and message, Date time, RegExp source and flags, a boxed primitive. */
  name?: View;
  message?: View;
  time?: number;
  source?: string;
  flags?: string;
  primitive?: unknown;
  /** Map entries, Set values, typed array elements, other iterables' items. */
  entries?: Array<[View, View]>;
  items?: View[];
}

/** Values bigger than this (counting every object and property) are not compared. */
const MAX_NODES = 2_000_000;
const MAX_ITEMS = 1_000_000;
const MAX_CHAIN = 64;

const numberValueOf = Number.prototype.valueOf;
const stringValueOf = String.prototype.valueOf;
const booleanValueOf = Boolean.prototype.valueOf;
const bigintValueOf = BigInt.prototype.valueOf;
const symbolValueOf = Symbol.prototype.valueOf;
const typedTag = O.getOwnPropertyDescriptor(O.getPrototypeOf(Uint8Array.prototype), Symbol.toStringTag)
  ?.get as () => string | undefined;
const typedLength = O.getOwnPropertyDescriptor(O.getPrototypeOf(Uint8Array.prototype), "length")
  ?.get as () => number;
const BOXED = [numberValueOf, stringValueOf, booleanValueOf, bigintValueOf, symbolValueOf];
const mapGetOwn = Map.prototype.get;
const mapSetOwn = Map.prototype.set;

/** Thrown when a value is too large (or too deep an iterator) to be read for a comparison. */
export class TooLarge extends RangeError {}

interface Reader {
  seen: Map<Any, View>;
  nodes: number;
}

export function viewOf(value: Any, reader: Reader = newReader()): View {
  return read(value, reader);
}

export function newReader(): Reader {
  return { seen: new Map(), nodes: 0 };
}

function tick(r: Reader, n = 1): void {
  r.nodes += n;
  if (r.nodes > MAX_NODES) throw new TooLarge("the value is too large to compare");
}

/** A primitive's chain and properties: shared (read() gives an object view arrays of its own). */
const NO_CHAIN = O.freeze([]) as unknown as Any[];
const NO_PROPS = O.freeze([]) as unknown as Prop[];

function primitiveView(value: Any): View {
  const type = value === null ? "null" : typeof value;
  return {
    ref: value,
    type,
    brand: "object",
    tag: "",
    proto: null,
    chain: NO_CHAIN,
    ctor: undefined,
    props: NO_PROPS,
    error: false,
  };
}

function read(value: Any, r: Reader): View {
  if (value === null || (typeof value !== "object" && typeof value !== "function"))
    return primitiveView(value);
  const known = apply(mapGetOwn, r.seen, [value]) as View | undefined;
  if (known !== undefined) return known;
  tick(r);
  const view: View = primitiveView(value);
  // Two arrays less per primitive: reading a big value spent ~40% of its time collecting garbage.
  view.chain = [];
  view.props = [];
  apply(mapSetOwn, r.seen, [value, view]);
  if (typeof value === "function") return view;
  view.proto = O.getPrototypeOf(value);
  for (let p = view.proto, i = 0; p !== null && i < MAX_CHAIN; p = O.getPrototypeOf(p), i++)
    A.push(view.chain, p);
  view.tag = O.toString(value);
  view.ctor = attempt(() => value.constructor);
  view.brand = brandOf(value, view);
  view.error = isError(value);
  readSpecial(value, view, r);
  readProps(value, view, r);
  return view;
}

function attempt<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

/**
 * Internal-slot checks: a captured method (uncurried: it takes the object as its first argument)
 * that throws on the wrong kind of object, a Proxy included.
 */
function has(fn: (self: Any) => Any, v: Any): boolean {
  try {
    fn(v);
    return true;
  } catch {
    return false;
  }
}

/**
 * Prototypes of the built-ins whose instances have internal slots. Each slot check throws on any
 * other object, and nine throws per plain object made reading a big value slow (~30 µs an
 * object), so an object whose chain has none of them is not asked. Only an instance re-parented
 * on purpose (Object.setPrototypeOf(new Map(), Object.prototype)) is then read as a plain object:
 * that is compared more strictly, never more loosely (its tag and keys are a plain object's).
 */
const SLOT_PROTOS: unknown[] = [
  Map.prototype,
  Set.prototype,
  Date.prototype,
  RegExp.prototype,
  Number.prototype,
  String.prototype,
  Boolean.prototype,
  BigInt.prototype,
  Symbol.prototype,
  O.getPrototypeOf(Uint8Array.prototype),
];

function mayHaveSlots(view: View): boolean {
  for (let i = 0; i < view.chain.length; i++) if (A.indexOf(SLOT_PROTOS, view.chain[i]) !== -1) return true;
  return false;
}

function brandOf(v: Any, view: View): Brand {
  if (A.isArray(v)) return "array";
  if (!mayHaveSlots(view)) return iterableOrObject(v);
  if (has(mapSize, v)) return "map";
  if (has(setSize, v)) return "set";
  if (has(dateGetTime, v)) return "date";
  if (has(RE.sourceOf, v) && v !== RegExp.prototype) return "regexp";
  if (apply(typedTag, v, []) !== undefined) return "typed";
  for (let i = 0; i < BOXED.length; i++) {
    const f = BOXED[i] as (...a: Any[]) => Any;
    if (has((self) => apply(f, self, []), v)) {
      view.primitive = apply(f, v, []);
      return "boxed";
    }
  }
  return iterableOrObject(v);
}

function iterableOrObject(v: Any): Brand {
  return typeof attempt(() => v[SymbolIterator]) === "function" ? "iterable" : "object";
}

function readSpecial(v: Any, view: View, r: Reader): void {
  switch (view.brand) {
    case "date":
      view.time = dateGetTime(v);
      return;
    case "regexp":
      view.source = RE.sourceOf(v);
      view.flags = RE.flagsOf(v);
      return;
    case "map": {
      const entries = drain(mapEntries(v));
      tick(r, entries.length);
      view.entries = A.map(entries, (e: Any) => [read(e[0], r), read(e[1], r)] as [View, View]);
      return;
    }
    case "set": {
      const values = drain(setValues(v));
      tick(r, values.length);
      view.items = A.map(values, (x: Any) => read(x, r));
      return;
    }
    case "typed": {
      const n = apply(typedLength, v, []) as number;
      tick(r, n);
      const items: View[] = [];
      for (let i = 0; i < n; i++) A.push(items, primitiveView(v[i]));
      view.items = items;
      return;
    }
    case "iterable": {
      const items = readIterable(v, r);
      if (items !== undefined) view.items = items;
      return;
    }
  }
  if (view.error) {
    view.name = read(
      attempt(() => v.name),
      r,
    );
    view.message = read(
      attempt(() => v.message),
      r,
    );
  }
}

function readIterable(v: Any, r: Reader): View[] | undefined {
  const it = attempt(() => v[SymbolIterator]());
  if (it === null || typeof it !== "object") return undefined;
  const items: View[] = [];
  for (let i = 0; ; i++) {
    if (i >= MAX_ITEMS) throw new TooLarge("the iterable is too long to compare");
    const step = it.next();
    if (step === null || typeof step !== "object") return undefined;
    if (step.done) return items;
    A.push(items, read(step.value, r));
  }
}

function readProps(v: Any, view: View, r: Reader): void {
  const keys = ownKeys(v);
  tick(r, keys.length);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as PropertyKey;
    const d = O.getOwnPropertyDescriptor(v, key);
    if (d === undefined) continue;
    // Array lengths are read from the value itself; non-enumerable accessors are not compared.
    if (!("value" in d) && !d.enumerable) continue;
    const value = "value" in d ? d.value : d.get === undefined ? undefined : apply(d.get, v, []);
    A.push(view.props, { key, enumerable: d.enumerable === true, value: read(value, r) });
  }
}

/** The own property `key` of a view, if it has one. */
export function propOf(view: View, key: PropertyKey): Prop | undefined {
  const props = view.props;
  if (props.length <= INDEX_AFTER) {
    for (let i = 0; i < props.length; i++) if ((props[i] as Prop).key === key) return props[i];
    return undefined;
  }
  // A scan per lookup made comparing two arrays quadratic (20,000 items: seconds).
  let index = view.index;
  if (index === undefined) {
    index = new MapCtor<PropertyKey, Prop>();
    for (let i = 0; i < props.length; i++) apply(mapSetOwn, index, [(props[i] as Prop).key, props[i]]);
    view.index = index;
  }
  return apply(mapGetOwn, index, [key]) as Prop | undefined;
}

/** Views with more own properties than this get an index by key on their first lookup. */
const INDEX_AFTER = 8;

/** The view's own enumerable keys (strings, then symbols), as Object.keys and Jest list them. */
export function enumerableKeys(view: View, symbols: boolean): PropertyKey[] {
  const out: PropertyKey[] = [];
  const props = view.props;
  for (let i = 0; i < props.length; i++) {
    const p = props[i] as Prop;
    if (!p.enumerable) continue;
    if (typeof p.key === "symbol" ? symbols : true) A.push(out, p.key);
  }
  return out;
}

/** An array view's elements by index (holes read as undefined). */
export function arrayItems(v: View): View[] {
  const out: View[] = [];
  const n = lengthOf(v);
  for (let i = 0; i < n; i++) A.push(out, propOf(v, `${i}`)?.value ?? viewOf(undefined));
  return out;
}

/** The array length of an array view. */
export function lengthOf(view: View): number {
  const p = propOf(view, "length");
  return p !== undefined && typeof p.value.ref === "number" ? p.value.ref : 0;
}

/**
 * Keys the view's prototypes have, read now: call it before looking at what the tests ask for, so
 * a Proxy on the chain has listed its keys before it can learn which one is wanted.
 */
export function inheritedKeys(v: View): PropertyKey[] {
  let keys: PropertyKey[] = [];
  for (let i = 0; i < v.chain.length; i++) keys = A.concat(keys, ownKeys(v.chain[i]));
  return keys;
}

/** Property `key` of a view, own or (when `inherited` lists it) inherited, as `value[key]` reads it. */
export function lookup(v: View, key: PropertyKey, inherited: PropertyKey[]): View | undefined {
  const own = propOf(v, key);
  if (own !== undefined) return own.value;
  if (A.indexOf(inherited, key) === -1) return undefined;
  return viewOf(attempt(() => v.ref[key]));
}
