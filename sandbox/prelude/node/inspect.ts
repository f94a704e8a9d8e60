/**
 * A compact re-implementation of Node's util.inspect (default options: depth 2, breakLength 80,
 * compact 3, maxArrayLength 100) so REPL values and console output look like Node's in both engines.
 * It reads properties through descriptors (getters are shown as [Getter], never run) and catches
 * everything an agent object (or Proxy) can throw.
 */

import { isAsymmetric } from "../equals.ts";
import {
  A,
  type Any,
  dateGetTime,
  dateToISO,
  descriptorValue,
  drain,
  fnToString,
  isError,
  M,
  mapEntries,
  mapSize,
  N,
  O,
  RE,
  S,
  SymbolToStringTag,
  safeGet,
  setSize,
  setValues,
  symbolToString,
} from "../intrinsics.ts";
import { cleanStack } from "../stack.ts";

interface Ctx {
  seen: Any[];
  circular: Map<Any, number>;
  indentationLvl: number;
  currentDepth: number;
  depth: number;
  breakLength: number;
}

const KEY_RE = /^[a-zA-Z_][a-zA-Z_0-9]*$/;
const META: Record<string, string> = {
  "\n": "\\n",
  "\t": "\\t",
  "\r": "\\r",
  "\b": "\\b",
  "\f": "\\f",
  "\v": "\\v",
};

export function quote(str: string): string {
  let q = "'";
  if (S.includes(str, "'")) {
    if (!S.includes(str, '"')) q = '"';
    else if (!S.includes(str, "`") && !S.includes(str, "${")) q = "`";
  }
  let out = "";
  for (let i = 0; i < str.length; i++) {
    const ch = str[i] as string;
    const code = S.charCodeAt(str, i);
    if (ch === q || ch === "\\") out += `\\${ch}`;
    else if (META[ch] !== undefined) out += META[ch];
    else if (code < 0x20 || code === 0x7f) out += `\\x${S.padStart(code.toString(16).toUpperCase(), 2, "0")}`;
    else out += ch;
  }
  return q + out + q;
}

export function inspect(value: unknown, opts?: { depth?: number }): string {
  const ctx: Ctx = {
    seen: [],
    circular: new Map(),
    indentationLvl: 0,
    currentDepth: 0,
    depth: opts?.depth ?? 2,
    breakLength: 80,
  };
  try {
    return formatValue(ctx, value, 0, true);
  } catch {
    return "[object: inspection failed]";
  }
}

function formatPrimitive(ctx: Ctx, v: Any, top: boolean): string {
  switch (typeof v) {
    case "string": {
      const limit = ctx.breakLength - ctx.indentationLvl - 4;
      if (!top && v.length > 16 && v.length > limit && S.includes(v, "\n")) {
        const lines = S.split(v, /(?<=\n)/);
        const indent = S.repeat(" ", ctx.indentationLvl);
        return A.join(A.map(lines, quote), ` +\n${indent}  `);
      }
      return quote(v);
    }
    case "number":
      return O.is(v, -0) ? "-0" : `${v}`;
    case "bigint":
      return `${v}n`;
    case "symbol":
      return symbolToString(v);
    default:
      return `${v}`;
  }
}

function formatValue(ctx: Ctx, v: Any, recurseTimes: number, top = false): string {
  if (v === null || (typeof v !== "object" && typeof v !== "function")) return formatPrimitive(ctx, v, top);
  if (A.indexOf(ctx.seen, v) !== -1) {
    let index = ctx.circular.get(v);
    if (index === undefined) {
      index = ctx.circular.size + 1;
      ctx.circular.set(v, index);
    }
    return `[Circular *${index}]`;
  }
  let out: string;
  try {
    out = formatRaw(ctx, v, recurseTimes);
  } catch {
    out = "[object: inspection failed]";
  }
  const index = ctx.circular.get(v);
  if (index !== undefined) out = `<ref *${index}> ${out}`;
  return out;
}

/** Name of the first constructor on the prototype chain, as Node does (null for null-prototype objects). */
function constructorName(v: Any): string | null {
  let obj = v;
  for (let i = 0; obj !== null && i < 1000; i++) {
    const ctor = safeGet(obj, "constructor");
    if (typeof ctor === "function" && ctor.name !== "") {
      const proto = O.getOwnPropertyDescriptor(ctor, "prototype");
      if (proto && proto.value === obj) return S.String(ctor.name);
    }
    obj = O.getPrototypeOf(obj);
  }
  return null;
}

function ownEnumerableKeys(v: Any): PropertyKey[] {
  const keys: PropertyKey[] = O.keys(v);
  const syms = O.getOwnPropertySymbols(v);
  for (let i = 0; i < syms.length; i++) if (O.isEnumerable(v, syms[i] as symbol)) A.push(keys, syms[i]);
  return keys;
}

