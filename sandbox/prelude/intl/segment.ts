/**
 * Intl.Segmenter for the sandbox's small Intl (see intl.ts).
 *
 * "grapheme" follows UAX #29's extended grapheme cluster rules GB3-GB13 except Prepend (GB9b) and
 * Indic conjuncts (GB9c); SpacingMark is approximated by \p{Mc} (plus Thai/Lao AM). "word" is an
 * approximation of UAX #29 word breaks: runs of letters/digits/marks (with ' . : between letters
 * and , . between digits) are words, runs of horizontal space stay together, anything else is
 * one grapheme per segment; no dictionary, so CJK/Thai text is one "word" per script run.
 * "sentence" is not supported (RangeError).
 */

import { type Any, O } from "../intrinsics.ts";
import { resolveLocale, stringOption, supportedLocalesOf, toOptions } from "./locale.ts";

const enum_ = {
  Other: 0,
  CR: 1,
  LF: 2,
  Control: 3,
  Extend: 4,
  ZWJ: 5,
  SpacingMark: 6,
  RI: 7,
  Pict: 8,
  L: 9,
  V: 10,
  T: 11,
  LV: 12,
  LVT: 13,
};

const CONTROL = /^[\p{Cc}\p{Zl}\p{Zp}]$/u;
const FORMAT = /^\p{Cf}$/u;
const EXTEND = /^[\p{Grapheme_Extend}\p{Emoji_Modifier}\u200c\u{E0020}-\u{E007F}]$/u;
const SPACING = /^[\p{Mc}\u0e33\u0eb3]$/u;
const RI = /^\p{Regional_Indicator}$/u;
const PICT = /^\p{Extended_Pictographic}$/u;

function hangul(cp: number): number {
  if ((cp >= 0x1100 && cp <= 0x115f) || (cp >= 0xa960 && cp <= 0xa97c)) return enum_.L;
  if ((cp >= 0x1160 && cp <= 0x11a7) || (cp >= 0xd7b0 && cp <= 0xd7c6)) return enum_.V;
  if ((cp >= 0x11a8 && cp <= 0x11ff) || (cp >= 0xd7cb && cp <= 0xd7fb)) return enum_.T;
  if (cp >= 0xac00 && cp <= 0xd7a3) return (cp - 0xac00) % 28 === 0 ? enum_.LV : enum_.LVT;
  return enum_.Other;
}

function classify(ch: string): number {
  const cp = ch.codePointAt(0) as number;
  if (cp === 13) return enum_.CR;
  if (cp === 10) return enum_.LF;
  if (cp === 0x200d) return enum_.ZWJ;
  if (cp < 0x80) return cp < 0x20 || cp === 0x7f ? enum_.Control : enum_.Other;
  if (EXTEND.test(ch)) return enum_.Extend;
  if (CONTROL.test(ch) || FORMAT.test(ch)) return enum_.Control;
  if (SPACING.test(ch)) return enum_.SpacingMark;
  if (RI.test(ch)) return enum_.RI;
  if (PICT.test(ch)) return enum_.Pict;
  return hangul(cp);
}

function hangulJoins(prev: number, cur: number): boolean {
  const { L, V, T, LV, LVT } = enum_;
  if (prev === L) return cur === L || cur === V || cur === LV || cur === LVT;
  if (prev === LV || prev === V) return cur === V || cur === T;
  return (prev === LVT || prev === T) && cur === T;
}

/** Splits a string into extended grapheme clusters (see the header for the approximation). */
export function graphemes(input: string): string[] {
  const out: string[] = [];
  let current = "";
  let prev = -1;
  let riRun = 0;
  let pictSeq = false; // inside ExtPict Extend*
  let pictZwj = false; // just after ExtPict Extend* ZWJ
  for (const ch of input) {
    const cur = classify(ch);
    let join = false;
    if (prev === -1) join = false;
    else if (prev === enum_.CR) join = cur === enum_.LF;
    else if (prev === enum_.LF || prev === enum_.Control) join = false;
    else if (cur === enum_.CR || cur === enum_.LF || cur === enum_.Control) join = false;
    else if (hangulJoins(prev, cur)) join = true;
    else if (cur === enum_.Extend || cur === enum_.ZWJ || cur === enum_.SpacingMark) join = true;
    else if (cur === enum_.Pict && pictZwj) join = true;
    else if (cur === enum_.RI && prev === enum_.RI) join = riRun % 2 === 1;
    if (!join && prev !== -1) {
      out.push(current);
      current = "";
    }
    current += ch;
    pictZwj = pictSeq && cur === enum_.ZWJ;
    pictSeq = cur === enum_.Pict || (pictSeq && cur === enum_.Extend);
    riRun = cur === enum_.RI ? riRun + 1 : 0;
    prev = cur;
  }
  if (prev !== -1) out.push(current);
  return out;
}

