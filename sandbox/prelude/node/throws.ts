/** How assert.throws / assert.rejects check the thrown value against `error` (Node's rules). */
import { nodeDeepEqual } from "../equals.ts";
import { A, type Any, apply, ErrorCtor, O, RE, S } from "../intrinsics.ts";
import { inspect } from "./inspect.ts";

/** true when it matches; otherwise a description of the mismatch. */
export function matchesThrown(thrown: Any, error: Any): true | string {
  if (error !== null && typeof error === "object" && O.toString(error) === "[object RegExp]") {
    return RE.test(error, S.String(thrown))
      ? true
      : `The input did not match the regular expression ${inspect(error)}`;
  }
  if (typeof error === "function") {
    if (error.prototype !== undefined && thrown instanceof error) return true;
    if (
      error === ErrorCtor ||
      (error.prototype !== null &&
        typeof error.prototype === "object" &&
        error.prototype instanceof ErrorCtor)
    ) {
      const name = thrown?.constructor?.name ?? typeof thrown;
      return `The error is expected to be an instance of "${error.name}". Received "${name}"`;
    }
    const res = apply(error, {}, [thrown]);
    return res === true
      ? true
      : `The validation function is expected to return "true". Received ${inspect(res)}`;
  }
  if (error !== null && typeof error === "object") {
    const keys = O.keys(error);
    if (error instanceof ErrorCtor) {
      A2(keys, "name");
      A2(keys, "message");
    }
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as string;
      const want = error[k];
      const got = thrown?.[k];
      if (
        want !== null &&
        typeof want === "object" &&
        O.toString(want) === "[object RegExp]" &&
        typeof got === "string"
      ) {
        if (!RE.test(want, got)) return `property '${k}': ${inspect(got)} does not match ${inspect(want)}`;
      } else if (!nodeDeepEqual(got, want, true)) {
        return `property '${k}': expected ${inspect(want)}, received ${inspect(got)}`;
      }
    }
    return true;
  }
  return true;
}

function A2(keys: string[], k: string): void {
  if (A.indexOf(keys, k) === -1) A.push(keys, k);
}
