/** jest.fn / jest.spyOn mock functions. */
import { A, type Any, apply, construct, O, PromiseCtor, TypeErrorCtor } from "../intrinsics.ts";

const MOCK = Symbol("mock");
const allMocks: Any[] = [];

export function isMock(v: unknown): boolean {
  return typeof v === "function" && (v as Any)[MOCK] === true;
}

interface MockState {
  impl: ((...a: Any[]) => Any) | undefined;
  once: Array<(...a: Any[]) => Any>;
  name: string;
  restore: (() => void) | undefined;
}

export function fn(implementation?: (...a: Any[]) => Any): Any {
  const state: MockState = { impl: implementation, once: [], name: "jest.fn()", restore: undefined };
  const mock: Any = function (this: unknown, ...args: Any[]): Any {
    A.push(mock.mock.calls, args);
    A.push(mock.mock.instances, this);
    mock.mock.lastCall = args;
    const f = state.once.length > 0 ? state.once.shift() : state.impl;
    const entry: Any = { type: "incomplete", value: undefined };
    A.push(mock.mock.results, entry);
    try {
      const value =
        f === undefined ? undefined : new.target ? construct(f, args, new.target) : apply(f, this, args);
      entry.type = "return";
      entry.value = value;
      return value;
    } catch (e) {
      entry.type = "throw";
      entry.value = e;
      throw e;
    }
  };
  const clear = () => {
    mock.mock = { calls: [], instances: [], results: [], contexts: [], lastCall: undefined };
  };
  clear();
  const self = (f: () => void) =>
    function (this: unknown) {
      f();
      return mock;
    };
  const methods: Record<string, unknown> = {
    [MOCK]: true,
    _isMockFunction: true,
    getMockName: () => state.name,
    mockName: (n: string) => self(() => (state.name = n))(),
    mockClear: self(clear),
    mockReset: self(() => {
      clear();
      state.impl = undefined;
      state.once = [];
    }),
    mockRestore: self(() => {
      clear();
      state.impl = undefined;
      state.once = [];
      state.restore?.();
    }),
    mockImplementation: (f: Any) => self(() => (state.impl = f))(),
    mockImplementationOnce: (f: Any) => self(() => A.push(state.once, f))(),
    mockReturnValue: (v: Any) => self(() => (state.impl = () => v))(),
    mockReturnValueOnce: (v: Any) => self(() => A.push(state.once, () => v))(),
    mockResolvedValue: (v: Any) => self(() => (state.impl = () => PromiseCtor.resolve(v)))(),
    mockResolvedValueOnce: (v: Any) => self(() => A.push(state.once, () => PromiseCtor.resolve(v)))(),
    mockRejectedValue: (v: Any) => self(() => (state.impl = () => PromiseCtor.reject(v)))(),
    mockRejectedValueOnce: (v: Any) => self(() => A.push(state.once, () => PromiseCtor.reject(v)))(),
    mockReturnThis: () =>
      self(
        () =>
          (state.impl = function (this: unknown) {
            return this;
          }),
      )(),
    getMockImplementation: () => state.impl,
    _setRestore: (r: () => void) => {
      state.restore = r;
    },
  };
  for (const k of O.getOwnPropertyNames(methods)) mock[k] = methods[k];
  mock[MOCK] = true;
  A.push(allMocks, mock);
  return mock;
}

export function spyOn(obj: Any, method: string): Any {
  if (obj === null || (typeof obj !== "object" && typeof obj !== "function")) {
    throw new TypeErrorCtor(`Cannot spyOn on a primitive value; ${typeof obj} given`);
  }
  const original = obj[method];
  if (typeof original !== "function") {
    throw new TypeErrorCtor(
      `Cannot spy on the ${String(method)} property because it is not a function; ${typeof original} given instead`,
    );
  }
  if (isMock(original)) return original;
  const own = O.hasOwn(obj, method);
  const spy = fn(function (this: unknown, ...args: Any[]) {
    return apply(original, this, args);
  });
  spy._setRestore(() => {
    if (own) obj[method] = original;
    else delete obj[method];
  });
  obj[method] = spy;
  return spy;
}

export function forEachMock(action: "mockClear" | "mockReset" | "mockRestore"): void {
  for (let i = 0; i < allMocks.length; i++) allMocks[i][action]();
}

export function resetMockRegistry(): void {
  allMocks.length = 0;
}