function prefix(name: string | null, tag: string, fallback: string, size = ""): string {
  if (name === null) return `[${fallback}${size}: null prototype] `;
  const t = tag !== "" && tag !== name ? ` [${tag}]` : "";
  return `${name}${size}${t} `;
}

function formatRaw(ctx: Ctx, v: Any, recurseTimes: number): string {
  const asymmetric = asymmetricText(v);
  if (asymmetric !== undefined) return asymmetric;
  const name = constructorName(v);
  let tag = "";
  try {
    const t = v[SymbolToStringTag];
    if (typeof t === "string" && !O.isEnumerable(v, SymbolToStringTag)) tag = t;
  } catch {}
  let keys = ownEnumerableKeys(v);
  let braces: [string, string] = ["{", "}"];
  let base = "";
  let isArrayLike = false;
  let formatter: (ctx: Ctx, v: Any, depth: number) => string[] = () => [];
  const kind = O.toString(v);
  if (A.isArray(v)) {
    isArrayLike = true;
    const p = name === "Array" ? "" : prefix(name, tag, "Array", `(${v.length})`);
    keys = A.filter(keys, (k) => typeof k !== "string" || !isIndex(k));
    braces = [`${p}[`, "]"];
    formatter = formatArray;
  } else if (typeof v === "function") {
    base = functionBase(v, name);
    if (keys.length === 0) return base;
  } else if (kind === "[object Map]" && tryCall(() => mapSize(v))) {
    braces = [`${prefix(name, tag, "Map", `(${mapSize(v)})`)}{`, "}"];
    formatter = formatMap;
  } else if (kind === "[object Set]" && tryCall(() => setSize(v))) {
    braces = [`${prefix(name, tag, "Set", `(${setSize(v)})`)}{`, "}"];
    formatter = formatSet;
  } else if (kind === "[object Date]") {
    const t = dateGetTime(v);
    base = N.isNaN(t) ? "Invalid Date" : dateToISO(v);
    if (keys.length === 0) return base;
  } else if (kind === "[object RegExp]") {
    base = `/${RE.sourceOf(v)}/${RE.flagsOf(v)}`;
    if (keys.length === 0) return base;
  } else if (isError(v)) {
    base = formatError(v);
    keys = A.filter(keys, (k) => k !== "stack" && k !== "message");
    if (keys.length === 0) return base;
  } else if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    isArrayLike = true;
    keys = A.filter(keys, (k) => typeof k !== "string" || !isIndex(k));
    braces = [`${prefix(name, tag, "TypedArray", `(${(v as Any).length})`)}[`, "]"];
    formatter = formatArray;
  } else if (kind === "[object Promise]") {
    braces = [`${prefix(name, tag, "Promise")}{`, "}"];
  } else if (kind === "[object WeakMap]" || kind === "[object WeakSet]") {
    return `${prefix(name, tag, "Object")}{ <items unknown> }`;
  } else if (typeof v === "object" && boxed(v) !== undefined) {
    base = boxed(v) as string;
    if (kind === "[object String]") keys = A.filter(keys, (k) => typeof k !== "string" || !isIndex(k));
    if (keys.length === 0) return base;
  } else {
    if (name === "Object" && tag === "") braces[0] = "{";
    else braces[0] = `${prefix(name, tag, "Object")}{`;
    if (keys.length === 0) return isArrayLike ? `${braces[0]}]` : `${braces[0]}}`;
  }
  if (recurseTimes > ctx.depth) {
    return A.isArray(v) ? "[Array]" : `[${name === null ? "Object: null prototype" : name}]`;
  }
  A.push(ctx.seen, v);
  ctx.currentDepth = recurseTimes;
  const output = formatter(ctx, v, recurseTimes);
  for (let i = 0; i < keys.length; i++) {
    A.push(output, formatProperty(ctx, v, recurseTimes, keys[i] as PropertyKey, false));
  }
  A.pop(ctx.seen);
  return reduceToSingleString(ctx, output, base, braces, isArrayLike, recurseTimes, v);
}

/** expect.any(...) and friends print as Jest names them (ObjectContaining {...}), not as objects. */
function asymmetricText(v: Any): string | undefined {
  try {
    if (!isAsymmetric(v)) return undefined;
    const text = v.toAsymmetricMatcher();
    return typeof text === "string" ? text : undefined;
  } catch {
    return undefined;
  }
}

function tryCall(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch {
    return false;
  }
}

function isIndex(k: string): boolean {
  return RE.test(/^(0|[1-9][0-9]*)$/, k);
}

