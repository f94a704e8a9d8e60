/**
 * Intl.Collator for the sandbox's small Intl (see intl.ts): an approximation of ICU's root
 * collation (what V8's localeCompare uses for en/nl/de). Three levels: base letters (case and
 * accents ignored; ß/æ/œ/ø expand), then accents, then case (lower before upper). At the first
 * level spaces < punctuation < symbols < digits < letters, and letters of different scripts sort
 * by code point (Latin < Greek < Cyrillic ...); inside the first three groups the order is by
 * code point, not ICU's table. Options: sensitivity, numeric, caseFirst, ignorePunctuation, usage.
 */

import { type Any, O } from "../intrinsics.ts";
import { callableConstructor, resolveLocale, stringOption, toOptions } from "./locale.ts";

type Sensitivity = "base" | "accent" | "case" | "variant";

interface Config {
  locale: string;
  usage: "sort" | "search";
  sensitivity: Sensitivity;
  numeric: boolean;
  caseFirst: "upper" | "lower" | "false";
  ignorePunctuation: boolean;
}

interface Key {
  primary: number[];
  secondary: number[];
  tertiary: number[];
}

const EXPANSIONS: Record<string, string> = {
  ß: "ss",
  æ: "ae",
  Æ: "AE",
  œ: "oe",
  Œ: "OE",
  ø: "o\u0338",
  Ø: "O\u0338",
  đ: "d\u0335",
  Đ: "D\u0335",
  ł: "l\u0335",
  Ł: "L\u0335",
};
const MARK = /^\p{M}$/u;
const DIGIT = /^\p{Nd}$/u;
const LETTERISH = /^[\p{L}\p{N}]$/u;
const SPACE = /^[\s\p{Z}]$/u;
const PUNCT = /^\p{P}$/u;
const IGNORABLE = /^[\p{Cc}\p{Cf}]$/u;
const GROUP = 1 << 22;
/** ICU root order of common spaces, punctuation and symbols (taken from V8's localeCompare). */
const PUNCT_ORDER = Array.from(
  "\t\n\v\f\r \u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000" +
    "_\u2017-\u2010\u2011\u2012\u2013\u2014\u2015,;:!\u00a1?\u00bf.\u2024\u2025\u2026\u00b7'\u2018\u2019\u201a\u201b" +
    '"\u201c\u201d\u201e\u201f\u00ab\u00bb()[]{}\u2016\u00a7\u00b6@*/\\&#%\u2020\u2021\u2022\u2023\u2027`\u00b4^' +
    "\u00af\u00a8\u00b8\u00b0\u00a9\u00ae+\u00b1\u00f7\u00d7<=>\u00ac|\u00a6~\u00a4\u00a2$\u00a3\u00a5\u20ac",
);

function digitValue(ch: string): number {
  const cp = ch.codePointAt(0) as number;
  if (cp >= 48 && cp <= 57) return cp - 48;
  // Unicode decimal digits come in contiguous runs of ten starting at a code point ending in 0 or 6.
  for (let zero = cp; zero > cp - 10; zero--)
    if (!DIGIT.test(String.fromCodePoint(zero - 1))) return cp - zero;
  return 0;
}

function primaryOf(ch: string): number {
  const known = PUNCT_ORDER.indexOf(ch);
  if (known !== -1) return GROUP + known;
  if (SPACE.test(ch)) return GROUP;
  if (PUNCT.test(ch)) return 2 * GROUP + (ch.codePointAt(0) as number);
  if (DIGIT.test(ch)) return 4 * GROUP + digitValue(ch);
  if (LETTERISH.test(ch)) return 5 * GROUP + (ch.toLowerCase().codePointAt(0) as number);
  return 3 * GROUP + (ch.codePointAt(0) as number);
}

function keyOf(s: string, c: Config): Key {
  const key: Key = { primary: [], secondary: [], tertiary: [] };
  const chars: string[] = [];
  const expanded: boolean[] = [];
  for (const ch of s.normalize("NFD")) {
    for (const part of EXPANSIONS[ch] ?? ch) {
      chars.push(part);
      expanded.push(part !== ch);
    }
  }
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] as string;
    if (MARK.test(ch)) {
      const last = key.secondary.length - 1;
      if (last >= 0)
        key.secondary[last] = (key.secondary[last] as number) + (ch.codePointAt(0) as number) * 0x10;
      continue;
    }
    if (IGNORABLE.test(ch)) continue;
    if (c.ignorePunctuation && (SPACE.test(ch) || PUNCT.test(ch))) continue;
    if (c.numeric && DIGIT.test(ch)) {
      let j = i;
      const digits: number[] = [];
      while (j < chars.length && DIGIT.test(chars[j] as string))
        digits.push(digitValue(chars[j++] as string));
      while (digits.length > 1 && digits[0] === 0) digits.shift();
      key.primary.push(4 * GROUP, digits.length, ...digits);
      key.secondary.push(0);
      key.tertiary.push(0);
      i = j - 1;
      continue;
    }
    key.primary.push(primaryOf(ch));
    // ß after ss, æ after ae: an accent-level difference in ICU.
    key.secondary.push(expanded[i] ? 2 : 1);
    const upper = ch !== ch.toLowerCase();
    key.tertiary.push(upper === (c.caseFirst !== "upper") ? 1 : 0);
  }
  return key;
}

function compareArrays(a: number[], b: number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return (a[i] as number) < (b[i] as number) ? -1 : 1;
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

function compare(c: Config, x: unknown, y: unknown): number {
  const a = keyOf(String(x), c);
  const b = keyOf(String(y), c);
  const p = compareArrays(a.primary, b.primary);
  if (p !== 0 || c.sensitivity === "base") return p;
  if (c.sensitivity !== "case") {
    const s = compareArrays(a.secondary, b.secondary);
    if (s !== 0 || c.sensitivity === "accent") return s;
  }
  return compareArrays(a.tertiary, b.tertiary);
}

function readConfig(locales: unknown, options: unknown): Config {
  const o = toOptions(options);
  const usage = stringOption(o, "usage", ["sort", "search"] as const, "sort");
  const numeric = o.numeric === undefined ? false : Boolean(o.numeric);
  return {
    locale: resolveLocale(locales).tag,
    usage,
    sensitivity: stringOption(o, "sensitivity", ["base", "accent", "case", "variant"] as const, "variant"),
    numeric,
    caseFirst: stringOption(o, "caseFirst", ["upper", "lower", "false"] as const, "false"),
    ignorePunctuation: o.ignorePunctuation === undefined ? false : Boolean(o.ignorePunctuation),
  };
}

class Collator {
  #c: Config;
  #bound: ((x: unknown, y: unknown) => number) | undefined;

  constructor(locales?: unknown, options?: unknown) {
    this.#c = readConfig(locales, options);
  }

  get compare(): (x: unknown, y: unknown) => number {
    const c = this.#c;
    this.#bound ??= (x: unknown, y: unknown) => compare(c, x, y);
    return this.#bound;
  }

  resolvedOptions(): Record<string, unknown> {
    const c = this.#c;
    const out: Any = { ...c };
    out.collation = "default";
    return out;
  }
}

O.defineProperty(Collator.prototype, Symbol.toStringTag, { value: "Intl.Collator", configurable: true });

export const CollatorCtor = callableConstructor(Collator, "Collator");

export function localeCompare(a: string, b: unknown, locales: unknown, options: unknown): number {
  return compare(readConfig(locales, options), a, b);
}
