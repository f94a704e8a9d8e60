/**
 * Intl.NumberFormat for the sandbox's small Intl (see intl.ts): decimal, percent and currency
 * styles, fraction and significant digits, grouping, signDisplay; rounding is ICU's default
 * (half away from zero on the shortest decimal form of the number, so 1.005 -> "1.01").
 */

import { A, type Any } from "../intrinsics.ts";
import {
  callableConstructor,
  type LocaleData,
  numberOption,
  resolveLocale,
  stringOption,
  toOptions,
} from "./locale.ts";

const SYMBOLS: Record<string, string> = {
  USD: "$",
  EUR: "€",
  GBP: "£",
  JPY: "¥",
  INR: "₹",
  CNY: "CN¥",
  CAD: "CA$",
  AUD: "A$",
  KRW: "₩",
};
const NARROW: Record<string, string> = { CNY: "¥", CAD: "$", AUD: "$" };
const ZERO_DIGIT_CURRENCIES = ["JPY", "KRW", "CLP", "ISK", "VND"];

interface Config {
  locale: LocaleData;
  style: "decimal" | "percent" | "currency";
  currency: string | undefined;
  currencyDisplay: "symbol" | "narrowSymbol" | "code";
  currencySign: "standard" | "accounting";
  minInt: number;
  minFrac: number;
  maxFrac: number;
  minSig: number | undefined;
  maxSig: number | undefined;
  grouping: boolean;
  signDisplay: "auto" | "never" | "always" | "exceptZero" | "negative";
}

function unsupported(what: string): never {
  throw new RangeError(`Intl.NumberFormat: ${what} is not supported in this sandbox`);
}

function readConfig(locales: unknown, options: unknown): Config {
  const o = toOptions(options);
  const locale = resolveLocale(locales);
  const style = stringOption(o, "style", ["decimal", "percent", "currency"] as const, "decimal");
  const currencyRaw = o.currency === undefined ? undefined : String(o.currency);
  if (currencyRaw !== undefined && !/^[A-Za-z]{3}$/.test(currencyRaw))
    throw new RangeError(`Invalid currency code : ${currencyRaw}`);
  const currency = currencyRaw?.toUpperCase();
  if (style === "currency" && currency === undefined)
    throw new TypeError("Currency code is required with currency style.");
  const display = stringOption(
    o,
    "currencyDisplay",
    ["symbol", "narrowSymbol", "code", "name"] as const,
    "symbol",
  );
  if (display === "name") unsupported('currencyDisplay "name"');
  if (
    stringOption(o, "notation", ["standard", "scientific", "engineering", "compact"] as const, "standard") !==
    "standard"
  )
    unsupported(`notation "${String(o.notation)}"`);
  if (o.unit !== undefined || style === ("unit" as string)) unsupported("style unit");
  const cDigits = currency !== undefined && A.indexOf(ZERO_DIGIT_CURRENCIES, currency) !== -1 ? 0 : 2;
  const defMin = style === "currency" ? cDigits : 0;
  const defMax = style === "currency" ? cDigits : style === "percent" ? 0 : 3;
  const minFrac = numberOption(o, "minimumFractionDigits", 0, 100, undefined);
  const maxFrac = numberOption(o, "maximumFractionDigits", 0, 100, undefined);
  const min = minFrac ?? (maxFrac !== undefined ? Math.min(defMin, maxFrac) : defMin);
  const max = maxFrac ?? Math.max(min, defMax);
  if (min > max) throw new RangeError("maximumFractionDigits value is out of range.");
  const maxSig = numberOption(o, "maximumSignificantDigits", 1, 21, undefined);
  const minSig = numberOption(o, "minimumSignificantDigits", 1, 21, undefined);
  const g = o.useGrouping;
  return {
    locale,
    style,
    currency: style === "currency" ? currency : undefined,
    currencyDisplay: display,
    currencySign: stringOption(o, "currencySign", ["standard", "accounting"] as const, "standard"),
    minInt: numberOption(o, "minimumIntegerDigits", 1, 21, 1),
    minFrac: min,
    maxFrac: max,
    minSig: minSig ?? (maxSig !== undefined ? 1 : undefined),
    maxSig: maxSig ?? (minSig !== undefined ? 21 : undefined),
    grouping: !(g === false || g === "false"),
    signDisplay: stringOption(
      o,
      "signDisplay",
      ["auto", "never", "always", "exceptZero", "negative"] as const,
      "auto",
    ),
  };
}

/** The shortest decimal form of |x| as digits and the position of the point (value = 0.d1d2... * 10^point). */
function decimalDigits(abs: number | bigint): { digits: number[]; point: number } {
  const text = String(abs);
  const e = text.indexOf("e");
  const mantissa = e === -1 ? text : text.slice(0, e);
  const exponent = e === -1 ? 0 : Number(text.slice(e + 1));
  const dot = mantissa.indexOf(".");
  const intPart = dot === -1 ? mantissa : mantissa.slice(0, dot);
  const all = intPart + (dot === -1 ? "" : mantissa.slice(dot + 1));
  let point = intPart.length + exponent;
  let start = 0;
  while (start < all.length - 1 && all[start] === "0") {
    start++;
    point--;
  }
  const digits = A.map(all.slice(start).split(""), Number);
  while (digits.length > 0 && digits[digits.length - 1] === 0) digits.pop();
  return digits.length === 0 ? { digits: [], point: 0 } : { digits, point };
}

