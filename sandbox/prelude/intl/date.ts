/**
 * Intl.DateTimeFormat for the sandbox's small Intl (see intl.ts): year/month/day/weekday and
 * hour/minute/second fields, hour12, dateStyle/timeStyle short|medium (dateStyle also long|full),
 * timeZone UTC or the engine's local zone. Field combinations outside the locale's pattern table
 * are approximated from the nearest pattern.
 */

import { type Any, O } from "../intrinsics.ts";
import { callableConstructor, type LocaleData, resolveLocale, stringOption, toOptions } from "./locale.ts";

type Width = "numeric" | "2-digit";
type Text = "long" | "short" | "narrow";

interface Config {
  locale: LocaleData;
  utc: boolean;
  weekday: Text | undefined;
  year: Width | undefined;
  month: Width | Text | undefined;
  day: Width | undefined;
  hour: Width | undefined;
  minute: Width | undefined;
  second: Width | undefined;
  hour12: boolean;
  dateStyle: "full" | "long" | "medium" | "short" | undefined;
  timeStyle: "medium" | "short" | undefined;
}

/** Which fields a format gets when none is asked for (Date.prototype.toLocale{Date,Time,}String). */
export type Defaults = "date" | "time" | "all";

const WIDTHS = ["numeric", "2-digit"] as const;
const TEXTS = ["long", "short", "narrow"] as const;
const UTC_NAMES = ["UTC", "ETC/UTC", "GMT", "ETC/GMT"];

function unsupported(what: string): never {
  throw new RangeError(`Intl.DateTimeFormat: ${what} is not supported in this sandbox`);
}

function readTimeZone(o: Any): boolean {
  if (o.timeZone === undefined) return false;
  const tz = String(o.timeZone).toUpperCase();
  if (UTC_NAMES.indexOf(tz) !== -1) return true;
  return unsupported(`timeZone "${String(o.timeZone)}" (only UTC and the local zone)`);
}

function readConfig(locales: unknown, options: unknown, defaults: Defaults): Config {
  const o = toOptions(options);
  const locale = resolveLocale(locales);
  const c: Config = {
    locale,
    utc: readTimeZone(o),
    weekday: stringOption(o, "weekday", TEXTS, undefined),
    year: stringOption(o, "year", WIDTHS, undefined),
    month: stringOption(o, "month", [...WIDTHS, ...TEXTS] as const, undefined),
    day: stringOption(o, "day", WIDTHS, undefined),
    hour: stringOption(o, "hour", WIDTHS, undefined),
    minute: stringOption(o, "minute", WIDTHS, undefined),
    second: stringOption(o, "second", WIDTHS, undefined),
    hour12: o.hour12 === undefined ? locale.hour12 : Boolean(o.hour12),
    dateStyle: stringOption(o, "dateStyle", ["full", "long", "medium", "short"] as const, undefined),
    timeStyle: stringOption(o, "timeStyle", ["full", "long", "medium", "short"] as const, undefined) as Any,
  };
  if (o.hourCycle !== undefined && o.hour12 === undefined) c.hour12 = /^h1[12]$/.test(String(o.hourCycle));
  if (c.timeStyle === ("long" as string) || c.timeStyle === ("full" as string))
    unsupported("timeStyle long/full");
  const styled = c.dateStyle !== undefined || c.timeStyle !== undefined;
  const hasDate = c.weekday || c.year || c.month || c.day;
  const hasTime = c.hour || c.minute || c.second;
  if (styled && (hasDate || hasTime))
    throw new TypeError("Can't set option dateStyle/timeStyle with other date-time fields");
  if (!styled && !hasDate && !hasTime) {
    if (defaults !== "time") c.year = c.month = c.day = "numeric";
    if (defaults !== "date") {
      c.hour = c.hour12 ? "numeric" : "2-digit";
      c.minute = c.second = "2-digit";
    }
  }
  return c;
}

interface Fields {
  y: number;
  M: number;
  d: number;
  w: number;
  h: number;
  m: number;
  s: number;
}

