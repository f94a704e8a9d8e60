/**
 * The LLM judge's default reply parser. Tried in order, the LAST match of each rule wins (models
 * tend to reason first and conclude last):
 * 1. a labelled score, "score: 0.8" / "Score = 7/10" (a fraction is divided out; a bare number
 *    must be in [0, 1]);
 * 2. a fraction "N/D" with 0 <= N <= D, D > 0 (e.g. "8/10" -> 0.8);
 * 3. a standalone number in [0, 1].
 * Returns undefined when nothing matches (the judge then fails loudly rather than scoring 0).
 */
const NUMBER = String.raw`(\d+(?:\.\d+)?|\.\d+)`;
const LABELLED = new RegExp(String.raw`score\s*(?:is)?\s*[:=]?\s*\**\s*${NUMBER}(?:\s*/\s*${NUMBER})?`, "gi");
const FRACTION = new RegExp(String.raw`(?<![\d.])${NUMBER}\s*/\s*${NUMBER}(?!\d|\.\d)`, "g");
const STANDALONE = new RegExp(String.raw`(?<![\w./-])${NUMBER}(?![\w/]|\.\d)`, "g");

function fraction(numerator: string, denominator: string): number | undefined {
  const n = Number(numerator);
  const d = Number(denominator);
  return d > 0 && n >= 0 && n <= d ? n / d : undefined;
}

function inUnit(text: string): number | undefined {
  const value = Number(text);
  return value >= 0 && value <= 1 ? value : undefined;
}

function lastOf(pattern: RegExp, text: string, read: (m: RegExpExecArray) => number | undefined) {
  let found: number | undefined;
  for (const match of text.matchAll(pattern)) {
    const value = read(match);
    if (value !== undefined) found = value;
  }
  return found;
}

export function parseJudgeScore(reply: string): number | undefined {
  const labelled = lastOf(LABELLED, reply, (m) =>
    m[2] !== undefined ? fraction(m[1] ?? "", m[2]) : inUnit(m[1] ?? ""),
  );
  if (labelled !== undefined) return labelled;
  const frac = lastOf(FRACTION, reply, (m) => fraction(m[1] ?? "", m[2] ?? ""));
  if (frac !== undefined) return frac;
  return lastOf(STANDALONE, reply, (m) => inUnit(m[1] ?? ""));
}
