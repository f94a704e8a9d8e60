/**
 * Child side: short-lived sessions (grading) as fresh contexts in reused isolates.
 *
 * A grading session lives for two or three cells, so building an isolate for it (prelude
 * evaluated, ~7 ms of CPU) dominated grading. Here the evaluated prelude is baked into a V8
 * startup snapshot once per (prelude, memory limit); a session borrows an isolate made from it and
 * gets a new context, which V8 deserializes with the prelude's functions already evaluated (and
 * compiled: see WARM_UP). install then runs in that context as in any session, with the real
 * bridge and config, taking the installer off the global object before any cell runs.
 *
 * install must run after deserialization, not in the snapshot: V8 adds some globals to every new
 * context after deserializing it (WebAssembly, SharedArrayBuffer, Iterator, Error.stackTraceLimit,
 * newer built-in methods), so removals and the grading integrity baseline taken in the snapshot
 * would not hold. (A snapshot that already has Error.stackTraceLimit crashes V8 on deserialization:
 * the prelude must not set it at evaluation time.)
 *
 * Contexts are separate realms: nothing of one session is reachable from the next one's context
 * (V8 shares only immutable things such as bytecode and registered symbols between contexts of an
 * isolate). An isolate goes back to the pool only after a session that ended cleanly (no limit
 * hit, no run in flight), and is replaced after MAX_USES sessions so that its heap starts afresh.
 */
import ivm from "isolated-vm";
import {
  BridgeSlot,
  bridgeCallbacks,
  disposeIsolate,
  INSTALL_WRAPPER,
  type Installed,
  onCatastrophicError,
  PRELUDE_FILENAME,
  withMethods,
} from "./isolate.ts";
import { touchRecent } from "./mru.ts";

const INSTALL_GLOBAL = "__codeactInstall";
const INSTALLER_GLOBAL = "__codeactInstaller";
/** Snapshots kept (one per prelude and memory limit); the least recently used goes. */
const MAX_KINDS = 4;
/** Idle isolates kept per kind (a grading run keeps about its concurrency busy). */
const MAX_IDLE = 16;
/** After this long without a borrow, idle isolates (~6 MiB each) are given back down to KEEP_IDLE. */
const IDLE_TRIM_MS = 2_000;
const KEEP_IDLE = 2;
const MAX_USES = 200;
const ATTACH_TIMEOUT_MS = 2_000;

interface Pooled {
  isolate: ivm.Isolate;
  uses: number;
}

interface Kind {
  key: string;
  memoryLimitMb: number;
  /** undefined: this prelude cannot be snapshotted with this config (callers fall back). */
  snapshot: ivm.ExternalCopy<ArrayBuffer> | undefined;
  idle: Pooled[];
}

/** Runs after the prelude script (which left install on INSTALL_GLOBAL) inside the snapshot. */
const SETUP = `(() => {
const install = globalThis.${INSTALL_GLOBAL};
delete globalThis.${INSTALL_GLOBAL};
const installer = (function ($0) {${INSTALL_WRAPPER}})(install);
// After the wrapper took the real Date.now: harden puts the virtual clock in place, then freezes
// the built-ins (all but the few V8 extends per context) once, here, for every context.
if (typeof install.harden === "function") install.harden();
Object.defineProperty(globalThis, "${INSTALLER_GLOBAL}", { configurable: true, value: installer });
})();`;

/** Takes the installer off the global object (before any cell runs) and installs. */
const ATTACH = `const installer = globalThis.${INSTALLER_GLOBAL};
delete globalThis.${INSTALLER_GLOBAL};
return installer($0, $1, $2);`;

/**
 * Run in a throwaway context while the snapshot is made: V8 compiles functions on first call and
 * the snapshot keeps that bytecode, so cells in every context start with a compiled harness.
 */
const WARM_UP = `(() => {
const config = '{"seed":0,"realTime":false,"startTimeMs":0,"toolNames":["warmup"],"grading":true}';
const m = globalThis.${INSTALLER_GLOBAL}(() => 0, () => {}, config);
m[0](async () => {
  console.log("warm", 1, { a: [1, "b"] });
  assert.deepEqual([1, { b: 2 }], [1, { b: 2 }]);
  test("warm", () => { expect([1, 2]).toEqual([1, 2]); expect(1).toBe(1); });
  return { value: { n: 1, list: [1, 2], f() {} } };
}, '{"outputLimitBytes":4096,"filename":"warm-up.js"}');
m[1]();
m[3]();
})();`;

export class SnapshotPool {
  /** Most recently used last. */
  private kinds: Kind[] = [];
  private disposed = false;
  private lastBorrowMs = 0;
  private trimTimer: NodeJS.Timeout | undefined;

