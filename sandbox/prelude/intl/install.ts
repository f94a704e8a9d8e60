/**
 * A small, honest Intl for engines that have none (QuickJS). On an engine with Intl (V8) nothing
 * is installed. It exists so that programs written against Node's Intl (Exercism's reverse-string,
 * micro-blog and ledger, agents' formatting code) behave the same on both engines; its output for
 * the supported calls is checked against V8 in test/sandbox/prelude-intl.test.ts.
 *
 * Supported (everything else throws a RangeError that says "not supported in this sandbox"):
 * - Locales: en-US, en-GB, nl-NL, de-DE (by language: "en" -> en-US, "nl-BE" -> nl-NL); any other
 *   locale is formatted as en-US. resolvedOptions().locale says which one was used.
 * - Intl.NumberFormat / Number.prototype.toLocaleString: style decimal|percent|currency;
 *   currencyDisplay symbol|narrowSymbol|code (symbols for USD EUR GBP JPY INR CNY CAD AUD KRW, else
 *   the code); currencySign standard|accounting; minimum/maximumFractionDigits,
 *   minimum/maximumSignificantDigits, minimumIntegerDigits, useGrouping, signDisplay. Not:
 *   notation, unit style, currencyDisplay "name", formatToParts, rounding options.
 * - Intl.DateTimeFormat / Date.prototype.toLocaleDateString, toLocaleTimeString, toLocaleString:
 *   weekday, year, month (numeric|2-digit|long|short|narrow), day, hour, minute, second, hour12,
 *   hourCycle, dateStyle, timeStyle short|medium, timeZone UTC or the engine's local zone. Not:
 *   era, timeZoneName, fractionalSecondDigits, formatToParts, formatRange, other time zones.
 * - Intl.Collator / String.prototype.localeCompare: an approximation of ICU root collation
 *   (intl-collate.ts): case-insensitive and accent-insensitive first, then accents, then case.
 * - Intl.Segmenter: granularity grapheme (UAX #29 clusters: combining marks, ZWJ emoji sequences,
 *   variation selectors, flags, skin tones, Hangul) and an approximate word granularity.
 * - Intl.getCanonicalLocales, supportedLocalesOf on each constructor. Not: PluralRules,
 *   RelativeTimeFormat, ListFormat, DisplayNames, Locale.
 *
 * Installed by entry.ts before the grading integrity snapshot, so the replaced prototype methods
 * are part of the baseline rather than tampering.
 */

import { type Any, globalObject, O } from "../intrinsics.ts";
import { CollatorCtor, localeCompare } from "./collate.ts";
import { DateTimeFormatCtor, type Defaults, formatDate } from "./date.ts";
import { resolveLocale } from "./locale.ts";
import { formatNumber, NumberFormatCtor } from "./number.ts";
import { SegmenterCtor } from "./segment.ts";

function method(target: object, name: string, fn: (...args: Any[]) => unknown): void {
  O.defineProperty(fn, "name", { value: name, configurable: true });
  O.defineProperty(target, name, { value: fn, writable: true, enumerable: false, configurable: true });
}

function thisNumber(v: unknown): number {
  if (typeof v === "number") return v;
  if (v instanceof Number) return v.valueOf();
  throw new TypeError("Number.prototype.toLocaleString requires that 'this' be a Number");
}

function thisDate(v: unknown): Date {
  if (v instanceof Date) return v;
  throw new TypeError("this is not a Date object.");
}

function dateMethod(defaults: Defaults): (this: unknown, locales?: unknown, options?: unknown) => string {
  return function (this: unknown, locales?: unknown, options?: unknown): string {
    return formatDate(thisDate(this), locales, options, defaults);
  };
}

function replaceBuiltins(): void {
  method(Number.prototype, "toLocaleString", function (this: unknown, locales?: unknown, options?: unknown) {
    return formatNumber(locales, options, thisNumber(this));
  });
  method(Date.prototype, "toLocaleDateString", dateMethod("date"));
  method(Date.prototype, "toLocaleTimeString", dateMethod("time"));
  method(Date.prototype, "toLocaleString", dateMethod("all"));
  method(
    String.prototype,
    "localeCompare",
    function (this: unknown, that: unknown, locales?: unknown, options?: unknown) {
      if (this === null || this === undefined)
        throw new TypeError("String.prototype.localeCompare called on null or undefined");
      return localeCompare(String(this), that, locales, options);
    },
  );
}

function makeIntl(): Any {
  const intl: Any = {};
  const members: Record<string, unknown> = {
    Collator: CollatorCtor,
    DateTimeFormat: DateTimeFormatCtor,
    NumberFormat: NumberFormatCtor,
    Segmenter: SegmenterCtor,
    getCanonicalLocales(locales?: unknown): string[] {
      const list: unknown[] = locales === undefined ? [] : Array.isArray(locales) ? locales : [locales];
      return list.map((l) => {
        resolveLocale(l);
        const parts = String(l).split(/[-_]/);
        return parts
          .map((p, i) => (i === 0 ? p.toLowerCase() : p.length === 2 ? p.toUpperCase() : p))
          .join("-");
      });
    },
  };
  for (const name of O.keys(members)) {
    O.defineProperty(intl, name, {
      value: members[name],
      writable: true,
      enumerable: false,
      configurable: true,
    });
  }
  O.defineProperty(intl, Symbol.toStringTag, { value: "Intl", configurable: true });
  return intl;
}

/** Installs Intl and the locale-sensitive built-ins, only where the engine has no Intl. */
export function installIntl(): void {
  if (typeof globalObject.Intl !== "undefined") return;
  O.defineProperty(globalObject, "Intl", {
    value: makeIntl(),
    writable: true,
    enumerable: false,
    configurable: true,
  });
  replaceBuiltins();
}