function boxed(v: Any): string | undefined {
  const kind = O.toString(v);
  try {
    if (kind === "[object Number]")
      return `[Number: ${formatPrimitive(emptyCtx, Number.prototype.valueOf.call(v), true)}]`;
    if (kind === "[object String]") return `[String: ${quote(String.prototype.valueOf.call(v))}]`;
    if (kind === "[object Boolean]") return `[Boolean: ${Boolean.prototype.valueOf.call(v)}]`;
    if (kind === "[object Symbol]") return `[Symbol: ${symbolToString(Symbol.prototype.valueOf.call(v))}]`;
    if (kind === "[object BigInt]") return `[BigInt: ${BigInt.prototype.valueOf.call(v)}n]`;
  } catch {}
  return undefined;
}

const emptyCtx: Ctx = {
  seen: [],
  circular: new Map(),
  indentationLvl: 0,
  currentDepth: 0,
  depth: 2,
  breakLength: 80,
};

function functionBase(fn: Any, ctorName: string | null): string {
  let src = "";
  try {
    src = fnToString(fn);
  } catch {}
  const nameDesc = O.getOwnPropertyDescriptor(fn, "name");
  const fname = nameDesc && typeof nameDesc.value === "string" ? nameDesc.value : "";
  if (S.startsWith(src, "class") && RE.test(/^class\b/, src)) {
    const m = RE.exec(/^class\b[^{]*?\bextends\s+([\w$.]+)/, src);
    const ext = m ? ` extends ${m[1]}` : "";
    return `[class ${fname === "" ? "(anonymous)" : fname}${ext}]`;
  }
  let type = "Function";
  if (
    ctorName === "AsyncFunction" ||
    ctorName === "GeneratorFunction" ||
    ctorName === "AsyncGeneratorFunction"
  ) {
    type = ctorName;
  }
  const base = fname === "" ? `[${type} (anonymous)]` : `[${type}: ${fname}]`;
  return ctorName === null ? `[${type} (null prototype)${fname === "" ? "" : `: ${fname}`}]` : base;
}

function formatError(err: Any): string {
  let name = "Error";
  let message = "";
  let stack: unknown;
  try {
    name = S.String(err.name);
    message = S.String(err.message);
    stack = O.getOwnPropertyDescriptor(err, "stack")?.value ?? err.stack;
  } catch {}
  const head = message === "" ? name : `${name}: ${message}`;
  let frames = typeof stack === "string" ? cleanStack(stack) : "";
  // QuickJS stacks hold only the frames; V8 stacks start with "Name: message".
  const firstAt = S.indexOf(frames, "    at ");
  frames = firstAt === -1 ? "" : S.slice(frames, firstAt);
  if (frames === "") return `[${head}]`;
  return `${head}\n${frames}`.replace(/\n+$/, "");
}

function formatArray(ctx: Ctx, v: Any, recurseTimes: number): string[] {
  const out: string[] = [];
  const len = v.length as number;
  const max = M.min(len, 100);
  let holes = 0;
  for (let i = 0; i < max; i++) {
    if (!O.hasOwn(v, i)) {
      holes++;
      continue;
    }
    if (holes > 0) {
      A.push(out, `<${holes} empty item${holes > 1 ? "s" : ""}>`);
      holes = 0;
    }
    A.push(out, formatProperty(ctx, v, recurseTimes, i, true));
  }
  if (holes > 0) A.push(out, `<${holes} empty item${holes > 1 ? "s" : ""}>`);
  if (len > max) A.push(out, `... ${len - max} more item${len - max > 1 ? "s" : ""}`);
  return out;
}

function formatMap(ctx: Ctx, v: Any, recurseTimes: number): string[] {
  const out: string[] = [];
  ctx.indentationLvl += 2;
  const entries = drain(mapEntries(v));
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    A.push(out, `${formatValue(ctx, e[0], recurseTimes + 1)} => ${formatValue(ctx, e[1], recurseTimes + 1)}`);
  }
  ctx.indentationLvl -= 2;
  return out;
}

function formatSet(ctx: Ctx, v: Any, recurseTimes: number): string[] {
  const out: string[] = [];
  ctx.indentationLvl += 2;
  const values = drain(setValues(v));
  for (let i = 0; i < values.length; i++) A.push(out, formatValue(ctx, values[i], recurseTimes + 1));
  ctx.indentationLvl -= 2;
  return out;
}

function formatKey(key: PropertyKey): string {
  if (typeof key === "symbol") return `[${symbolToString(key)}]`;
  const k = S.String(key);
  return RE.test(KEY_RE, k) ? k : quote(k);
}

