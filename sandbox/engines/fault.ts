/**
 * Fault injection for the crash-attribution tests: with CODEACT_FAULT_CRASH_TOKEN set in the
 * environment (engines' workers inherit it), a cell whose code contains that token kills the
 * worker hosting it, as a real crash would (SIGSEGV for a process, an exit for a thread). With
 * CODEACT_FAULT_CRASH_ONCE_FILE also set, only while that file exists (the first crash removes it),
 * which models a crash a re-run does not reproduce. Without the variables this does nothing.
 */
import { rmSync } from "node:fs";

export function injectedCrash(code: string): boolean {
  const token = process.env.CODEACT_FAULT_CRASH_TOKEN;
  if (token === undefined || token === "" || !code.includes(token)) return false;
  const once = process.env.CODEACT_FAULT_CRASH_ONCE_FILE;
  if (once === undefined || once === "") return true;
  try {
    rmSync(once);
    return true;
  } catch {
    return false;
  }
}
