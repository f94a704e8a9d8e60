/**
 * The lockdown every session runs under, before any agent code: what the agent's cells see is what
 * grading sees. Prevention, not detection: a check that runs after the program cannot see a patch
 * that lives only for the length of one assertion, so nothing shared may be patched at all.
 *
 * - Every object reachable from the global object's bindings (constructors, prototypes, their
 *   methods and accessors, and the hidden intrinsics such as %IteratorPrototype%, reached through
 *   objects made here) is frozen, SES-style. The global object itself stays extensible (cells
 *   declare their names on it) but every binding present at lockdown is read-only and cannot be
 *   deleted or redefined, so `JSON = fake` cannot re-point a name the tests look up, not even
 *   for one microtask.
 * - Override taming: on a frozen prototype, a data property such as `toString` would make
 *   `obj.toString = f` on an ordinary object throw (or do nothing, in sloppy code): the "override
 *   mistake". The usual names are turned into accessors whose setter defines the property on the
 *   object assigned to, so ordinary code (`this.name = "MyError"`, `Foo.prototype.toString = f`)
 *   works as in Node.
 *
 * `mutable` names (console, and the harness outside grading) keep their objects unfrozen and their
 * bindings writable.
 */
import {
  A,
  type Any,
  apply,
  globalObject,
  O,
  ownKeys,
  registerTamedGetter,
  TypeErrorCtor,
} from "./intrinsics.ts";

/**
 * Names whose data properties are turned into accessors on every frozen prototype: those ordinary
 * code assigns on its own objects. Deliberately not `constructor`, `next`, `then`, `exec`,
 * `Symbol.iterator` and the collection methods: V8 keeps fast paths (for-of, spread, species,
 * promises, regular expressions) only while those stay plain data properties of the built-in
 * prototypes, and every for-of loop would get several times slower.
 */
const TAMED: PropertyKey[] = [
  "toString",
  "toLocaleString",
  "valueOf",
  "toJSON",
  "name",
  "message",
  "stack",
  "cause",
  Symbol.toStringTag,
];

/** Prototypes whose every data property is tamed: no fast path depends on them. */
const TAME_ALL = [Object.prototype, Function.prototype, Error.prototype];

function isObject(v: unknown): v is object {
  return v !== null && (typeof v === "object" || typeof v === "function");
}

/** Turns a data property of a prototype into a getter/setter pair (SES's enablePropertyOverrides). */
function tame(proto: Any, key: PropertyKey): void {
  const desc = O.getOwnPropertyDescriptor(proto, key);
  if (desc === undefined || !("value" in desc) || !desc.configurable) return;
  const value = desc.value;
  const getter = {
    get [key]() {
      return value;
    },
  };
  const setter = {
    set [key](next: unknown) {
      // Sloppy-mode assignment to a primitive's property is ignored, as in Node.
      if (!isObject(this)) return;
      if (this === proto) throw new TypeErrorCtor(`Cannot assign to read only property '${String(key)}'`);
      if (O.hasOwn(this, key)) (this as Any)[key] = next;
      else O.defineProperty(this, key, { value: next, writable: true, enumerable: true, configurable: true });
    },
  };
  const get = O.getOwnPropertyDescriptor(getter, key)?.get as Any;
  registerTamedGetter(get, value);
  const accessor: Any = {
    get,
    set: O.getOwnPropertyDescriptor(setter, key)?.set,
    enumerable: desc.enumerable === true,
    configurable: false,
  };
  O.defineProperty(proto, key, accessor);
}

/** Tames each prototype not frozen yet and not in `except`. */
function tamePrototypes(protos: Any[], except: Any[]): void {
  for (let i = 0; i < protos.length; i++) {
    const p = protos[i];
    if (A.indexOf(except, p) === -1 && !O.isFrozen(p))
      tamePrototype(p, A.indexOf(TAME_ALL, p) !== -1 || isErrorPrototype(p));
  }
}

/** A prototype object: tame the names ordinary code assigns on instances. */
function tamePrototype(proto: Any, all: boolean): void {
  const keys = all ? ownKeys(proto) : TAMED;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as PropertyKey;
    if (key === "__proto__") continue;
    tame(proto, key);
  }
}

function isErrorPrototype(p: Any): boolean {
  return O.getPrototypeOf(p) === Error.prototype;
}

/** Objects only reachable through values made at run time (iterators, generators, async functions). */
function hiddenIntrinsics(): Any[] {
  const out: Any[] = [];
  const proto = O.getPrototypeOf;
  A.push(out, proto([][Symbol.iterator]()));
  A.push(out, proto(""[Symbol.iterator]()));
  A.push(out, proto(new Map()[Symbol.iterator]()));
  A.push(out, proto(new Set()[Symbol.iterator]()));
  A.push(out, proto(/a/[Symbol.matchAll]("a")));
  A.push(
    out,
    proto(async () => {}),
  );
  A.push(
    out,
    proto(function* () {}),
  );
  A.push(
    out,
    proto(async function* () {}),
  );
  A.push(out, proto(proto((function* () {})())));
  A.push(out, proto(proto((async function* () {})())));
  try {
    // %ThrowTypeError%: the accessor behind strict functions' caller/arguments.
    A.push(out, O.getOwnPropertyDescriptor(Function.prototype, "caller")?.get);
  } catch {}
  const segmenter = (globalObject as Any).Intl?.Segmenter;
  if (typeof segmenter === "function") {
    try {
      const segments = new segmenter("en").segment("a");
      A.push(out, proto(segments));
      A.push(out, proto(segments[Symbol.iterator]()));
    } catch {}
  }
  return out;
}

