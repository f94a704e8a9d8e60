/**
 * Deep equality as Jest's `equals` does it (toEqual: undefined properties ignored, iterables compared
 * by iteration; toStrictEqual: types, undefined properties and sparseness count; asymmetric matchers
 * honoured) and as Node's assert does it (deepEqual loose, deepStrictEqual strict).
 *
 * Both sides are read into Views first (view.ts), the received side first: nothing of what the
 * tests expect is looked at before the received value has been read whole. `asymmetricMatch` is
 * honoured only on matchers the harness made (expect.any, expect.objectContaining, ...): a
 * received value with such a method is plain data, not a vote on its own grade.
 */
import { A, type Any, apply, MapCtor, mapGet, mapSet, N, O, setHas } from "./intrinsics.ts";
import {
  arrayItems,
  enumerableKeys,
  lengthOf,
  newReader,
  type Prop,
  propOf,
  type View,
  viewOf,
} from "./view.ts";

/** A matcher the harness made: it decides on a View of the other side. */
export interface HarnessMatcher {
  matchView(view: View): boolean;
}

const matcherHas = WeakMap.prototype.has;
const matcherGet = WeakMap.prototype.get;
const matcherSet = WeakMap.prototype.set;
const harnessMatchers = new WeakMap<object, HarnessMatcher>();

/** Registers `obj` (made by the harness) as an asymmetric matcher. */
export function brandMatcher(obj: object, matcher: HarnessMatcher): void {
  apply(matcherSet, harnessMatchers, [obj, matcher]);
}

export function isAsymmetric(v: unknown): boolean {
  return v !== null && typeof v === "object" && apply(matcherHas, harnessMatchers, [v]) === true;
}

/** Whether `m` is a harness matcher that matches `value` (read into a View first). */
export function asymmetricMatches(m: unknown, value: unknown): boolean {
  if (!isAsymmetric(m)) return false;
  const matcher = apply(matcherGet, harnessMatchers, [m]) as HarnessMatcher;
  return matcher.matchView(viewOf(value));
}

function matcherOf(view: View): HarnessMatcher | undefined {
  if (view.type !== "object") return undefined;
  return apply(matcherGet, harnessMatchers, [view.ref]) as HarnessMatcher | undefined;
}

interface Stacks {
  a: View[];
  b: View[];
}

/** Views of the two sides, received (`a`) first. */
export function viewsOf(a: Any, b: Any): [View, View] {
  const reader = newReader();
  const va = viewOf(a, reader);
  return [va, viewOf(b, reader)];
}

/** Jest's equals(a, b, [iterableEquality]) (strict = toStrictEqual's extra testers). */
export function jestEquals(a: Any, b: Any, strict = false): boolean {
  const [va, vb] = viewsOf(a, b);
  return jestEqualViews(va, vb, strict);
}

export function jestEqualViews(a: View, b: View, strict = false): boolean {
  return eq(a, b, { a: [], b: [] }, strict);
}

function eq(a: View, b: View, st: Stacks, strict: boolean): boolean {
  const am = matcherOf(a);
  const bm = matcherOf(b);
  if (am !== undefined && bm === undefined) return am.matchView(b);
  if (bm !== undefined && am === undefined) return bm.matchView(a);
  if (a.error && b.error) return looseEqual(a.message as View, b.message as View);
  if (O.is(a.ref, b.ref)) return true;
  if (a.type !== "object" || b.type !== "object") return false;
  if (a.tag !== b.tag) return false;
  if (a.brand === "boxed" || b.brand === "boxed") return O.is(a.primitive, b.primitive);
  if (a.brand === "date" && b.brand === "date") return a.time === b.time;
  if (a.brand === "regexp" && b.brand === "regexp") return a.source === b.source && a.flags === b.flags;
  for (let i = st.a.length - 1; i >= 0; i--) {
    if (st.a[i] === a) return st.b[i] === b;
    if (st.b[i] === b) return false;
  }
  A.push(st.a, a);
  A.push(st.b, b);
  const result = eqObjects(a, b, st, strict);
  A.pop(st.a);
  A.pop(st.b);
  return result;
}

/** `==` on two read values: primitives only (an object would be asked for its primitive). */
function looseEqual(a: View, b: View): boolean {
  if (a.type === "object" || b.type === "object") return O.is(a.ref, b.ref);
  // biome-ignore lint/suspicious/noDoubleEquals: Jest compares error messages with ==
  return a.ref == b.ref;
}

