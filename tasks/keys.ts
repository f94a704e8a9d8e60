/**
 * Unknown keys in task and completions records. Suites as people have them carry keys of their
 * own (difficulty, tags, temperature, ...): those are kept, not rejected. A key that looks like a
 * misspelling of a known one ("test" for "tests") is still an error, since keeping it would
 * silently grade nothing; the error says which key was probably meant.
 */

/** The known key `key` is most likely a misspelling of, or undefined when it is none. */
export function closestKey(
  key: string,
  known: readonly string[],
  present: ReadonlySet<string> = new Set(),
): string | undefined {
  const norm = normalize(key);
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    const c = normalize(candidate);
    // "entryPoint", "Entry-Point" for entry_point.
    if (c === norm) return candidate;
    // "lang" for language, but "task" beside a task_id is a key of its own.
    if (norm.length >= 4 && c.startsWith(norm) && !present.has(candidate)) return candidate;
    if (norm.length >= 4 && sameLettersBut(norm, c)) return candidate;
    const distance = editDistance(norm, c);
    if (distance <= allowedEdits(Math.min(norm.length, c.length)) && (!best || distance < best.distance)) {
      best = { key: candidate, distance };
    }
  }
  return best?.key;
}

/** "tset" for "tests": the same letters, shuffled, with at most one left out. */
function sameLettersBut(key: string, known: string): boolean {
  if (known.length - key.length > 1 || known.length < key.length) return false;
  const left = [...known];
  for (const ch of key) {
    const at = left.indexOf(ch);
    if (at === -1) return false;
    left.splice(at, 1);
  }
  return true;
}

function normalize(key: string): string {
  return key.toLowerCase().replace(/[-_\s]/g, "");
}

/** Short keys differ from each other in one letter ("id", "tools"): allow fewer edits. */
function allowedEdits(length: number): number {
  if (length <= 3) return 0;
  if (length <= 5) return 1;
  return 2;
}

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return Math.abs(a.length - b.length);
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const prev = rows[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      }
      row.push(d);
    }
    rows.push(row);
  }
  return (rows[a.length] as number[])[b.length] as number;
}

export interface SplitKeys {
  /** The record's known keys only. */
  known: Record<string, unknown>;
  /** Keys that are not known and not a likely typo, with their values. */
  extra: Record<string, unknown>;
  /** "unknown key "tset" (did you mean "tests"?)" for each likely typo. */
  typos: string[];
}

/**
 * Splits a record's keys into known ones, extras and likely typos. Own data properties only, built
 * with Object.fromEntries so a "__proto__" key stays a plain key.
 */
export function splitKeys(record: Record<string, unknown>, known: readonly string[]): SplitKeys {
  const knownEntries: Array<[string, unknown]> = [];
  const extraEntries: Array<[string, unknown]> = [];
  const typos: string[] = [];
  const present = new Set(Object.keys(record));
  for (const [key, value] of Object.entries(record)) {
    if (key === "__proto__") {
      // Copied by a schema's `result[key] = value`, it would become the copy's prototype.
      typos.push('key "__proto__" is not allowed');
      continue;
    }
    if (known.includes(key)) {
      knownEntries.push([key, value]);
      continue;
    }
    const meant = closestKey(key, known, present);
    if (meant !== undefined) {
      typos.push(`unknown key ${JSON.stringify(key)} (did you mean ${JSON.stringify(meant)}?)`);
    } else {
      extraEntries.push([key, value]);
    }
  }
  return { known: Object.fromEntries(knownEntries), extra: Object.fromEntries(extraEntries), typos };
}

/** One warning for a file: which unknown keys were kept, on how many lines. */
export function extraKeysWarning(file: string, counts: ReadonlyMap<string, number>, where: string): string {
  const listed = [...counts]
    .slice(0, 10)
    .map(([key, n]) => `${JSON.stringify(key)} (${n} line${n === 1 ? "" : "s"})`)
    .join(", ");
  const more = counts.size > 10 ? ` and ${counts.size - 10} more` : "";
  return `${file}: unknown keys kept in ${where}: ${listed}${more}`;
}

export function countKeys(counts: Map<string, number>, extra: Record<string, unknown>): void {
  for (const key of Object.keys(extra)) counts.set(key, (counts.get(key) ?? 0) + 1);
}