function formatProperty(
  ctx: Ctx,
  v: Any,
  recurseTimes: number,
  key: PropertyKey,
  arrayItem: boolean,
): string {
  const desc = O.getOwnPropertyDescriptor(v, key);
  let str: string;
  const tamed = desc !== undefined && !("value" in desc) && descriptorValue(desc) !== undefined;
  if (desc === undefined) str = "undefined";
  else if ("value" in desc || tamed) {
    ctx.indentationLvl += 2;
    str = formatValue(ctx, descriptorValue(desc), recurseTimes + 1);
    ctx.indentationLvl -= 2;
  } else if (desc.get !== undefined) str = desc.set !== undefined ? "[Getter/Setter]" : "[Getter]";
  else str = desc.set !== undefined ? "[Setter]" : "undefined";
  return arrayItem ? str : `${formatKey(key)}: ${str}`;
}

function isBelowBreakLength(ctx: Ctx, output: string[], start: number, base: string): boolean {
  let total = output.length + start;
  if (total + output.length > ctx.breakLength) return false;
  for (let i = 0; i < output.length; i++) {
    total += (output[i] as string).length;
    if (total > ctx.breakLength) return false;
  }
  return base === "" || !S.includes(base, "\n");
}

function reduceToSingleString(
  ctx: Ctx,
  input: string[],
  base: string,
  braces: [string, string],
  isArrayLike: boolean,
  recurseTimes: number,
  value: Any,
): string {
  let output = input;
  const entries = output.length;
  if (isArrayLike && entries > 6) output = groupArrayElements(ctx, output, value);
  if (ctx.currentDepth - recurseTimes < 3 && entries === output.length) {
    const start = output.length + ctx.indentationLvl + braces[0].length + base.length + 10;
    if (isBelowBreakLength(ctx, output, start, base)) {
      const joined = A.join(output, ", ");
      if (!S.includes(joined, "\n")) {
        if (entries === 0) return `${base ? `${base} ` : ""}${braces[0]}${braces[1]}`;
        return `${base ? `${base} ` : ""}${braces[0]} ${joined} ${braces[1]}`;
      }
    }
  }
  const ind = `\n${S.repeat(" ", ctx.indentationLvl)}`;
  return `${base ? `${base} ` : ""}${braces[0]}${ind}  ${A.join(output, `,${ind}  `)}${ind}${braces[1]}`;
}

/** Node's column layout for arrays of more than six short entries. */
function groupArrayElements(ctx: Ctx, output: string[], value: Any): string[] {
  let totalLength = 0;
  let maxLength = 0;
  let outputLength = output.length;
  if (outputLength > 0 && S.startsWith(output[outputLength - 1] as string, "... ")) outputLength--;
  const sep = 2;
  const dataLen: number[] = [];
  for (let i = 0; i < outputLength; i++) {
    const len = (output[i] as string).length;
    dataLen[i] = len;
    totalLength += len + sep;
    if (maxLength < len) maxLength = len;
  }
  const actualMax = maxLength + sep;
  if (
    actualMax * 3 + ctx.indentationLvl >= ctx.breakLength ||
    !(totalLength / actualMax > 5 || maxLength <= 6)
  ) {
    return output;
  }
  const averageBias = Math.sqrt(actualMax - totalLength / output.length);
  const biasedMax = M.max(actualMax - 3 - averageBias, 1);
  const columns = M.min(
    M.round(Math.sqrt(2.5 * biasedMax * outputLength) / biasedMax),
    M.floor((ctx.breakLength - ctx.indentationLvl) / actualMax),
    12,
    15,
  );
  if (columns <= 1) return output;
  const maxLineLength: number[] = [];
  for (let i = 0; i < columns; i++) {
    let lineLength = 0;
    for (let j = i; j < outputLength; j += columns)
      if ((dataLen[j] as number) > lineLength) lineLength = dataLen[j] as number;
    A.push(maxLineLength, lineLength + sep);
  }
  let padStart = true;
  if (value !== undefined) {
    for (let i = 0; i < outputLength; i++) {
      const t = typeof O.getOwnPropertyDescriptor(value, i)?.value;
      if (t !== "number" && t !== "bigint") {
        padStart = false;
        break;
      }
    }
  }
  const tmp: string[] = [];
  for (let i = 0; i < outputLength; i += columns) {
    const max = M.min(i + columns, outputLength);
    let str = "";
    let j = i;
    for (; j < max - 1; j++) {
      const cell = `${output[j]}, `;
      const w = maxLineLength[j - i] as number;
      str += padStart ? S.padStart(cell, w, " ") : S.padEnd(cell, w, " ");
    }
    str += padStart
      ? S.padStart(output[j] as string, (maxLineLength[j - i] as number) - sep, " ")
      : output[j];
    A.push(tmp, str);
  }
  if (outputLength < output.length) A.push(tmp, output[outputLength]);
  return tmp;
}