function eqObjects(a: View, b: View, st: Stacks, strict: boolean): boolean {
  if (strict && !sameType(a, b)) return false;
  const iter = iterableEquality(a, b, st, strict);
  if (iter !== undefined) return iter;
  if (a.brand === "array" && lengthOf(a) !== lengthOf(b)) return false;
  const aKeys = keysFor(a, strict);
  const bKeys = keysFor(b, strict);
  if (aKeys.length !== bKeys.length) return false;
  for (let i = 0; i < aKeys.length; i++) {
    const key = aKeys[i] as PropertyKey;
    const pb = propOf(b, key);
    const pa = propOf(a, key) as Prop;
    if (pb === undefined || !pb.enumerable) {
      if (strict || pa.value.ref !== undefined) {
        if (matcherOf(pa.value) === undefined) return false;
      }
    }
    if (!eq(pa.value, pb?.value ?? viewOf(undefined), st, strict)) return false;
  }
  return true;
}

function keysFor(v: View, strict: boolean): PropertyKey[] {
  const keys = enumerableKeys(v, true);
  if (strict) return keys;
  return A.filter(keys, (k) => (propOf(v, k) as Prop).value.ref !== undefined);
}

function sameType(a: View, b: View): boolean {
  if (a.proto === b.proto) return true;
  const plain = (p: Any) => p === null || p === Object.prototype;
  if (plain(a.proto) && plain(b.proto)) return true;
  return a.ctor === b.ctor && a.ctor !== undefined;
}

function iterableEquality(a: View, b: View, st: Stacks, strict: boolean): boolean | undefined {
  if (a.brand === "array" || b.brand === "array") return undefined;
  if (a.items === undefined && a.entries === undefined) return undefined;
  if (b.items === undefined && b.entries === undefined) return undefined;
  if (a.ctor !== b.ctor) return false;
  if (a.brand === "set" && b.brand === "set") return setEquality(a, b, (x, y) => eq(x, y, st, strict));
  if (a.brand === "map" && b.brand === "map") return mapEquality(a, b, (x, y) => eq(x, y, st, strict));
  const ia = a.items ?? [];
  const ib = b.items ?? [];
  if (ia.length !== ib.length) return false;
  for (let i = 0; i < ia.length; i++) if (!eq(ia[i] as View, ib[i] as View, st, strict)) return false;
  const ea = keysFor(a, strict);
  const eb = keysFor(b, strict);
  if (ea.length !== eb.length) return false;
  for (let i = 0; i < ea.length; i++) {
    const k = ea[i] as PropertyKey;
    const pb = propOf(b, k);
    if (pb === undefined) return false;
    if (!eq((propOf(a, k) as Prop).value, pb.value, st, strict)) return false;
  }
  return true;
}

type Same = (x: View, y: View) => boolean;

/** Every value of a has a match in b (its own value first, then any deep-equal one, each used once). */
function setEquality(a: View, b: View, same: Same): boolean {
  const va = a.items as View[];
  const vb = b.items as View[];
  if (va.length !== vb.length) return false;
  const used: boolean[] = [];
  for (let i = 0; i < va.length; i++) {
    const v = va[i] as View;
    if (v.type !== "object" && setHas(b.ref, v.ref)) continue;
    let found = false;
    for (let j = 0; j < vb.length && !found; j++) {
      if (used[j] !== true && same(v, vb[j] as View)) {
        used[j] = true;
        found = true;
      }
    }
    if (!found) return false;
  }
  return true;
}

/**
 * Every entry of a has an entry of b with the same key (or, as Node and Jest match object keys,
 * a deep-equal one, each used once) and an equal value.
 */
function mapEquality(a: View, b: View, same: Same): boolean {
  const ea = a.entries as Array<[View, View]>;
  const eb = b.entries as Array<[View, View]>;
  if (ea.length !== eb.length) return false;
  const used: boolean[] = [];
  // b's entries by key, as b itself finds them (a scan per key made big maps quadratic).
  const at = new MapCtor<Any, number>();
  for (let j = 0; j < eb.length; j++) mapSet(at, (eb[j] as [View, View])[0].ref, j);
  for (let i = 0; i < ea.length; i++) {
    const [k, v] = ea[i] as [View, View];
    let found = false;
    const j = mapGet(at, k.ref) as number | undefined;
    if (j !== undefined) {
      found = same(v, (eb[j] as [View, View])[1]);
      if (found) {
        used[j] = true;
        continue;
      }
      if (k.type !== "object") return false;
    }
    for (let j = 0; j < eb.length && !found; j++) {
      const e = eb[j] as [View, View];
      if (used[j] !== true && same(k, e[0]) && same(v, e[1])) {
        used[j] = true;
        found = true;
      }
    }
    if (!found) return false;
  }
  return true;
}

