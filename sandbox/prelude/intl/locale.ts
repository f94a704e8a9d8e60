/**
 * Locale data and option reading for the sandbox's small Intl (see intl.ts). The data is what
 * V8 with ICU (Node 22) produces for these four locales; every other locale falls back to en-US,
 * like an ICU build whose only data is en-US would.
 */
import { A, type Any, O } from "../intrinsics.ts";

export interface LocaleData {
  tag: string;
  decimal: string;
  group: string;
  /** Currency pattern, "¤" = symbol, "#" = number; `n` variant places the minus sign. */
  currency: string;
  currencyNegative: string;
  accounting: string;
  percent: string;
  /**
   * Date patterns: {y} year, {yy} 2-digit year, {M}/{MM} month number (padded), {d}/{dd} day,
   * {ML} month name as asked, {Ms} short month name, {W} weekday name. Unpadded tokens are padded
   * when the option is "2-digit".
   */
  dates: Record<
    | "numeric"
    | "monthYear"
    | "monthDay"
    | "text"
    | "textMonthYear"
    | "textMonthDay"
    | "weekday"
    | "short"
    | "medium",
    string
  >;
  hour12: boolean;
  dayPeriods: [string, string];
  months: string[];
  monthsShort: string[];
  weekdays: string[];
  weekdaysShort: string[];
  /** Symbols that differ from the global default symbol table. */
  symbols: Record<string, string>;
}

const NBSP = "\u00a0";
const EN_MONTHS = "January February March April May June July August September October November December";
const EN_DAYS = "Sunday Monday Tuesday Wednesday Thursday Friday Saturday";
const NL_MONTHS = "januari februari maart april mei juni juli augustus september oktober november december";
const NL_DAYS = "zondag maandag dinsdag woensdag donderdag vrijdag zaterdag";
const DE_MONTHS = "Januar Februar März April Mai Juni Juli August September Oktober November Dezember";
const DE_DAYS = "Sonntag Montag Dienstag Mittwoch Donnerstag Freitag Samstag";

const words = (s: string): string[] => s.split(" ");
const prefixes = (s: string, n: number): string[] => A.map(words(s), (w) => w.slice(0, n));

const EN: LocaleData = {
  tag: "en-US",
  decimal: ".",
  group: ",",
  currency: "¤#",
  currencyNegative: "-¤#",
  accounting: "(¤#)",
  percent: "#%",
  dates: {
    numeric: "{M}/{d}/{y}",
    monthYear: "{M}/{y}",
    monthDay: "{M}/{d}",
    text: "{ML} {d}, {y}",
    textMonthYear: "{ML} {y}",
    textMonthDay: "{ML} {d}",
    weekday: "{W}, ",
    short: "{M}/{d}/{yy}",
    medium: "{Ms} {d}, {y}",
  },
  hour12: true,
  dayPeriods: ["AM", "PM"],
  months: words(EN_MONTHS),
  monthsShort: prefixes(EN_MONTHS, 3),
  weekdays: words(EN_DAYS),
  weekdaysShort: prefixes(EN_DAYS, 3),
  symbols: {},
};

const LOCALES: LocaleData[] = [
  EN,
  {
    ...EN,
    tag: "en-GB",
    dates: {
      ...EN.dates,
      numeric: "{dd}/{MM}/{y}",
      monthYear: "{MM}/{y}",
      monthDay: "{dd}/{MM}",
      text: "{d} {ML} {y}",
      textMonthDay: "{d} {ML}",
      short: "{dd}/{MM}/{y}",
      medium: "{d} {Ms} {y}",
    },
    hour12: false,
    dayPeriods: ["am", "pm"],
    symbols: { USD: "US$", JPY: "JP¥" },
  },
  {
    ...EN,
    tag: "nl-NL",
    decimal: ",",
    group: ".",
    currency: `¤${NBSP}#`,
    currencyNegative: `¤${NBSP}-#`,
    accounting: `(¤${NBSP}#)`,
    dates: {
      numeric: "{d}-{M}-{y}",
      monthYear: "{M}-{y}",
      monthDay: "{d}-{M}",
      text: "{d} {ML} {y}",
      textMonthYear: "{ML} {y}",
      textMonthDay: "{d} {ML}",
      weekday: "{W} ",
      short: "{dd}-{MM}-{y}",
      medium: "{d} {Ms} {y}",
    },
    hour12: false,
    dayPeriods: ["a.m.", "p.m."],
    months: words(NL_MONTHS),
    monthsShort: words("jan feb mrt apr mei jun jul aug sep okt nov dec"),
    weekdays: words(NL_DAYS),
    weekdaysShort: prefixes(NL_DAYS, 2),
    symbols: { USD: "US$", JPY: "JP¥" },
  },
  {
    ...EN,
    tag: "de-DE",
    decimal: ",",
    group: ".",
    currency: `#${NBSP}¤`,
    currencyNegative: `-#${NBSP}¤`,
    accounting: `-#${NBSP}¤`,
    percent: `#${NBSP}%`,
    dates: {
      numeric: "{d}.{M}.{y}",
      monthYear: "{M}/{y}",
      monthDay: "{d}.{M}.",
      text: "{d}. {ML} {y}",
      textMonthYear: "{ML} {y}",
      textMonthDay: "{d}. {ML}",
      weekday: "{W}, ",
      short: "{dd}.{MM}.{yy}",
      medium: "{dd}.{MM}.{y}",
    },
    hour12: false,
    months: words(DE_MONTHS),
    monthsShort: A.map(words(DE_MONTHS), (m) => (m.length > 4 ? `${m.slice(0, 3)}.` : m)),
    weekdays: words(DE_DAYS),
    weekdaysShort: prefixes(DE_DAYS, 2),
    symbols: {},
  },
];

