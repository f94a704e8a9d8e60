/**
 * Deep equality as Jest's `equals` does it (toEqual: undefined properties ignored, iterables compared
 * by iteration; toStrictEqual: types, undefined properties and sparseness count; asymmetric matchers
 * honoured) and as Node's assert does it (deepEqual loose, deepStrictEqual strict).
 */
import {
  A,
  type Any,
  apply,
  dateGetTime,
  drain,
  isError,
  mapEntries,
  mapGet,
  mapHas,
  N,
  O,
  RE,
  SymbolIterator,
  safeGet,
  setHas,
  setValues,
} from "./intrinsics.ts";

export function isAsymmetric(v: unknown): boolean {
  return v !== null && typeof v === "object" && typeof (v as Any).asymmetricMatch === "function";
}

function enumerableKeys(v: Any): PropertyKey[] {
  const keys: PropertyKey[] = O.keys(v);
  const syms = O.getOwnPropertySymbols(v);
  for (let i = 0; i < syms.length; i++) if (O.isEnumerable(v, syms[i] as symbol)) A.push(keys, syms[i]);
  return keys;
}

interface Stacks {
  a: Any[];
  b: Any[];
}

/** Jest's equals(a, b, [iterableEquality]) (strict = toStrictEqual's extra testers). */
export function jestEquals(a: Any, b: Any, strict = false): boolean {
  return eq(a, b, { a: [], b: [] }, strict);
}

function eq(a: Any, b: Any, st: Stacks, strict: boolean): boolean {
  const aAsym = isAsymmetric(a);
  const bAsym = isAsymmetric(b);
  if (aAsym && !bAsym) return !!apply(a.asymmetricMatch, a, [b]);
  if (bAsym && !aAsym) return !!apply(b.asymmetricMatch, b, [a]);
  // biome-ignore lint/suspicious/noDoubleEquals: Jest compares error messages with ==
  if (isError(a) && isError(b)) return a.message == b.message;
  if (O.is(a, b)) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") {
    if (typeof a === "object" && typeof b === "object") return false;
    if (typeof a === "function" || typeof b === "function") return false;
    return false;
  }
  const cls = O.toString(a);
  if (cls !== O.toString(b)) return false;
  if (cls === "[object Boolean]" || cls === "[object String]" || cls === "[object Number]") {
    return O.is(a.valueOf(), b.valueOf());
  }
  if (cls === "[object Date]") return +dateGetTime(a) === +dateGetTime(b);
  if (cls === "[object RegExp]") return RE.sourceOf(a) === RE.sourceOf(b) && RE.flagsOf(a) === RE.flagsOf(b);
  for (let i = st.a.length - 1; i >= 0; i--) {
    if (st.a[i] === a) return st.b[i] === b;
    if (st.b[i] === b) return false;
  }
  A.push(st.a, a);
  A.push(st.b, b);
  const result = eqObjects(a, b, cls, st, strict);
  A.pop(st.a);
  A.pop(st.b);
  return result;
}

function eqObjects(a: Any, b: Any, cls: string, st: Stacks, strict: boolean): boolean {
  if (strict && !sameType(a, b)) return false;
  const iter = iterableEquality(a, b, st, strict);
  if (iter !== undefined) return iter;
  if (cls === "[object Array]" && a.length !== b.length) return false;
  const aKeys = keysFor(a, strict);
  const bKeys = keysFor(b, strict);
  if (aKeys.length !== bKeys.length) return false;
  for (let i = 0; i < aKeys.length; i++) {
    const key = aKeys[i] as PropertyKey;
    if (!O.hasOwn(b, key) && !(strict === false && b[key] === undefined)) {
      if (!isAsymmetric(a[key])) return false;
    }
    if (!eq(a[key], b[key], st, strict)) return false;
  }
  return true;
}

function keysFor(v: Any, strict: boolean): PropertyKey[] {
  const keys = enumerableKeys(v);
  if (strict) return keys;
  return A.filter(keys, (k) => safeGet(v, k) !== undefined || isAccessor(v, k));
}

function isAccessor(v: Any, k: PropertyKey): boolean {
  const d = O.getOwnPropertyDescriptor(v, k);
  return d !== undefined && !("value" in d);
}

function sameType(a: Any, b: Any): boolean {
  const pa = O.getPrototypeOf(a);
  const pb = O.getPrototypeOf(b);
  if (pa === pb) return true;
  const plain = (p: Any) => p === null || p === Object.prototype;
  if (plain(pa) && plain(pb)) return true;
  return (
    safeGet(pa, "constructor") === safeGet(pb, "constructor") && safeGet(pa, "constructor") !== undefined
  );
}

