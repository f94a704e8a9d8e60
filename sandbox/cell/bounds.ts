/**
 * What one observation may carry besides stdout and stderr (which the output limit bounds), so
 * that its serialized size stays within `outputLimitBytes` plus a fixed overhead whatever a cell
 * throws or returns: a 16 MiB error message, a huge REPL value, a million registered tests.
 * The prelude cuts these inside the sandbox (nothing oversized crosses to the host); the host
 * cuts them again after the engine, for the paths the prelude does not see (compile errors).
 */
export const BOUNDS = {
  errorNameChars: 256,
  errorMessageChars: 4 * 1024,
  errorStackChars: 8 * 1024,
  valueChars: 16 * 1024,
  testNameChars: 256,
  testMessageChars: 1024,
  /** Test cases listed (the counts always cover them all; failures are listed first). */
  testCases: 50,
} as const;

/**
 * The largest a code observation can be past stdout and stderr, in UTF-8 bytes (a character
 * is at most 3 bytes there, 6 once JSON-escaped): the fixed overhead tests check against.
 */
export const OBSERVATION_OVERHEAD_BYTES =
  6 *
    // The error twice: as the structured `error` and written to stderr.
    (2 * (BOUNDS.errorNameChars + BOUNDS.errorMessageChars + BOUNDS.errorStackChars) +
      BOUNDS.valueChars +
      BOUNDS.testCases * (BOUNDS.testNameChars + BOUNDS.testMessageChars + 64)) +
  64 * 1024;

/** `text` cut to `max` characters, with a marker saying how much was cut. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}…[cut: ${text.length - max} more characters]`;
}

interface Case {
  name: string;
  status: string;
  message?: string;
}

/** A report's case list cut to BOUNDS.testCases (failures first), names and messages clipped. */
export function boundCases<C extends Case>(cases: readonly C[]): C[] {
  const listed =
    cases.length <= BOUNDS.testCases
      ? cases
      : [...cases.filter((c) => c.status === "failed"), ...cases.filter((c) => c.status !== "failed")].slice(
          0,
          BOUNDS.testCases,
        );
  return listed.map((c) => {
    const out = { ...c, name: clip(c.name, BOUNDS.testNameChars) };
    if (c.message !== undefined) out.message = clip(c.message, BOUNDS.testMessageChars);
    return out;
  });
}