/** Is `v` the `prototype` of some constructor (or one of the hidden prototypes)? */
function prototypesOf(roots: Any[]): Any[] {
  const out: Any[] = [];
  for (let i = 0; i < roots.length; i++) {
    const v = roots[i];
    if (typeof v !== "function") continue;
    const d = O.getOwnPropertyDescriptor(v, "prototype");
    if (d !== undefined && "value" in d && isObject(d.value)) A.push(out, d.value);
  }
  return out;
}

/**
 * Objects hardened by hardenIntrinsics (in a V8 startup snapshot): lockdown does not walk them
 * again, since everything they reach was hardened with them.
 */
const hardened = new WeakSet<object>();
const weakHas = WeakSet.prototype.has;
const weakAdd = WeakSet.prototype.add;

/**
 * The objects V8 extends in every new context made from a snapshot (late built-ins such as
 * Set.prototype.union, Iterator helpers, Error.captureStackTrace): frozen in the snapshot, V8
 * aborts when it adds them. They are locked down at install instead, with whatever V8 added.
 */
function lateObjects(): Any[] {
  return [
    globalObject,
    Object,
    Array,
    Error,
    JSON,
    Map,
    RegExp.prototype,
    Set.prototype,
    O.getPrototypeOf(O.getPrototypeOf([][Symbol.iterator]())),
  ];
}

/**
 * Freezes (and tames) everything reachable from the globals and `extra` but the late objects;
 * see `hardened`.
 */
export function hardenIntrinsics(extra: readonly unknown[] = []): void {
  guardGlobalDefinesOnQuickJs();
  const late = lateObjects();
  const roots = A.concat(globalRoots([]), hiddenIntrinsics(), extra) as Any[];
  tamePrototypes(prototypesOf(roots), late);
  freezeAll(roots, (v) => {
    if (A.indexOf(late, v) !== -1) return "walk";
    apply(weakAdd, hardened, [v]);
    return "freeze";
  });
  realmHardened = true;
}

/** hardenIntrinsics ran in this realm: the hidden intrinsics are frozen already. */
let realmHardened = false;

/** The values of the global bindings (their accessors for accessor bindings), `mutable` names excepted. */
function globalRoots(mutable: readonly string[]): Any[] {
  const names = ownKeys(globalObject);
  const roots: Any[] = [];
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as PropertyKey;
    if (typeof name === "string" && A.indexOf(mutable as string[], name) !== -1) continue;
    const d = O.getOwnPropertyDescriptor(globalObject, name);
    if (d === undefined) continue;
    if ("value" in d) {
      if (isObject(d.value) && d.value !== globalObject) A.push(roots, d.value);
    } else {
      if (d.get) A.push(roots, d.get);
      if (d.set) A.push(roots, d.set);
    }
  }
  return roots;
}

/**
 * Freezes everything reachable from the global object's bindings except the `mutable` names,
 * tames the override mistake on prototypes, and makes those bindings read-only.
 */
export function lockdown(mutable: readonly string[]): void {
  guardGlobalDefinesOnQuickJs();
  const roots = globalRoots(mutable);
  // Making the hidden intrinsics means making iterators, generators and a Segmenter: skipped
  // when the realm was hardened (they are frozen, and reached from nothing new).
  const hidden = realmHardened ? [] : hiddenIntrinsics();
  tamePrototypes(A.concat(prototypesOf(roots), hidden) as Any[], []);
  // The late objects are roots of their own: the hardened objects that lead to them are not walked.
  const all = A.concat(roots, hidden, lateObjects(), [O.getPrototypeOf(globalObject)]) as Any[];
  freezeAll(all, (v) => (apply(weakHas, hardened, [v]) === true ? "skip" : "freeze"));
  lockBindings(mutable);
}

/**
 * Freezes every object reachable from `roots` through properties, accessors and prototypes, as
 * `visit` says: "freeze" it and walk on, only "walk" on (a late object), or "skip" it (hardened).
 */