/** First requested locale whose language (or language-region) we have; else en-US. */
export function resolveLocale(locales: unknown): LocaleData {
  const list: unknown[] = locales === undefined ? [] : A.isArray(locales) ? locales : [locales];
  for (let i = 0; i < list.length; i++) {
    const raw = list[i];
    if (typeof raw !== "string" && (typeof raw !== "object" || raw === null))
      throw new TypeError("Language ID should be string or object.");
    const tag = String(raw).toLowerCase().replace(/_/g, "-");
    if (!/^[a-z]{2,8}(-[a-z0-9]{1,8})*$/.test(tag))
      throw new RangeError(`Incorrect locale information provided`);
    const exact = A.filter(LOCALES, (l) => tag.startsWith(l.tag.toLowerCase()));
    if (exact.length > 0) return exact[0] as LocaleData;
    const lang = tag.split("-")[0];
    const byLang = A.filter(LOCALES, (l) => l.tag.split("-")[0] === lang);
    if (byLang.length > 0) return byLang[0] as LocaleData;
  }
  return EN;
}

export function supportedLocalesOf(locales: unknown): string[] {
  const list: unknown[] = locales === undefined ? [] : A.isArray(locales) ? locales : [locales];
  const out: string[] = [];
  for (let i = 0; i < list.length; i++) {
    const tag = String(list[i]);
    const lang = tag.toLowerCase().split("-")[0];
    if (A.filter(LOCALES, (l) => l.tag.split("-")[0] === lang).length > 0) A.push(out, tag);
  }
  return out;
}

export function toOptions(options: unknown): Any {
  if (options === undefined) return O.create(null);
  if (options === null) throw new TypeError("Cannot convert undefined or null to object");
  return Object(options);
}

/** Reads a string option; throws RangeError on a value outside `allowed`, like V8. */
export function stringOption<T extends string>(
  options: Any,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T;
export function stringOption<T extends string>(
  options: Any,
  name: string,
  allowed: readonly T[],
  fallback: undefined,
): T | undefined;
export function stringOption<T extends string>(
  options: Any,
  name: string,
  allowed: readonly T[],
  fallback: T | undefined,
): T | undefined {
  const v = options[name];
  if (v === undefined) return fallback;
  const s = String(v) as T;
  if (A.indexOf(allowed as T[], s) === -1)
    throw new RangeError(`Value ${s} out of range for Intl options property ${name}`);
  return s;
}

export function numberOption(options: Any, name: string, min: number, max: number, fallback: number): number;
export function numberOption(
  options: Any,
  name: string,
  min: number,
  max: number,
  fallback: undefined,
): number | undefined;
export function numberOption(
  options: Any,
  name: string,
  min: number,
  max: number,
  fallback: number | undefined,
): number | undefined {
  const v = options[name];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (Number.isNaN(n) || n < min || n > max) throw new RangeError(`${name} value is out of range.`);
  return Math.floor(n);
}

/** Makes a class callable without `new` (Intl.NumberFormat(), Intl.Collator() work in V8). */
export function callableConstructor(Impl: Any, name: string): Any {
  // A declaration, not an arrow: it must stay constructible for `new Intl.NumberFormat()`.
  function Ctor(locales?: unknown, options?: unknown): Any {
    return new Impl(locales, options);
  }
  O.defineProperty(Ctor, "name", { value: name, configurable: true });
  O.defineProperty(Ctor, "prototype", { value: Impl.prototype, writable: false });
  O.defineProperty(Impl.prototype, "constructor", { value: Ctor, writable: true, configurable: true });
  O.defineProperty(Ctor, "supportedLocalesOf", {
    value: function supportedLocalesOfFn(locales: unknown): string[] {
      return supportedLocalesOf(locales);
    },
    writable: true,
    configurable: true,
  });
  return Ctor;
}
