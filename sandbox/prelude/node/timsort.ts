/**
 * V8's Array.prototype.sort algorithm (third_party/v8/builtins/array-sort.tq), ported for
 * sort.ts: TimSort; a strictly descending initial run is reversed, short runs are extended to
 * minrun by binary insertion sort, runs are merged with galloping, and minGallop persists across
 * the merges of one sort. The comparator may be called in another sequence than V8 calls it, but
 * the resulting order is V8's for any comparator, consistent or not: every decision below is taken
 * on the same comparisons V8 takes it on.
 */
import { A, type Any, M } from "../intrinsics.ts";

/** The agent's comparator, called as is (this = undefined); its result is converted at each use. */
export type Compare = (x: Any, y: Any) => Any;

/** The galloping threshold V8 (and CPython's listsort) start with. */
const MIN_GALLOP = 7;

interface State {
  work: Any[];
  cmp: Compare;
  minGallop: number;
  /** Pending runs: base at 2i, length at 2i + 1. */
  runs: number[];
  size: number;
}

// Every comparison below is `+cmp(x, y) < 0` or its negation: the unary plus is SortCompare's
// ToNumber (a BigInt or Symbol result throws, an object's valueOf runs once), and a NaN counts as 0.

/** Copies n slots; overlapping ranges are safe (backwards when moving right). */
function copy(src: Any[], from: number, dst: Any[], to: number, n: number): void {
  if (from < to) for (let i = n - 1; i >= 0; i--) dst[to + i] = src[from + i];
  else for (let i = 0; i < n; i++) dst[to + i] = src[from + i];
}

/** Length of the run at lo (ascending, or strictly descending and then reversed). */
function countRun(st: State, lo: number, hi: number): number {
  const w = st.work;
  const cmp = st.cmp;
  if (lo + 1 === hi) return 1;
  let n = 2;
  const descending = +cmp(w[lo + 1], w[lo]) < 0;
  let prev = w[lo + 1];
  for (let i = lo + 2; i < hi; i++) {
    const cur = w[i];
    const less = +cmp(cur, prev) < 0;
    if (descending ? !less : less) break;
    prev = cur;
    n++;
  }
  if (descending) {
    for (let l = lo, h = lo + n - 1; l < h; l++, h--) {
      const t = w[l];
      w[l] = w[h];
      w[h] = t;
    }
  }
  return n;
}

/** Sorts [lo, hi) by binary insertion, knowing [lo, start) is sorted. */
function binaryInsertion(st: State, lo: number, start: number, hi: number): void {
  const w = st.work;
  const cmp = st.cmp;
  for (let s = lo === start ? start + 1 : start; s < hi; s++) {
    const pivot = w[s];
    let l = lo;
    let r = s;
    while (l < r) {
      const m = l + ((r - l) >> 1);
      if (+cmp(pivot, w[m]) < 0) r = m;
      else l = m + 1;
    }
    for (let p = s; p > l; p--) w[p] = w[p - 1];
    w[l] = pivot;
  }
}

/** Offset in a[base, base+len) where key goes, left of elements equal to it; search starts at hint. */
function gallopLeft(cmp: Compare, a: Any[], key: Any, base: number, len: number, hint: number): number {
  let last = 0;
  let ofs = 1;
  if (+cmp(a[base + hint], key) < 0) {
    const max = len - hint;
    while (ofs < max && +cmp(a[base + hint + ofs], key) < 0) {
      last = ofs;
      ofs = ofs * 2 + 1;
    }
    if (ofs > max) ofs = max;
    last += hint;
    ofs += hint;
  } else {
    const max = hint + 1;
    while (ofs < max && !(+cmp(a[base + hint - ofs], key) < 0)) {
      last = ofs;
      ofs = ofs * 2 + 1;
    }
    if (ofs > max) ofs = max;
    const t = last;
    last = hint - ofs;
    ofs = hint - t;
  }
  for (last++; last < ofs; ) {
    const m = last + ((ofs - last) >> 1);
    if (+cmp(a[base + m], key) < 0) last = m + 1;
    else ofs = m;
  }
  return ofs;
}