const WORD = /^[\p{L}\p{N}\p{M}\p{Pc}]/u;
const SPACE = /^[\t\p{Zs}]+$/u;

function wordKind(g: string): "word" | "space" | "other" {
  if (WORD.test(g)) return "word";
  return SPACE.test(g) ? "space" : "other";
}

/** Joins graphemes into word-break segments (see the header for the approximation). */
function words(input: string): Array<{ segment: string; isWordLike: boolean }> {
  const gs = graphemes(input);
  const out: Array<{ segment: string; isWordLike: boolean }> = [];
  for (let i = 0; i < gs.length; i++) {
    const g = gs[i] as string;
    const kind = wordKind(g);
    const last = out[out.length - 1];
    const lastKind = last === undefined ? undefined : last.isWordLike ? "word" : wordKind(last.segment);
    if (last && kind === lastKind && kind !== "other") {
      last.segment += g;
      continue;
    }
    const next = gs[i + 1];
    const mid = /^['.:\u2019]$/.test(g) || /^[,.]$/.test(g);
    if (last?.isWordLike && mid && next !== undefined && wordKind(next) === "word") {
      last.segment += g;
      continue;
    }
    out.push({ segment: g, isWordLike: kind === "word" });
  }
  return out;
}

interface Segment {
  segment: string;
  index: number;
  input: string;
  isWordLike?: boolean;
}

function segmentsOf(input: string, granularity: string): Segment[] {
  const out: Segment[] = [];
  let index = 0;
  if (granularity === "word") {
    for (const w of words(input)) {
      out.push({ segment: w.segment, index, input, isWordLike: w.isWordLike });
      index += w.segment.length;
    }
  } else {
    for (const g of graphemes(input)) {
      out.push({ segment: g, index, input });
      index += g.length;
    }
  }
  return out;
}

class Segments {
  #all: Segment[];

  constructor(all: Segment[]) {
    this.#all = all;
  }

  containing(index?: unknown): Segment | undefined {
    const i = index === undefined ? 0 : Math.trunc(Number(index)) || 0;
    for (const s of this.#all) if (i >= s.index && i < s.index + s.segment.length) return { ...s };
    return undefined;
  }

  [Symbol.iterator](): Iterator<Segment> {
    const all = this.#all;
    let i = 0;
    return {
      next: () =>
        i < all.length
          ? { value: { ...(all[i++] as Segment) }, done: false }
          : { value: undefined, done: true },
    };
  }
}

class Segmenter {
  #locale: string;
  #granularity: "grapheme" | "word";

  constructor(locales?: unknown, options?: unknown) {
    if (new.target === undefined) throw new TypeError("Constructor Intl.Segmenter requires 'new'");
    this.#locale = resolveLocale(locales).tag;
    const granularity = stringOption(
      toOptions(options),
      "granularity",
      ["grapheme", "word", "sentence"] as const,
      "grapheme",
    );
    if (granularity === "sentence")
      throw new RangeError('Intl.Segmenter: granularity "sentence" is not supported in this sandbox');
    this.#granularity = granularity;
  }

  segment(input: unknown): Segments {
    return new Segments(segmentsOf(String(input), this.#granularity));
  }

  resolvedOptions(): Record<string, unknown> {
    return { locale: this.#locale, granularity: this.#granularity };
  }
}

O.defineProperty(Segmenter.prototype, Symbol.toStringTag, { value: "Intl.Segmenter", configurable: true });

export const SegmenterCtor: Any = Segmenter;
O.defineProperty(Segmenter, "supportedLocalesOf", {
  value: (locales: unknown) => supportedLocalesOf(locales),
  writable: true,
  configurable: true,
});