function iterableEquality(a: Any, b: Any, st: Stacks, strict: boolean): boolean | undefined {
  if (A.isArray(a) || A.isArray(b)) return undefined;
  if (typeof a[SymbolIterator] !== "function" || typeof b[SymbolIterator] !== "function") return undefined;
  if (a.constructor !== b.constructor) return false;
  const cls = O.toString(a);
  if (cls === "[object Set]") {
    if (a.size !== b.size) return false;
    const vals = drain(setValues(a));
    const bVals = drain(setValues(b));
    for (let i = 0; i < vals.length; i++) {
      const v = vals[i];
      if (setHas(b, v)) continue;
      let found = false;
      for (let j = 0; j < bVals.length && !found; j++) found = eq(v, bVals[j], st, strict);
      if (!found) return false;
    }
    return true;
  }
  if (cls === "[object Map]") {
    if (a.size !== b.size) return false;
    const ents = drain(mapEntries(a));
    const bEnts = drain(mapEntries(b));
    for (let i = 0; i < ents.length; i++) {
      const k = ents[i][0];
      const v = ents[i][1];
      if (mapHas(b, k) && eq(v, mapGet(b, k), st, strict)) continue;
      let found = false;
      for (let j = 0; j < bEnts.length && !found; j++) {
        found = eq(k, bEnts[j][0], st, strict) && eq(v, bEnts[j][1], st, strict);
      }
      if (!found) return false;
    }
    return true;
  }
  const ia = drain(apply(a[SymbolIterator], a, []));
  const ib = drain(apply(b[SymbolIterator], b, []));
  if (ia.length !== ib.length) return false;
  for (let i = 0; i < ia.length; i++) if (!eq(ia[i], ib[i], st, strict)) return false;
  const ea = keysFor(a, strict);
  const eb = keysFor(b, strict);
  if (ea.length !== eb.length) return false;
  for (let i = 0; i < ea.length; i++) {
    const k = ea[i] as PropertyKey;
    if (!eq(a[k], b[k], st, strict)) return false;
  }
  return true;
}

/** Jest's toMatchObject: every property of expected (recursively) matches the received one. */
export function subsetEquals(obj: Any, subset: Any, seen: Any[] = []): boolean {
  if (isAsymmetric(subset)) return !!apply(subset.asymmetricMatch, subset, [obj]);
  if (subset === null || typeof subset !== "object" || obj === null || typeof obj !== "object") {
    return jestEquals(obj, subset);
  }
  if (A.isArray(subset)) {
    if (!A.isArray(obj) || obj.length !== subset.length) return false;
    for (let i = 0; i < subset.length; i++) if (!subsetEquals(obj[i], subset[i], seen)) return false;
    return true;
  }
  if (O.toString(subset) !== "[object Object]") return jestEquals(obj, subset);
  if (A.indexOf(seen, subset) !== -1) return true;
  A.push(seen, subset);
  const keys = enumerableKeys(subset);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as PropertyKey;
    if (!(k in obj)) return false;
    if (!subsetEquals(obj[k], subset[k], seen)) return false;
  }
  A.pop(seen);
  return true;
}

/** Node's isDeepStrictEqual (strict) / loose deepEqual. */
export function nodeDeepEqual(a: Any, b: Any, strict: boolean, memo: Stacks = { a: [], b: [] }): boolean {
  // biome-ignore lint/suspicious/noDoubleEquals: deepEqual is defined with ==
  if (strict ? O.is(a, b) : a == b || (N.isNaN(a) && N.isNaN(b))) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (strict && O.getPrototypeOf(a) !== O.getPrototypeOf(b)) return false;
  const cls = O.toString(a);
  if (cls !== O.toString(b)) return false;
  if (A.isArray(a) !== A.isArray(b)) return false;
  if (cls === "[object Date]")
    return dateGetTime(a) === dateGetTime(b) || (N.isNaN(dateGetTime(a)) && N.isNaN(dateGetTime(b)));
  if (cls === "[object RegExp]" && (RE.sourceOf(a) !== RE.sourceOf(b) || RE.flagsOf(a) !== RE.flagsOf(b)))
    return false;
  if (isError(a) && (safeGet(a, "message") !== safeGet(b, "message") || a.name !== b.name)) return false;
  if (cls === "[object Number]" || cls === "[object String]" || cls === "[object Boolean]") {
    if (!O.is(a.valueOf(), b.valueOf())) return false;
  }
  for (let i = memo.a.length - 1; i >= 0; i--) if (memo.a[i] === a && memo.b[i] === b) return true;
  A.push(memo.a, a);
  A.push(memo.b, b);
  const ok = nodeDeepChildren(a, b, cls, strict, memo);
  A.pop(memo.a);
  A.pop(memo.b);
  return ok;
}

function nodeDeepChildren(a: Any, b: Any, cls: string, strict: boolean, memo: Stacks): boolean {
  if (A.isArray(a) && a.length !== b.length) return false;
  const ka = strict ? enumerableKeys(a) : O.keys(a);
  const kb = strict ? enumerableKeys(b) : O.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    const k = ka[i] as PropertyKey;
    if (!O.hasOwn(b, k) || !O.isEnumerable(b, k)) return false;
    if (!nodeDeepEqual(a[k], b[k], strict, memo)) return false;
  }
  if (cls === "[object Set]") {
    if (a.size !== b.size) return false;
    const va = drain(setValues(a));
    const vb = drain(setValues(b));
    for (let i = 0; i < va.length; i++) {
      if (setHas(b, va[i])) continue;
      let found = false;
      for (let j = 0; j < vb.length && !found; j++) found = nodeDeepEqual(va[i], vb[j], strict, memo);
      if (!found) return false;
    }
  } else if (cls === "[object Map]") {
    if (a.size !== b.size) return false;
    const ea = drain(mapEntries(a));
    for (let i = 0; i < ea.length; i++) {
      const k = ea[i][0];
      if (!mapHas(b, k) || !nodeDeepEqual(ea[i][1], mapGet(b, k), strict, memo)) return false;
    }
  }
  return true;
}