function freezeAll(roots: Any[], visit: (v: Any) => "freeze" | "walk" | "skip"): void {
  // Plain index writes and reads, not captured methods: this walk runs ~1,000 objects and QuickJS
  // pays for every call (the prelude's own array, whose prototype the walk itself freezes).
  const stack: Any[] = A.slice(roots);
  const seen = new WeakSet<object>();
  while (stack.length > 0) {
    const v = stack[stack.length - 1];
    stack.length--;
    if (!isObject(v) || v === globalObject || apply(weakHas, seen, [v])) continue;
    apply(weakAdd, seen, [v]);
    const action = visit(v);
    if (action === "skip") continue;
    if (action === "freeze" && !O.isFrozen(v)) O.freeze(v);
    const proto = O.getPrototypeOf(v);
    if (proto !== null) stack[stack.length] = proto;
    const descs: Any = getDescriptors(v);
    const keys = ownKeys(descs);
    for (let i = 0; i < keys.length; i++) {
      const d: Any = descs[keys[i] as PropertyKey];
      const value = d.value;
      if (isObject(value)) stack[stack.length] = value;
      else if (!("value" in d)) {
        if (d.get !== undefined) stack[stack.length] = d.get;
        if (d.set !== undefined) stack[stack.length] = d.set;
      }
    }
  }
}

const getDescriptors = Object.getOwnPropertyDescriptors;
/** Makes each global binding present now read-only and permanent (the `mutable` names excepted). */
function lockBindings(mutable: readonly string[]): void {
  const names = ownKeys(globalObject);
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as PropertyKey;
    if (typeof name === "string" && A.indexOf(mutable as string[], name) !== -1) continue;
    const d = O.getOwnPropertyDescriptor(globalObject, name);
    if (d === undefined || !d.configurable) continue;
    if ("value" in d) O.defineProperty(globalObject, name, { writable: false, configurable: false });
    else O.defineProperty(globalObject, name, { configurable: false });
  }
}

/**
 * QuickJS lets [[DefineOwnProperty]] change the value of a non-configurable, non-writable
 * property of the global object (`Object.defineProperty(globalThis, "JSON", { value: fake })`
 * succeeds; on any other object it throws, as the language requires). So on QuickJS the ways to
 * define a property are wrapped, before they are frozen, to apply the language's rule to the
 * global object themselves. V8 keeps its own, which are right.
 */
let guarded = false;

function guardGlobalDefinesOnQuickJs(): void {
  if (guarded || typeof (Error as Any).captureStackTrace === "function") return;
  guarded = true;
  const define = Object.defineProperty;
  const defineAll = Object.defineProperties;
  const reflectDefine = Reflect.defineProperty;
  const proto = Object.prototype as Any;
  const defineGetter = proto.__defineGetter__;
  const defineSetter = proto.__defineSetter__;
  const check = (target: unknown, key: PropertyKey, desc: Any): void => {
    if (target !== globalObject || !isObject(desc)) return;
    const current = O.getOwnPropertyDescriptor(globalObject, key);
    if (current !== undefined && !current.configurable && !compatible(current, desc))
      throw new TypeErrorCtor(`Cannot redefine property: ${String(key)}`);
  };
  const replacements: Any = {
    defineProperty(target: Any, key: PropertyKey, desc: Any) {
      check(target, key, desc);
      return apply(define, Object, [target, key, desc]);
    },
    defineProperties(target: Any, descs: Any) {
      if (target === globalObject && isObject(descs)) {
        const keys = ownKeys(descs);
        for (let i = 0; i < keys.length; i++)
          check(target, keys[i] as PropertyKey, (descs as Any)[keys[i] as PropertyKey]);
      }
      return apply(defineAll, Object, [target, descs]);
    },
    reflectDefine(target: Any, key: PropertyKey, desc: Any) {
      try {
        check(target, key, desc);
      } catch {
        return false;
      }
      return apply(reflectDefine, Reflect, [target, key, desc]);
    },
    __defineGetter__(this: Any, key: PropertyKey, get: Any) {
      check(this, key, { get, enumerable: true, configurable: true });
      return apply(defineGetter, this, [key, get]);
    },
    __defineSetter__(this: Any, key: PropertyKey, set: Any) {
      check(this, key, { set, enumerable: true, configurable: true });
      return apply(defineSetter, this, [key, set]);
    },
  };
  const put = (obj: Any, key: string, value: Any) =>
    O.defineProperty(obj, key, { value, writable: true, enumerable: false, configurable: true });
  put(Object, "defineProperty", replacements.defineProperty);
  put(Object, "defineProperties", replacements.defineProperties);
  put(Reflect, "defineProperty", replacements.reflectDefine);
  if (typeof defineGetter === "function") put(proto, "__defineGetter__", replacements.__defineGetter__);
  if (typeof defineSetter === "function") put(proto, "__defineSetter__", replacements.__defineSetter__);
}

/** ValidateAndApplyPropertyDescriptor's rule for a non-configurable current property. */
function compatible(current: PropertyDescriptor, desc: Any): boolean {
  if (desc.configurable === true) return false;
  if ("enumerable" in desc && !!desc.enumerable !== current.enumerable) return false;
  const isAccessor = "get" in desc || "set" in desc;
  const isData = "value" in desc || "writable" in desc;
  if (!isAccessor && !isData) return true;
  if ("value" in current) {
    if (isAccessor) return false;
    if (current.writable) return true;
    if (desc.writable === true) return false;
    return !("value" in desc) || O.is(desc.value, current.value);
  }
  if (isData) return false;
  return (!("get" in desc) || desc.get === current.get) && (!("set" in desc) || desc.set === current.set);
}
