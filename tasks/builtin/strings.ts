import { code, defineTask } from "./define.ts";

export const stringTasks = [
  defineTask({
    slug: "compress-runs",
    language: "js",
    difficulty: "easy",
    tags: ["strings"],
    entry_point: "compressRuns",
    prompt: code`
/**
 * Compress runs of the same character: each run becomes the character followed by the run's
 * length, except that a run of length 1 is written as the character alone.
 *   compressRuns("aaabcc") === "a3bc2"
 *   compressRuns("") === ""
 * Characters are compared exactly (case-sensitive).
 */
function compressRuns(text) {
`,
    solution: code`
  let out = "";
  let i = 0;
  while (i < text.length) {
    let j = i;
    while (j < text.length && text[j] === text[i]) j++;
    out += text[i] + (j - i > 1 ? String(j - i) : "");
    i = j;
  }
  return out;
}
`,
    tests: code`
describe("compressRuns", () => {
  test("mixed runs", () => expect(compressRuns("aaabcc")).toBe("a3bc2"));
  test("empty", () => expect(compressRuns("")).toBe(""));
  test("no runs", () => expect(compressRuns("abc")).toBe("abc"));
  test("case-sensitive", () => expect(compressRuns("aAAa")).toBe("aA2a"));
  test("long run", () => expect(compressRuns("z".repeat(12))).toBe("z12"));
  test("spaces count", () => expect(compressRuns("  x")).toBe(" 2x"));
});
`,
  }),
  defineTask({
    slug: "headline-case",
    language: "ts",
    difficulty: "easy",
    tags: ["strings"],
    entry_point: "headlineCase",
    prompt: code`
/**
 * Convert a phrase to headline case. Words are separated by single spaces (collapse runs of
 * whitespace and trim the ends). Every word is lowercased and then capitalized, except the
 * minor words "a", "an", "and", "at", "but", "for", "in", "of", "on", "or", "the", "to",
 * which stay lowercase unless they are the first or the last word.
 *   headlineCase("the lord OF the rings") === "The Lord of the Rings"
 */
function headlineCase(phrase: string): string {
`,
    solution: code`
  const minor = new Set(["a", "an", "and", "at", "but", "for", "in", "of", "on", "or", "the", "to"]);
  const words = phrase.trim().split(/\s+/).filter((w) => w.length > 0);
  return words
    .map((raw, i) => {
      const w = raw.toLowerCase();
      if (minor.has(w) && i !== 0 && i !== words.length - 1) return w;
      return w.charAt(0).toUpperCase() + w.slice(1);
    })
    .join(" ");
}
`,
    tests: code`
describe("headlineCase", () => {
  test("minor words", () => expect(headlineCase("the lord OF the rings")).toBe("The Lord of the Rings"));
  test("first and last minor words are capitalized", () =>
    expect(headlineCase("of mice and men to")).toBe("Of Mice and Men To"));
  test("whitespace is collapsed", () => expect(headlineCase("  war   and\tpeace ")).toBe("War and Peace"));
  test("empty", () => expect(headlineCase("   ")).toBe(""));
  test("single word", () => expect(headlineCase("a")).toBe("A"));
});
`,
  }),
  defineTask({
    slug: "anagram-groups",
    language: "js",
    difficulty: "medium",
    tags: ["strings", "hashing"],
    entry_point: "anagramGroups",
    prompt: code`
/**
 * Group words that are anagrams of each other (same letters, ignoring case).
 * Return an array of groups. Inside a group, words keep their input order. Groups are ordered
 * by the position of their first word in the input. Duplicate words are kept.
 *   anagramGroups(["tea", "Eat", "tan", "ate", "nat", "bat"])
 *     => [["tea", "Eat", "ate"], ["tan", "nat"], ["bat"]]
 */
function anagramGroups(words) {
`,
    solution: code`
  const groups = new Map();
  for (const word of words) {
    const key = word.toLowerCase().split("").sort().join("");
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(word);
  }
  return [...groups.values()];
}
`,
    tests: code`
describe("anagramGroups", () => {
  test("example", () =>
    expect(anagramGroups(["tea", "Eat", "tan", "ate", "nat", "bat"])).toEqual([
      ["tea", "Eat", "ate"],
      ["tan", "nat"],
      ["bat"],
    ]));
  test("empty", () => expect(anagramGroups([])).toEqual([]));
  test("duplicates kept", () => expect(anagramGroups(["ab", "ba", "ab"])).toEqual([["ab", "ba", "ab"]]));
  test("different lengths never group", () => expect(anagramGroups(["a", "aa"])).toEqual([["a"], ["aa"]]));
  test("empty string is its own group", () => expect(anagramGroups(["", "x", ""])).toEqual([["", ""], ["x"]]));
});
`,
  }),
  defineTask({
    slug: "caesar-shift",
    language: "ts",
    difficulty: "easy",
    tags: ["strings"],
    entry_point: "caesarShift",
    prompt: code`
/**
 * Shift every ASCII letter of text by shift places in the alphabet, wrapping around and keeping
 * its case; everything else is unchanged. shift may be negative or larger than 26.
 *   caesarShift("Hello, World!", 3) === "Khoor, Zruog!"
 */
function caesarShift(text: string, shift: number): string {
`,
    solution: code`
  const k = ((shift % 26) + 26) % 26;
  let out = "";
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    if (c >= 65 && c <= 90) out += String.fromCharCode(((c - 65 + k) % 26) + 65);
    else if (c >= 97 && c <= 122) out += String.fromCharCode(((c - 97 + k) % 26) + 97);
    else out += ch;
  }
  return out;
}
`,
    tests: code`
describe("caesarShift", () => {
  test("example", () => expect(caesarShift("Hello, World!", 3)).toBe("Khoor, Zruog!"));
  test("wraps", () => expect(caesarShift("xyz XYZ", 3)).toBe("abc ABC"));
  test("negative", () => expect(caesarShift("abc", -1)).toBe("zab"));
  test("large shift", () => expect(caesarShift("abc", 53)).toBe("bcd"));
  test("non-letters unchanged", () => expect(caesarShift("123 éß!", 5)).toBe("123 éß!"));
  test("round trip", () => expect(caesarShift(caesarShift("Round Trip", 11), -11)).toBe("Round Trip"));
});
`,
  }),
  defineTask({
    slug: "slugify",
    language: "js",
    difficulty: "easy",
    tags: ["strings", "regex"],
    entry_point: "slugify",
    prompt: code`
/**
 * Make a URL slug: lowercase the text, replace every run of characters other than a-z and 0-9
 * with a single "-", and remove "-" from both ends. If maxLength is given, cut the slug to at
 * most maxLength characters and then remove a trailing "-" left by the cut.
 *   slugify("  Hello, World! ") === "hello-world"
 */
function slugify(text, maxLength) {
`,
    solution: code`
  let slug = text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  if (maxLength !== undefined) slug = slug.slice(0, maxLength).replace(/-+$/, "");
  return slug;
}
`,
    tests: code`
describe("slugify", () => {
  test("example", () => expect(slugify("  Hello, World! ")).toBe("hello-world"));
  test("numbers kept", () => expect(slugify("Top 10 Tips (2024)")).toBe("top-10-tips-2024"));
  test("non-ascii letters are separators", () => expect(slugify("Café Crème")).toBe("caf-cr-me"));
  test("only symbols", () => expect(slugify("!!!")).toBe(""));
  test("maxLength cuts and trims", () => expect(slugify("alpha beta gamma", 11)).toBe("alpha-beta"));
  test("maxLength larger than slug", () => expect(slugify("a b", 50)).toBe("a-b"));
});
`,
  }),
  defineTask({
    slug: "longest-palindrome",
    language: "ts",
    difficulty: "medium",
    tags: ["strings", "algorithms"],
    entry_point: "longestPalindrome",
    prompt: code`
/**
 * Return the longest substring of s that reads the same backwards. When several have the
 * maximal length, return the one that starts first. The empty string gives "".
 * Must handle strings of a few thousand characters quickly.
 *   longestPalindrome("forgeeksskeegfor") === "geeksskeeg"
 */
function longestPalindrome(s: string): string {
`,
    solution: code`
  let bestStart = 0;
  let bestLen = s.length > 0 ? 1 : 0;
  const expand = (lo: number, hi: number) => {
    while (lo >= 0 && hi < s.length && s[lo] === s[hi]) {
      lo--;
      hi++;
    }
    const len = hi - lo - 1;
    if (len > bestLen || (len === bestLen && lo + 1 < bestStart)) {
      bestLen = len;
      bestStart = lo + 1;
    }
  };
  for (let i = 0; i < s.length; i++) {
    expand(i, i);
    expand(i, i + 1);
  }
  return s.slice(bestStart, bestStart + bestLen);
}
`,
    tests: code`
describe("longestPalindrome", () => {
  test("even length", () => expect(longestPalindrome("forgeeksskeegfor")).toBe("geeksskeeg"));
  test("odd length", () => expect(longestPalindrome("xabacdy")).toBe("aba"));
  test("tie goes to the first", () => expect(longestPalindrome("abcxyz")).toBe("a"));
  test("tie of longer ones", () => expect(longestPalindrome("abacdcx")).toBe("aba"));
  test("empty", () => expect(longestPalindrome("")).toBe(""));
  test("whole string", () => expect(longestPalindrome("racecar")).toBe("racecar"));
  test("large input", () => {
    const s = "xy" + "ab".repeat(1000) + "c" + "ba".repeat(1000);
    expect(longestPalindrome(s).length).toBe(4001);
  });
});
`,
  }),
  defineTask({
    slug: "word-wrap",
    language: "js",
    difficulty: "medium",
    tags: ["strings", "greedy"],
    entry_point: "wordWrap",
    prompt: code`
/**
 * Greedily wrap text into lines of at most width characters. Words are separated by any
 * whitespace; lines hold words joined by single spaces, with as many words as fit. A word longer
 * than width is split into pieces of width characters (the last piece may be shorter and can be
 * followed by more words on its line). Return the array of lines ([] for blank text).
 *   wordWrap("the quick brown fox", 10) => ["the quick", "brown fox"]
 */
function wordWrap(text, width) {
`,
    solution: code`
  const lines = [];
  let line = "";
  const push = (word) => {
    if (line === "") line = word;
    else if (line.length + 1 + word.length <= width) line += " " + word;
    else {
      lines.push(line);
      line = word;
    }
  };
  for (const word of text.split(/\s+/).filter((w) => w !== "")) {
    for (let i = 0; i < word.length; i += width) {
      push(word.slice(i, i + width));
    }
  }
  if (line !== "") lines.push(line);
  return lines;
}
`,
    tests: code`
describe("wordWrap", () => {
  test("example", () => expect(wordWrap("the quick brown fox", 10)).toEqual(["the quick", "brown fox"]));
  test("exact fit", () => expect(wordWrap("aaa bbb", 7)).toEqual(["aaa bbb"]));
  test("blank", () => expect(wordWrap("  \n ", 5)).toEqual([]));
  test("long word is split", () => expect(wordWrap("abcdefghij k", 4)).toEqual(["abcd", "efgh", "ij k"]));
  test("newlines are whitespace", () => expect(wordWrap("a\nb\tc", 3)).toEqual(["a b", "c"]));
  test("no line exceeds width", () => {
    const lines = wordWrap("lorem ipsum dolor sit amet consectetur adipiscing elit sed do", 12);
    for (const l of lines) expect(l.length <= 12).toBe(true);
    expect(lines.join(" ")).toBe("lorem ipsum dolor sit amet consectetur adipiscing elit sed do");
  });
});
`,
  }),
  defineTask({
    slug: "roman-numerals",
    language: "ts",
    difficulty: "easy",
    tags: ["strings", "parsing"],
    entry_point: "toRoman",
    entry_points: ["toRoman", "fromRoman"],
    prompt: code`
/*
Write two functions:
- toRoman(n: number): string converts an integer 1..3999 to a Roman numeral using the standard
  subtractive forms (IV, IX, XL, XC, CD, CM); it throws a RangeError for anything else
  (0, negatives, 4000+, non-integers).
- fromRoman(s: string): number converts a Roman numeral back. It accepts only canonical numerals
  (exactly what toRoman would produce) and throws a RangeError for anything else
  ("IIII", "IC", "", lowercase, ...).
*/
`,
    solution: code`
const ROMAN: Array<[number, string]> = [
  [1000, "M"], [900, "CM"], [500, "D"], [400, "CD"], [100, "C"], [90, "XC"],
  [50, "L"], [40, "XL"], [10, "X"], [9, "IX"], [5, "V"], [4, "IV"], [1, "I"],
];
function toRoman(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 3999) throw new RangeError("out of range: " + n);
  let out = "";
  for (const [value, glyph] of ROMAN) {
    while (n >= value) {
      out += glyph;
      n -= value;
    }
  }
  return out;
}
function fromRoman(s: string): number {
  let n = 0;
  let i = 0;
  for (const [value, glyph] of ROMAN) {
    while (s.startsWith(glyph, i)) {
      n += value;
      i += glyph.length;
    }
  }
  if (i !== s.length || n < 1 || n > 3999 || toRoman(n) !== s) throw new RangeError("not a roman numeral: " + s);
  return n;
}
`,
    tests: code`
describe("toRoman", () => {
  test("basics", () => {
    expect(toRoman(1)).toBe("I");
    expect(toRoman(4)).toBe("IV");
    expect(toRoman(1994)).toBe("MCMXCIV");
    expect(toRoman(3999)).toBe("MMMCMXCIX");
  });
  test("range", () => {
    expect(() => toRoman(0)).toThrow(RangeError);
    expect(() => toRoman(4000)).toThrow(RangeError);
    expect(() => toRoman(2.5)).toThrow(RangeError);
  });
});
describe("fromRoman", () => {
  test("basics", () => {
    expect(fromRoman("XLII")).toBe(42);
    expect(fromRoman("MMXXIV")).toBe(2024);
  });
  test("round trip", () => {
    for (let n = 1; n < 4000; n += 7) expect(fromRoman(toRoman(n))).toBe(n);
  });
  test("rejects non-canonical", () => {
    expect(() => fromRoman("IIII")).toThrow(RangeError);
    expect(() => fromRoman("IC")).toThrow(RangeError);
    expect(() => fromRoman("")).toThrow(RangeError);
    expect(() => fromRoman("xiv")).toThrow(RangeError);
  });
});
`,
  }),
];