/** Like gallopLeft, but right of elements equal to key. */
function gallopRight(cmp: Compare, a: Any[], key: Any, base: number, len: number, hint: number): number {
  let last = 0;
  let ofs = 1;
  if (+cmp(key, a[base + hint]) < 0) {
    const max = hint + 1;
    while (ofs < max && +cmp(key, a[base + hint - ofs]) < 0) {
      last = ofs;
      ofs = ofs * 2 + 1;
    }
    if (ofs > max) ofs = max;
    const t = last;
    last = hint - ofs;
    ofs = hint - t;
  } else {
    const max = len - hint;
    while (ofs < max && !(+cmp(key, a[base + hint + ofs]) < 0)) {
      last = ofs;
      ofs = ofs * 2 + 1;
    }
    if (ofs > max) ofs = max;
    last += hint;
    ofs += hint;
  }
  for (last++; last < ofs; ) {
    const m = last + ((ofs - last) >> 1);
    if (+cmp(key, a[base + m]) < 0) ofs = m;
    else last = m + 1;
  }
  return ofs;
}

/** Merges run A into the slot before run B, from the left (A is the shorter run, copied out). */
function mergeLow(st: State, baseA: number, lengthA: number, baseB: number, lengthB: number): void {
  const w = st.work;
  const cmp = st.cmp;
  const tmp = A.slice(w, baseA, baseA + lengthA);
  let lenA = lengthA;
  let lenB = lengthB;
  let dest = baseA;
  let ct = 0;
  let cb = baseB;
  w[dest++] = w[cb++];
  lenB--;
  let lastOfAAtEnd = lenB > 0 && lenA === 1;
  if (lenB > 0 && lenA > 1) {
    merge: for (let minGallop = st.minGallop; ; st.minGallop = ++minGallop) {
      let winsA = 0;
      let winsB = 0;
      for (;;) {
        if (+cmp(w[cb], tmp[ct]) < 0) {
          w[dest++] = w[cb++];
          winsB++;
          winsA = 0;
          if (--lenB === 0) break merge;
          if (winsB >= minGallop) break;
        } else {
          w[dest++] = tmp[ct++];
          winsA++;
          winsB = 0;
          lastOfAAtEnd = --lenA === 1;
          if (lastOfAAtEnd) break merge;
          if (winsA >= minGallop) break;
        }
      }
      minGallop++;
      for (let first = true; first || winsA >= MIN_GALLOP || winsB >= MIN_GALLOP; first = false) {
        minGallop = M.max(1, minGallop - 1);
        st.minGallop = minGallop;
        winsA = gallopRight(cmp, tmp, w[cb], ct, lenA, 0);
        if (winsA > 0) {
          copy(tmp, ct, w, dest, winsA);
          dest += winsA;
          ct += winsA;
          lenA -= winsA;
          lastOfAAtEnd = lenA === 1;
          // lenA === 0 happens only with an inconsistent comparator.
          if (lenA <= 1) break merge;
        }
        w[dest++] = w[cb++];
        if (--lenB === 0) break merge;
        winsB = gallopLeft(cmp, w, tmp[ct], cb, lenB, 0);
        if (winsB > 0) {
          copy(w, cb, w, dest, winsB);
          dest += winsB;
          cb += winsB;
          lenB -= winsB;
          if (lenB === 0) break merge;
        }
        w[dest++] = tmp[ct++];
        lastOfAAtEnd = --lenA === 1;
        if (lastOfAAtEnd) break merge;
      }
    }
  }
  if (lastOfAAtEnd) {
    copy(w, cb, w, dest, lenB);
    w[dest + lenB] = tmp[ct];
  } else if (lenA > 0) copy(tmp, ct, w, dest, lenA);
}

