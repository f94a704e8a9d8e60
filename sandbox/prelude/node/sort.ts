/**
 * Sorting that orders like V8, installed on QuickJS only.
 *
 * With a comparator that is not a consistent ordering (`(a, b) => a.points < b.points ? 1 : -1`
 * never returns 0; `() => -1`; `() => Math.random() - 0.5`) the result of sort() depends on the
 * algorithm. Reference solutions and expected outputs are made on Node, so a program must see
 * V8's order on QuickJS too (Exercism's tournament sorts ties with such a comparator). With a
 * comparator, Array.prototype.sort/toSorted use V8's TimSort (timsort.ts) and
 * %TypedArray%.prototype.sort/toSorted V8's typed-array merge sort (typed-array-sort.tq), with
 * the spec's edges: holes skipped and undefineds last (toSorted reads holes as undefined), a
 * non-function comparator is a TypeError, the result is ToNumber'd (NaN counts as 0, a BigInt
 * throws), array-likes work, the receiver is written back in full (a frozen array throws).
 * Checked against V8 in test/sandbox/prelude-sort.test.ts.
 *
 * Without a comparator the engine's own sort is kept: the default comparison (by string, or
 * numeric for typed arrays) is a consistent ordering and QuickJS's sort is stable, so any
 * correct stable sort gives V8's order (only a toString that answers differently on each call
 * could tell them apart), and the native one is much faster.
 *
 * Engine check: Error.captureStackTrace is a V8 API that QuickJS does not have (isolated-vm's V8
 * keeps its native sort). Installed by entry.ts before the grading integrity snapshot, so these
 * methods are the baseline, not tampering.
 */
import { type Any, apply, M, O, TypeErrorCtor } from "../intrinsics.ts";
import { type Compare, timSort } from "./timsort.ts";

const MAX_LENGTH = 9007199254740991;
const ObjectCtor = Object;
const RangeErrorCtor = RangeError;
const BAD_COMPARATOR = "The comparison function must be either a function or undefined";

function toObject(self: unknown, method: string): Any {
  if (self === null || self === undefined)
    throw new TypeErrorCtor(`Array.prototype.${method} called on null or undefined`);
  return ObjectCtor(self);
}

function toLength(v: unknown): number {
  const n = +(v as number);
  if (!(n > 0)) return 0;
  return n >= MAX_LENGTH ? MAX_LENGTH : n - (n % 1);
}

/** Array.prototype.sort with a comparator: holes are skipped, undefineds go last, holes after them. */
function sortArray(self: unknown, comparefn: Any): Any {
  const obj = toObject(self, "sort");
  const len = toLength(obj.length);
  if (len < 2) return obj;
  const work: Any[] = [];
  let n = 0;
  let undefs = 0;
  for (let i = 0; i < len; i++) {
    if (!(i in obj)) continue;
    const v = obj[i];
    if (v === undefined) undefs++;
    else work[n++] = v;
  }
  timSort(work, n, comparefn);
  let i = 0;
  for (; i < n; i++) obj[i] = work[i];
  for (; i < n + undefs; i++) obj[i] = undefined;
  for (; i < len; i++) delete obj[i];
  return obj;
}

/** Array.prototype.toSorted with a comparator: holes read as undefined. */
function toSortedArray(self: unknown, comparefn: Any): Any[] {
  const obj = toObject(self, "toSorted");
  const len = toLength(obj.length);
  if (len > 4294967295) throw new RangeErrorCtor("Invalid array length");
  const work: Any[] = [];
  let n = 0;
  for (let i = 0; i < len; i++) {
    const v = obj[i];
    if (v !== undefined) work[n++] = v;
  }
  timSort(work, n, comparefn);
  for (let i = n; i < len; i++) work[i] = undefined;
  return work;
}

/** V8's typed-array merge sort: top-down, source and target swap roles at each level. */
function mergeSort(source: Any[], from: number, to: number, target: Any[], cmp: Compare): void {
  const mid = from + ((to - from) >>> 1);
  if (mid - from > 1) mergeSort(target, from, mid, source, cmp);
  if (to - mid > 1) mergeSort(target, mid, to, source, cmp);
  let l = from;
  let r = mid;
  for (let t = from; t < to; t++) {
    if (l < mid && (r >= to || !(+cmp(source[l], source[r]) > 0))) target[t] = source[l++];
    else target[t] = source[r++];
  }
}

/** The elements of a typed array, in the order V8's typed-array sort gives them. */
function sortedTyped(ta: Any, len: number, comparefn: Any): Any[] {
  const work1: Any[] = [];
  const work2: Any[] = [];
  for (let i = 0; i < len; i++) work1[i] = work2[i] = ta[i];
  if (len > 1) mergeSort(work2, 0, len, work1, comparefn);
  return work1;
}

function checkComparator(comparefn: unknown): void {
  if (comparefn === undefined || typeof comparefn === "function") return;
  const shown = comparefn !== null && typeof comparefn === "object" ? "#<Object>" : String(comparefn);
  throw new TypeErrorCtor(`${BAD_COMPARATOR}: ${shown}`);
}

function define(target: object, name: string, fn: unknown): void {
  O.defineProperty(target, name, { value: fn, writable: true, enumerable: false, configurable: true });
}

/** Replaces the sort methods with V8-ordered ones, on engines other than V8. */
export function installSort(): void {
  if (typeof (Error as Any).captureStackTrace === "function") return;
  const arrayProto = Array.prototype as Any;
  const typedProto = O.getPrototypeOf(Uint8Array.prototype);
  const native = {
    sort: arrayProto.sort,
    toSorted: arrayProto.toSorted,
    typedSort: typedProto.sort,
    typedToSorted: typedProto.toSorted,
    typedLength: O.getOwnPropertyDescriptor(typedProto, "length")?.get as () => number,
  };
  // Method definitions: named, length 1 and not constructors, like the built-ins they replace.
  const array = {
    sort(this: unknown, comparefn: unknown): unknown {
      checkComparator(comparefn);
      return comparefn === undefined ? apply(native.sort, this, []) : sortArray(this, comparefn);
    },
    toSorted(this: unknown, comparefn: unknown): unknown {
      checkComparator(comparefn);
      return comparefn === undefined ? apply(native.toSorted, this, []) : toSortedArray(this, comparefn);
    },
  };
  const typed = {
    sort(this: unknown, comparefn: unknown): unknown {
      checkComparator(comparefn);
      if (comparefn === undefined) return apply(native.typedSort, this, []);
      const lengthOf = () => apply(native.typedLength, this, []) as number;
      const len = lengthOf();
      const sorted = sortedTyped(this, len, comparefn);
      // The comparator may have shrunk or detached the buffer: V8 writes back only what still fits.
      const end = M.min(len, lengthOf());
      for (let i = 0; i < end; i++) (this as Any)[i] = sorted[i];
      return this;
    },
    toSorted(this: unknown, comparefn: unknown): unknown {
      checkComparator(comparefn);
      // The engine's copy has the right type and length; its order is then overwritten.
      const out = apply(native.typedToSorted, this, []);
      if (comparefn === undefined) return out;
      const len = apply(native.typedLength, out, []) as number;
      const sorted = sortedTyped(this, len, comparefn);
      for (let i = 0; i < len; i++) out[i] = sorted[i];
      return out;
    },
  };
  define(arrayProto, "sort", array.sort);
  if (typeof native.toSorted === "function") define(arrayProto, "toSorted", array.toSorted);
  define(typedProto, "sort", typed.sort);
  if (typeof native.typedToSorted === "function") define(typedProto, "toSorted", typed.toSorted);
}
