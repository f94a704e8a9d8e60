/**
 * Determinism: a seeded Math.random (sfc32, seeded through splitmix32, so a seed gives the same
 * sequence in every engine) and a virtual clock behind Date, Date.now and performance.now. The
 * clock starts at config.startTimeMs and moves only when a virtual timer fires, plus 1 µs per
 * reading so busy-wait loops on the clock still end.
 */
import { type Any, apply, construct, globalObject, O } from "../intrinsics.ts";

const TICK_MS = 0.001;
const RealDate = Date;
const realNow = Date.now;

export const clock = { virtual: true, nowMs: 0, originMs: 0 };

export function advanceTo(ms: number): void {
  if (ms > clock.nowMs) clock.nowMs = ms;
}

/** Current time in epoch ms (fractional), moving the virtual clock by one tick. */
export function readClock(): number {
  if (!clock.virtual) return apply(realNow, RealDate, []);
  clock.nowMs += TICK_MS;
  return clock.nowMs;
}

function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  const splitmix = (): number => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  return function random(): number {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

function makeDate(): Any {
  const proto = RealDate.prototype;
  const toStr = proto.toString;
  // biome-ignore lint/suspicious/noShadowRestrictedNames: the replacement must be named Date, like the original
  function Date(this: unknown, ...args: unknown[]): Any {
    if (new.target === undefined) return apply(toStr, construct(RealDate, [readClock()]), []);
    const target = new.target as Any;
    if (args.length === 0) return construct(RealDate, [Math.floor(readClock())], target);
    return construct(RealDate, args, target);
  }
  O.defineProperty(Date, "prototype", {
    value: proto,
    writable: false,
    enumerable: false,
    configurable: false,
  });
  O.defineProperty(Date, "length", { value: 7, configurable: true });
  const statics: Record<string, unknown> = {
    now: function now(): number {
      return Math.floor(readClock());
    },
    parse: RealDate.parse,
    UTC: RealDate.UTC,
  };
  for (const key of O.keys(statics)) {
    O.defineProperty(Date, key, {
      value: statics[key],
      writable: true,
      enumerable: false,
      configurable: true,
    });
  }
  O.defineProperty(proto, "constructor", {
    value: Date,
    writable: true,
    enumerable: false,
    configurable: true,
  });
  return Date;
}

let seeded: () => number = seededRandom(0);

/**
 * Puts Math.random, Date and performance in place: functions that read the state configureClock
 * sets, so this part does not depend on a session's config and can run once per realm, in a V8
 * startup snapshot before the built-ins are frozen (see lockdown.ts).
 */
export function prepareClock(): void {
  const math = {
    random(): number {
      return seeded();
    },
  };
  O.defineProperty(Math, "random", {
    value: math.random,
    writable: true,
    enumerable: false,
    configurable: true,
  });
  O.defineProperty(globalObject, "Date", {
    value: makeDate(),
    writable: true,
    enumerable: false,
    configurable: true,
  });
  const performance = {
    get timeOrigin(): number {
      return clock.originMs;
    },
    now(): number {
      return readClock() - clock.originMs;
    },
  };
  O.defineProperty(globalObject, "performance", {
    value: O.freeze(performance),
    writable: true,
    enumerable: false,
    configurable: true,
  });
}

/** A session's seed and clock (virtual from startTimeMs, or real). */
export function configureClock(config: { seed: number; realTime: boolean; startTimeMs: number }): void {
  clock.virtual = !config.realTime;
  clock.nowMs = config.startTimeMs;
  clock.originMs = config.realTime ? apply(realNow, RealDate, []) : config.startTimeMs;
  seeded = seededRandom(config.seed);
}