/** Merges run B into the slot after run A, from the right (B is the shorter run, copied out). */
function mergeHigh(st: State, baseA: number, lengthA: number, baseB: number, lengthB: number): void {
  const w = st.work;
  const cmp = st.cmp;
  const tmp = A.slice(w, baseB, baseB + lengthB);
  let lenA = lengthA;
  let lenB = lengthB;
  let dest = baseB + lenB - 1;
  let ct = lenB - 1;
  let ca = baseA + lenA - 1;
  w[dest--] = w[ca--];
  lenA--;
  let firstOfBAtFront = lenA > 0 && lenB === 1;
  if (lenA > 0 && lenB > 1) {
    merge: for (let minGallop = st.minGallop; ; st.minGallop = ++minGallop) {
      let winsA = 0;
      let winsB = 0;
      for (;;) {
        if (+cmp(tmp[ct], w[ca]) < 0) {
          w[dest--] = w[ca--];
          winsA++;
          winsB = 0;
          if (--lenA === 0) break merge;
          if (winsA >= minGallop) break;
        } else {
          w[dest--] = tmp[ct--];
          winsB++;
          winsA = 0;
          firstOfBAtFront = --lenB === 1;
          if (firstOfBAtFront) break merge;
          if (winsB >= minGallop) break;
        }
      }
      minGallop++;
      for (let first = true; first || winsA >= MIN_GALLOP || winsB >= MIN_GALLOP; first = false) {
        minGallop = M.max(1, minGallop - 1);
        st.minGallop = minGallop;
        winsA = lenA - gallopRight(cmp, w, tmp[ct], baseA, lenA, lenA - 1);
        if (winsA > 0) {
          dest -= winsA;
          ca -= winsA;
          copy(w, ca + 1, w, dest + 1, winsA);
          lenA -= winsA;
          if (lenA === 0) break merge;
        }
        w[dest--] = tmp[ct--];
        firstOfBAtFront = --lenB === 1;
        if (firstOfBAtFront) break merge;
        winsB = lenB - gallopLeft(cmp, tmp, w[ca], 0, lenB, lenB - 1);
        if (winsB > 0) {
          dest -= winsB;
          ct -= winsB;
          copy(tmp, ct + 1, w, dest + 1, winsB);
          lenB -= winsB;
          firstOfBAtFront = lenB === 1;
          // lenB === 0 happens only with an inconsistent comparator.
          if (lenB <= 1) break merge;
        }
        w[dest--] = w[ca--];
        if (--lenA === 0) break merge;
      }
    }
  }
  if (firstOfBAtFront) {
    dest -= lenA;
    ca -= lenA;
    copy(w, ca + 1, w, dest + 1, lenA);
    w[dest] = tmp[ct];
  } else if (lenB > 0) copy(tmp, 0, w, dest - (lenB - 1), lenB);
}

/** Merges pending runs i and i + 1 (i is the second or third run from the top). */
function mergeAt(st: State, i: number): void {
  const runs = st.runs;
  const w = st.work;
  let baseA = runs[2 * i] as number;
  let lenA = runs[2 * i + 1] as number;
  const baseB = runs[2 * i + 2] as number;
  let lenB = runs[2 * i + 3] as number;
  runs[2 * i + 1] = lenA + lenB;
  if (i === st.size - 3) {
    runs[2 * i + 2] = runs[2 * i + 4] as number;
    runs[2 * i + 3] = runs[2 * i + 5] as number;
  }
  st.size--;
  // Elements of A before B's first element, and of B after A's last, are already in place.
  const k = gallopRight(st.cmp, w, w[baseB], baseA, lenA, 0);
  baseA += k;
  lenA -= k;
  if (lenA === 0) return;
  lenB = gallopLeft(st.cmp, w, w[baseA + lenA - 1], baseB, lenB, lenB - 1);
  if (lenB === 0) return;
  if (lenA <= lenB) mergeLow(st, baseA, lenA, baseB, lenB);
  else mergeHigh(st, baseA, lenA, baseB, lenB);
}

const runLength = (st: State, i: number): number => st.runs[2 * i + 1] as number;

/** run(n - 2) > run(n - 1) + run(n), vacuously true near the bottom of the stack. */
function invariantHolds(st: State, n: number): boolean {
  return n < 2 || runLength(st, n - 2) > runLength(st, n - 1) + runLength(st, n);
}

function mergeCollapse(st: State): void {
  while (st.size > 1) {
    let n = st.size - 2;
    if (!invariantHolds(st, n + 1) || !invariantHolds(st, n)) {
      if (runLength(st, n - 1) < runLength(st, n + 1)) n--;
      mergeAt(st, n);
    } else if (runLength(st, n) <= runLength(st, n + 1)) mergeAt(st, n);
    else break;
  }
}

/** V8's TimSort of work[0, n). */
export function timSort(work: Any[], n: number, cmp: Compare): void {
  if (n < 2) return;
  const st: State = { work, cmp, minGallop: MIN_GALLOP, runs: [], size: 0 };
  let minRun = n;
  let r = 0;
  for (; minRun >= 64; minRun >>= 1) r |= minRun & 1;
  minRun += r;
  for (let lo = 0, remaining = n; remaining !== 0; ) {
    let run = countRun(st, lo, lo + remaining);
    if (run < minRun) {
      const forced = M.min(minRun, remaining);
      binaryInsertion(st, lo, lo + run, lo + forced);
      run = forced;
    }
    st.runs[2 * st.size] = lo;
    st.runs[2 * st.size + 1] = run;
    st.size++;
    mergeCollapse(st);
    lo += run;
    remaining -= run;
  }
  while (st.size > 1) {
    let i = st.size - 2;
    if (i > 0 && runLength(st, i - 1) < runLength(st, i + 1)) i--;
    mergeAt(st, i);
  }
}
