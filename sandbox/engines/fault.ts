/**
 * Fault injection for the crash-attribution tests. Without these variables it does nothing.
 * - CODEACT_FAULT_CRASH_TOKEN: a cell whose code contains it kills the worker hosting it, as a
 *   real crash would (SIGSEGV for a process, an exit for a thread), every time.
 * - CODEACT_FAULT_CRASH_ONCE_TOKEN with CODEACT_FAULT_CRASH_ONCE_FILE: a cell containing that
 *   token kills its worker only while the file exists (the crash removes it): a crash that a
 *   re-run does not reproduce.
 * Engines' workers inherit the variables when they start.
 */
import { rmSync } from "node:fs";

export function injectedCrash(code: string): boolean {
  const always = process.env.CODEACT_FAULT_CRASH_TOKEN;
  if (always !== undefined && always !== "" && code.includes(always)) return true;
  const once = process.env.CODEACT_FAULT_CRASH_ONCE_TOKEN;
  const file = process.env.CODEACT_FAULT_CRASH_ONCE_FILE;
  if (once === undefined || once === "" || file === undefined || !code.includes(once)) return false;
  try {
    rmSync(file);
    return true;
  } catch {
    return false;
  }
}
