import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, test } from "vitest";
import { buildFullProgram, loadSuite } from "../../tasks/index.ts";

const SUITES = resolve(import.meta.dirname, "../../../shared/suites");

/** Task counts stated by shared/suites/README.md. */
const expected: Array<[file: string, count: number, language: "js" | "ts"]> = [
  ["humaneval-x-js.jsonl", 164, "js"],
  ["exercism-javascript.jsonl", 136, "js"],
  ["exercism-typescript.jsonl", 111, "ts"],
  ["mbxp-js.jsonl", 966, "js"],
];

/** The public suites live beside the checkout (../shared); a clone elsewhere skips these tests. */
describe.skipIf(!existsSync(SUITES))(
  "public suites load without error (needs ../shared/suites beside the checkout)",
  () => {
    test.each(expected)("%s has %i tasks", async (file, count, language) => {
      const suite = await loadSuite(`${SUITES}/${file}`);
      expect(suite.errors).toEqual([]);
      expect(suite.name).toBe(file.replace(".jsonl", ""));
      expect(suite.tasks.length).toBe(count);
      expect(suite.tasks.every((t) => t.language === language)).toBe(true);
      const first = suite.tasks[0];
      expect(first && suite.get(first.id)).toBe(first);
    });

    test("mbxp: 796 reference solutions; upstream failures have none", async () => {
      const suite = await loadSuite(`${SUITES}/mbxp-js.jsonl`);
      const withReference = suite.tasks.filter((t) => typeof t.canonical_solution === "string");
      expect(withReference.length).toBe(796);
      // Some records never had an upstream solution; the others say why theirs failed.
      const failedUpstream = suite.tasks.filter((t) => t.upstream_canonical_solution_failed !== undefined);
      expect(failedUpstream.length).toBeGreaterThan(0);
      expect(failedUpstream.every((t) => t.canonical_solution === null)).toBe(true);
    });

    test("the single-script program is prompt + solution + newline + tests", async () => {
      const suite = await loadSuite(`${SUITES}/humaneval-x-js.jsonl`);
      const t = suite.tasks[0];
      if (!t) throw new Error("empty suite");
      expect(buildFullProgram(t, "BODY")).toBe(`${t.prompt}BODY\n${t.tests}`);
    });
  },
);