/** Keeps `cut` leading digits, rounding half away from zero. */
function roundAt(digits: number[], point: number, cut: number): { digits: number[]; point: number } {
  if (cut >= digits.length) return { digits, point };
  if (cut < 0) return { digits: [], point: 0 };
  const kept = digits.slice(0, cut);
  if ((digits[cut] as number) >= 5) {
    let i = kept.length - 1;
    while (i >= 0 && kept[i] === 9) kept[i--] = 0;
    if (i >= 0) kept[i] = (kept[i] as number) + 1;
    else {
      kept.unshift(1);
      point++;
    }
  }
  while (kept.length > 0 && kept[kept.length - 1] === 0) kept.pop();
  return kept.length === 0 ? { digits: [], point: 0 } : { digits: kept, point };
}

function group(int: string, sep: string): string {
  let out = "";
  for (let i = int.length; i > 0; i -= 3) out = (i > 3 ? sep : "") + int.slice(Math.max(0, i - 3), i) + out;
  return out;
}

/** The unsigned number text (no sign, no symbol). */
function formatAbs(c: Config, abs: number | bigint): string {
  if (typeof abs === "number" && !Number.isFinite(abs)) return "∞";
  let { digits, point } = decimalDigits(abs);
  if (c.style === "percent" && digits.length > 0) point += 2;
  let minFrac = c.minFrac;
  if (c.maxSig !== undefined) {
    ({ digits, point } = roundAt(digits, point, c.maxSig));
    minFrac = Math.max(0, (c.minSig ?? 1) - (digits.length === 0 ? 1 : point));
  } else ({ digits, point } = roundAt(digits, point, point + c.maxFrac));
  let int = "";
  for (let i = 0; i < point; i++) int += i < digits.length ? digits[i] : "0";
  int = int.padStart(c.minInt, "0");
  let frac = "";
  // Index < 0 is a zero between the point and the first digit.
  for (let i = point; i < digits.length; i++) frac += i < 0 ? "0" : String(digits[i]);
  frac = frac.padEnd(minFrac, "0");
  const grouped = c.grouping ? group(int, c.locale.group) : int;
  return frac.length > 0 ? grouped + c.locale.decimal + frac : grouped;
}

function currencySymbol(c: Config): string {
  const code = c.currency as string;
  if (c.currencyDisplay === "code") return code;
  if (c.currencyDisplay === "narrowSymbol") return NARROW[code] ?? SYMBOLS[code] ?? code;
  return c.locale.symbols[code] ?? SYMBOLS[code] ?? code;
}

/** Fills a pattern; a letter symbol touching the number gets a no-break space, as ICU does. */
function fill(pattern: string, symbol: string, number: string): string {
  const at = pattern.indexOf("¤");
  const num = pattern.indexOf("#");
  let sym = symbol;
  const digit = /^[0-9]/.test(number);
  if (digit && at + 1 === num && /\p{L}$/u.test(symbol)) sym = `${symbol}\u00a0`;
  if (digit && num + 1 === at && /^\p{L}/u.test(symbol)) sym = `\u00a0${symbol}`;
  return pattern.replace("¤", sym).replace("#", number);
}

function format(c: Config, value: unknown): string {
  const x = typeof value === "bigint" ? value : Number(value);
  const negative = typeof x === "bigint" ? x < 0n : x < 0 || Object.is(x, -0);
  const abs = typeof x === "bigint" ? (negative ? -x : x) : Math.abs(x);
  const text = typeof abs === "number" && Number.isNaN(abs) ? "NaN" : formatAbs(c, abs);
  const isZero = !/[1-9∞]/.test(text); // NaN signs like zero: only "always" gives "+NaN"
  const sd = c.signDisplay;
  const minus =
    negative && (sd === "auto" || sd === "always" || ((sd === "exceptZero" || sd === "negative") && !isZero));
  const plus = !negative && (sd === "always" || (sd === "exceptZero" && !isZero));
  const L = c.locale;
  if (c.style === "currency") {
    if (minus && c.currencySign === "accounting") return fill(L.accounting, currencySymbol(c), text);
    const signed = minus ? L.currencyNegative : plus ? L.currencyNegative.replace("-", "+") : L.currency;
    return fill(signed, currencySymbol(c), text);
  }
  const body = c.style === "percent" ? L.percent.replace("#", text) : text;
  return (minus ? "-" : plus ? "+" : "") + body;
}

class NumberFormat {
  #c: Config;
  #bound: ((x: unknown) => string) | undefined;

  constructor(locales?: unknown, options?: unknown) {
    this.#c = readConfig(locales, options);
  }

  get format(): (x: unknown) => string {
    const c = this.#c;
    this.#bound ??= (x: unknown) => format(c, x);
    return this.#bound;
  }

  resolvedOptions(): Record<string, unknown> {
    const c = this.#c;
    const out: Any = { locale: c.locale.tag, numberingSystem: "latn", style: c.style };
    if (c.currency !== undefined) {
      out.currency = c.currency;
      out.currencyDisplay = c.currencyDisplay;
      out.currencySign = c.currencySign;
    }
    out.minimumIntegerDigits = c.minInt;
    if (c.maxSig === undefined) {
      out.minimumFractionDigits = c.minFrac;
      out.maximumFractionDigits = c.maxFrac;
    } else {
      out.minimumSignificantDigits = c.minSig;
      out.maximumSignificantDigits = c.maxSig;
    }
    out.useGrouping = c.grouping ? "auto" : false;
    out.notation = "standard";
    out.signDisplay = c.signDisplay;
    return out;
  }
}

Object.defineProperty(NumberFormat.prototype, Symbol.toStringTag, {
  value: "Intl.NumberFormat",
  configurable: true,
});

export const NumberFormatCtor = callableConstructor(NumberFormat, "NumberFormat");

export function formatNumber(locales: unknown, options: unknown, x: unknown): string {
  return format(readConfig(locales, options), x);
}