/** Jest's toMatchObject: every property of expected (recursively) matches the received one. */
export function subsetEquals(obj: Any, subset: Any): boolean {
  const [vo, vs] = viewsOf(obj, subset);
  return subsetViews(vo, vs, []);
}

function subsetViews(obj: View, subset: View, seen: View[]): boolean {
  const m = matcherOf(subset);
  if (m !== undefined) return m.matchView(obj);
  if (subset.type !== "object" || obj.type !== "object") return jestEqualViews(obj, subset);
  if (subset.brand === "array") {
    if (obj.brand !== "array" || lengthOf(obj) !== lengthOf(subset)) return false;
    const have = arrayItems(obj);
    const want = arrayItems(subset);
    for (let i = 0; i < want.length; i++)
      if (!subsetViews(have[i] as View, want[i] as View, seen)) return false;
    return true;
  }
  if (subset.tag !== "[object Object]") return jestEqualViews(obj, subset);
  if (A.indexOf(seen, subset) !== -1) return true;
  A.push(seen, subset);
  const keys = enumerableKeys(subset, true);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as PropertyKey;
    const po = propOf(obj, k);
    if (po === undefined) return false;
    if (!subsetViews(po.value, (propOf(subset, k) as Prop).value, seen)) return false;
  }
  A.pop(seen);
  return true;
}

/** Node's isDeepStrictEqual (strict) / loose deepEqual. */
export function nodeDeepEqual(a: Any, b: Any, strict: boolean): boolean {
  const [va, vb] = viewsOf(a, b);
  return nodeEq(va, vb, strict, { a: [], b: [] });
}

function nodeEq(a: View, b: View, strict: boolean, memo: Stacks): boolean {
  if (a.type !== "object" || b.type !== "object") {
    if (strict) return O.is(a.ref, b.ref);
    if (a.type === "object" || b.type === "object") return O.is(a.ref, b.ref);
    // biome-ignore lint/suspicious/noDoubleEquals: deepEqual is defined with ==
    return a.ref == b.ref || (N.isNaN(a.ref) && N.isNaN(b.ref));
  }
  if (O.is(a.ref, b.ref)) return true;
  if (strict && a.proto !== b.proto) return false;
  if (a.tag !== b.tag) return false;
  if ((a.brand === "array") !== (b.brand === "array")) return false;
  if (a.brand === "date" && b.brand === "date")
    return a.time === b.time || (N.isNaN(a.time) && N.isNaN(b.time));
  if (a.brand === "regexp" && (a.source !== b.source || a.flags !== b.flags)) return false;
  if (a.error && (!sameRef(a.message, b.message) || !sameRef(a.name, b.name))) return false;
  if (a.brand === "boxed" && !O.is(a.primitive, b.primitive)) return false;
  for (let i = memo.a.length - 1; i >= 0; i--) if (memo.a[i] === a && memo.b[i] === b) return true;
  A.push(memo.a, a);
  A.push(memo.b, b);
  const ok = nodeDeepChildren(a, b, strict, memo);
  A.pop(memo.a);
  A.pop(memo.b);
  return ok;
}

function sameRef(a: View | undefined, b: View | undefined): boolean {
  return O.is(a?.ref, b?.ref);
}

function nodeDeepChildren(a: View, b: View, strict: boolean, memo: Stacks): boolean {
  if (a.brand === "array" && lengthOf(a) !== lengthOf(b)) return false;
  const ka = enumerableKeys(a, strict);
  const kb = enumerableKeys(b, strict);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    const k = ka[i] as PropertyKey;
    const pb = propOf(b, k);
    if (pb === undefined || !pb.enumerable) return false;
    const pa = propOf(a, k) as Prop;
    if (!nodeEq(pa.value, pb.value, strict, memo)) return false;
  }
  const same: Same = (x, y) => nodeEq(x, y, strict, memo);
  if (a.brand === "set" && b.brand === "set") return setEquality(a, b, same);
  if (a.brand === "map" && b.brand === "map") return mapEquality(a, b, same);
  if (a.brand === "typed" && b.brand === "typed") {
    const ia = a.items as View[];
    const ib = b.items as View[];
    if (ia.length !== ib.length) return false;
    for (let i = 0; i < ia.length; i++) if (!O.is((ia[i] as View).ref, (ib[i] as View).ref)) return false;
  }
  return true;
}