  /**
   * A fresh context with the prelude installed with `configJson`, in a pooled isolate; undefined
   * when this prelude and config cannot be snapshotted (the caller builds an isolate instead).
   */
  borrow(
    source: string,
    preludeKey: number,
    memoryLimitMb: number,
    configJson: string,
  ): Installed | undefined {
    if (this.disposed) return undefined;
    this.lastBorrowMs = performance.now();
    const kind = this.kind(source, preludeKey, memoryLimitMb);
    const snapshot = kind.snapshot;
    if (snapshot === undefined) return undefined;
    const pooled = kind.idle.pop() ?? {
      isolate: new ivm.Isolate({ memoryLimit: memoryLimitMb, snapshot, onCatastrophicError }),
      uses: 0,
    };
    pooled.uses++;
    try {
      return this.attach(kind, pooled, configJson);
    } catch (error) {
      disposeIsolate(pooled.isolate);
      throw error;
    }
  }

  get count(): number {
    return this.kinds.reduce((sum, kind) => sum + kind.idle.length, 0);
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.trimTimer);
    for (const kind of this.kinds) this.drop(kind);
    this.kinds = [];
  }

  private attach(kind: Kind, pooled: Pooled, configJson: string): Installed {
    const { isolate } = pooled;
    const context = isolate.createContextSync();
    const bridge = new BridgeSlot();
    let methods: ivm.Reference<ivm.Reference[]>;
    try {
      methods = context.evalClosureSync(ATTACH, [...bridgeCallbacks(bridge), configJson], {
        result: { reference: true },
        timeout: ATTACH_TIMEOUT_MS,
      }) as ivm.Reference<ivm.Reference[]>;
    } catch (error) {
      context.release();
      throw error;
    }
    return withMethods(isolate, context, methods, bridge, undefined, (reusable, methodRefs) => {
      // Handles into this context would keep it alive in a reused isolate. After an
      // out-of-memory ivm has disposed the isolate, and with it every handle.
      if (!isolate.isDisposed) {
        for (const ref of methodRefs) ref.release();
        context.release();
      }
      this.giveBack(kind, pooled, reusable);
    });
  }

  private giveBack(kind: Kind, pooled: Pooled, reusable: boolean): void {
    const keep =
      reusable &&
      !this.disposed &&
      !pooled.isolate.isDisposed &&
      pooled.uses < MAX_USES &&
      kind.idle.length < MAX_IDLE &&
      this.kinds.includes(kind);
    if (keep) {
      kind.idle.push(pooled);
      this.scheduleTrim(IDLE_TRIM_MS);
    } else disposeIsolate(pooled.isolate);
  }

  private scheduleTrim(ms: number): void {
    if (this.trimTimer !== undefined || this.disposed) return;
    this.trimTimer = setTimeout(() => this.trim(), ms);
    this.trimTimer.unref();
  }

  /** A pool that a burst of grading filled shrinks back once grading has stopped for a while. */
  private trim(): void {
    this.trimTimer = undefined;
    const idleMs = performance.now() - this.lastBorrowMs;
    if (idleMs < IDLE_TRIM_MS) {
      this.scheduleTrim(IDLE_TRIM_MS - idleMs);
      return;
    }
    for (const kind of this.kinds) {
      for (const pooled of kind.idle.splice(KEEP_IDLE)) disposeIsolate(pooled.isolate);
    }
  }

  private kind(source: string, preludeKey: number, memoryLimitMb: number): Kind {
    const key = `${preludeKey}\n${memoryLimitMb}`;
    return touchRecent(
      this.kinds,
      (k) => k.key === key,
      () => ({ key, memoryLimitMb, snapshot: makeSnapshot(source), idle: [] }),
      MAX_KINDS,
      (k) => this.drop(k),
    );
  }

  private drop(kind: Kind): void {
    for (const pooled of kind.idle.splice(0)) disposeIsolate(pooled.isolate);
  }
}

function makeSnapshot(source: string): ivm.ExternalCopy<ArrayBuffer> | undefined {
  try {
    return ivm.Isolate.createSnapshot(
      [
        // The engine contract makes the prelude one expression statement (its completion value).
        { code: `globalThis.${INSTALL_GLOBAL} = ${source}`, filename: PRELUDE_FILENAME },
        // Named as the prelude: the wrapper it compiles is on every cell's stack, an internal frame.
        { code: SETUP, filename: PRELUDE_FILENAME },
      ],
      WARM_UP,
    );
  } catch {
    // A prelude that is not one expression: sessions of this kind build their isolates as usual.
    return undefined;
  }
}
