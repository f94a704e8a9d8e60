/**
 * Grading integrity: a snapshot of the own property descriptors (and prototype, extensibility) of
 * the intrinsics and harness objects, taken at install; check() lists what changed since.
 */
import { A, type Any, globalObject, O, ownKeys, symbolToString } from "./intrinsics.ts";

interface Entry {
  label: string;
  target: Any;
  keys: PropertyKey[];
  descs: Any[];
  proto: Any;
  extensible: boolean;
}

const INTRINSICS = [
  "Object",
  "Function",
  "Array",
  "String",
  "Number",
  "Boolean",
  "Symbol",
  "Promise",
  "JSON",
  "Math",
  "Reflect",
  "Map",
  "Set",
  "WeakMap",
  "WeakSet",
  "RegExp",
  "Date",
  "BigInt",
  "Proxy",
  "Error",
  "TypeError",
  "RangeError",
  "SyntaxError",
  "ReferenceError",
  "EvalError",
  "URIError",
  "AggregateError",
  "ArrayBuffer",
  "Uint8Array",
  "Int32Array",
  "Float64Array",
  "parseInt",
  "parseFloat",
  "isNaN",
  "isFinite",
];

function hiddenPrototypes(): Array<[string, Any]> {
  const arrayIter = O.getPrototypeOf([][Symbol.iterator]());
  const gen = O.getPrototypeOf(function* () {});
  return [
    ["%ArrayIteratorPrototype%", arrayIter],
    ["%IteratorPrototype%", O.getPrototypeOf(arrayIter)],
    ["%StringIteratorPrototype%", O.getPrototypeOf(""[Symbol.iterator]())],
    ["%MapIteratorPrototype%", O.getPrototypeOf(new Map()[Symbol.iterator]())],
    ["%SetIteratorPrototype%", O.getPrototypeOf(new Set()[Symbol.iterator]())],
    ["%AsyncFunction.prototype%", O.getPrototypeOf(async () => {})],
    ["%GeneratorFunction.prototype%", gen],
    ["%GeneratorPrototype%", gen.prototype],
    ["%TypedArray%", O.getPrototypeOf(Uint8Array)],
    ["%TypedArray.prototype%", O.getPrototypeOf(Uint8Array.prototype)],
  ];
}

function take(label: string, target: Any): Entry {
  const keys = ownKeys(target);
  const descs: Any[] = [];
  for (let i = 0; i < keys.length; i++)
    A.push(descs, O.getOwnPropertyDescriptor(target, keys[i] as PropertyKey));
  return { label, target, keys, descs, proto: O.getPrototypeOf(target), extensible: O.isExtensible(target) };
}

function keyName(k: PropertyKey): string {
  return typeof k === "symbol" ? `[${symbolToString(k)}]` : String(k);
}

function sameDesc(a: Any, b: Any): boolean {
  if (a === undefined || b === undefined) return a === b;
  return (
    O.is(a.value, b.value) &&
    a.get === b.get &&
    a.set === b.set &&
    a.writable === b.writable &&
    a.enumerable === b.enumerable &&
    a.configurable === b.configurable
  );
}

/** Whether two own-key lists are the same keys in the same order (the common, untouched case). */
function sameKeys(a: PropertyKey[], b: PropertyKey[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Reads each property once, and looks for added keys only when the key list changed: checked
 * after every test, this walk over ~850 properties (~620 of builtins, ~180 of the frozen harness,
 * the global bindings) is most of what grading costs per test.
 */
function diff(e: Entry, out: string[]): void {
  const target = e.target;
  if (O.getPrototypeOf(target) !== e.proto) A.push(out, `${e.label} (prototype)`);
  if (O.isExtensible(target) !== e.extensible) A.push(out, `${e.label} (extensibility)`);
  const keys = e.keys;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as PropertyKey;
    if (!sameDesc(e.descs[i], O.getOwnPropertyDescriptor(target, k))) A.push(out, `${e.label}.${keyName(k)}`);
  }
  const now = ownKeys(target);
  if (sameKeys(now, keys)) return;
  for (let i = 0; i < now.length; i++) {
    const k = now[i] as PropertyKey;
    if (A.indexOf(keys, k) === -1) A.push(out, `${e.label}.${keyName(k)} (added)`);
  }
}

export interface Integrity {
  check(): string[];
}

/** Snapshots intrinsics, the global bindings of their names and of `harnessNames`, and `objects`. */
export function snapshotIntegrity(harnessNames: string[], objects: Array<[string, Any]>): Integrity {
  const entries: Entry[] = [];
  const globals: Array<[string, Any]> = [];
  const names = A.concat(INTRINSICS, harnessNames) as string[];
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    const desc = O.getOwnPropertyDescriptor(globalObject, name);
    A.push(globals, [name, desc]);
    const v = desc?.value;
    if (v === null || (typeof v !== "object" && typeof v !== "function")) continue;
    A.push(entries, take(name, v));
    const proto = O.getOwnPropertyDescriptor(v, "prototype")?.value;
    if (proto !== null && typeof proto === "object") A.push(entries, take(`${name}.prototype`, proto));
  }
  const extra = A.concat(hiddenPrototypes(), objects) as Array<[string, Any]>;
  for (let i = 0; i < extra.length; i++) {
    const pair = extra[i] as [string, Any];
    A.push(entries, take(pair[0], pair[1]));
  }
  return {
    check(): string[] {
      const out: string[] = [];
      for (let i = 0; i < globals.length; i++) {
        const g = globals[i] as [string, Any];
        if (!sameDesc(g[1], O.getOwnPropertyDescriptor(globalObject, g[0])))
          A.push(out, `globalThis.${g[0]}`);
      }
      for (let i = 0; i < entries.length; i++) diff(entries[i] as Entry, out);
      return out;
    },
  };
}