function fieldsOf(date: Any, utc: boolean): Fields {
  return utc
    ? {
        y: date.getUTCFullYear(),
        M: date.getUTCMonth(),
        d: date.getUTCDate(),
        w: date.getUTCDay(),
        h: date.getUTCHours(),
        m: date.getUTCMinutes(),
        s: date.getUTCSeconds(),
      }
    : {
        y: date.getFullYear(),
        M: date.getMonth(),
        d: date.getDate(),
        w: date.getDay(),
        h: date.getHours(),
        m: date.getMinutes(),
        s: date.getSeconds(),
      };
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

function fillDate(pattern: string, c: Config, f: Fields): string {
  const L = c.locale;
  const names = c.month === "short" ? L.monthsShort : L.months;
  const tokens: Record<string, string> = {
    y: c.year === "2-digit" ? pad2(f.y % 100) : String(f.y),
    yy: pad2(f.y % 100),
    M: c.month === "2-digit" ? pad2(f.M + 1) : String(f.M + 1),
    MM: pad2(f.M + 1),
    d: c.day === "2-digit" ? pad2(f.d) : String(f.d),
    dd: pad2(f.d),
    ML: c.month === "narrow" ? (L.months[f.M] as string).slice(0, 1) : (names[f.M] as string),
    Ms: L.monthsShort[f.M] as string,
    W: (c.weekday === "long" ? L.weekdays[f.w] : L.weekdaysShort[f.w]) as string,
  };
  return pattern.replace(/\{(\w+)\}/g, (_m, t: string) => tokens[t] ?? "");
}

function datePattern(c: Config): string | undefined {
  const D = c.locale.dates;
  if (c.dateStyle === "short" || c.dateStyle === "medium") return D[c.dateStyle];
  if (c.dateStyle !== undefined) {
    c.month = "long";
    if (c.dateStyle === "full") c.weekday = "long";
    return (c.weekday ? D.weekday : "") + D.text;
  }
  const text = c.month === "long" || c.month === "short" || c.month === "narrow";
  let core: string | undefined;
  if (c.month && c.day && c.year) core = text ? D.text : D.numeric;
  else if (c.month && c.year) core = text ? D.textMonthYear : D.monthYear;
  else if (c.month && c.day) core = text ? D.textMonthDay : D.monthDay;
  else if (c.month) core = text ? "{ML}" : "{M}";
  else if (c.year) core = "{y}";
  else if (c.day) core = "{d}";
  if (!c.weekday) return core;
  return core === undefined ? "{W}" : D.weekday + core;
}

function formatTime(c: Config, f: Fields): string | undefined {
  if (c.timeStyle !== undefined) {
    c.hour = c.hour12 ? "numeric" : "2-digit";
    c.minute = "2-digit";
    if (c.timeStyle === "medium") c.second = "2-digit";
  }
  if (!c.hour && !c.minute && !c.second) return undefined;
  const h = c.hour12 ? f.h % 12 || 12 : f.h;
  let out = c.hour ? (c.hour === "2-digit" ? pad2(h) : String(h)) : "";
  if (c.minute) out += (out ? ":" : "") + pad2(f.m);
  if (c.second) out += (out ? ":" : "") + pad2(f.s);
  return c.hour12 && c.hour ? `${out} ${c.locale.dayPeriods[f.h < 12 ? 0 : 1]}` : out;
}

function format(config: Config, value: unknown): string {
  const date =
    value === undefined ? new Date() : new Date(value instanceof Date ? value.getTime() : Number(value));
  if (Number.isNaN(date.getTime())) throw new RangeError("Invalid time value");
  const c: Config = { ...config };
  const f = fieldsOf(date, c.utc);
  const pattern = datePattern(c);
  const datePart = pattern === undefined ? undefined : fillDate(pattern, c, f);
  const timePart = formatTime(c, f);
  if (datePart !== undefined && timePart !== undefined) return `${datePart}, ${timePart}`;
  return datePart ?? timePart ?? "";
}

class DateTimeFormat {
  #c: Config;
  #bound: ((d?: unknown) => string) | undefined;

  constructor(locales?: unknown, options?: unknown, defaults: Defaults = "date") {
    this.#c = readConfig(locales, options, defaults);
  }

  get format(): (d?: unknown) => string {
    const c = this.#c;
    this.#bound ??= (d?: unknown) => format(c, d);
    return this.#bound;
  }

  resolvedOptions(): Record<string, unknown> {
    const c = this.#c;
    const out: Any = { locale: c.locale.tag, calendar: "gregory", numberingSystem: "latn" };
    out.timeZone = c.utc || new Date(0).getTimezoneOffset() === 0 ? "UTC" : undefined;
    for (const k of [
      "hour12",
      "weekday",
      "year",
      "month",
      "day",
      "hour",
      "minute",
      "second",
      "dateStyle",
      "timeStyle",
    ]) {
      const v = (c as Any)[k];
      if (v !== undefined && (k !== "hour12" || c.hour)) out[k] = v;
    }
    return out;
  }
}

O.defineProperty(DateTimeFormat.prototype, Symbol.toStringTag, {
  value: "Intl.DateTimeFormat",
  configurable: true,
});

export const DateTimeFormatCtor = callableConstructor(DateTimeFormat, "DateTimeFormat");

/** Date.prototype.toLocale{Date,Time,}String: "Invalid Date" instead of throwing, like V8. */
export function formatDate(date: Any, locales: unknown, options: unknown, defaults: Defaults): string {
  if (Number.isNaN(date.getTime())) return "Invalid Date";
  return format(readConfig(locales, options, defaults), date);
}
