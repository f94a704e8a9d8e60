import { describe, expect, it } from "vitest";
import { emptyBody, meanPassAtK, passAtK } from "../../src/eval/index.ts";

describe("pass@k (Chen et al. 2021 unbiased estimator)", () => {
  it("matches hand-computed values", () => {
    expect(passAtK(10, 3, 1)).toBeCloseTo(0.3, 12);
    expect(passAtK(3, 1, 2)).toBeCloseTo(1 - 1 / 3, 12); // 1 - C(2,2)/C(3,2)
    expect(passAtK(5, 2, 3)).toBeCloseTo(1 - 1 / 10, 12); // 1 - C(3,3)/C(5,3)
    expect(passAtK(5, 0, 3)).toBe(0);
    expect(passAtK(5, 5, 5)).toBe(1);
    expect(passAtK(200, 1, 100)).toBeCloseTo(0.5, 12);
  });

  it("refuses impossible inputs clearly", () => {
    expect(() => passAtK(3, 4, 1)).toThrow(/0 <= c <= n/);
    expect(() => passAtK(3, 1, 4)).toThrow(/at least 4 samples/);
    expect(() => passAtK(3, 1, 0)).toThrow(RangeError);
  });

  it("averages over the tasks that have enough samples", () => {
    const counts = [
      { n: 1, c: 1 },
      { n: 10, c: 5 },
      { n: 10, c: 0 },
    ];
    expect(meanPassAtK(counts, 1)?.value).toBeCloseTo((1 + 0.5 + 0) / 3, 12);
    expect(meanPassAtK(counts, 10)).toEqual({ value: 0.5, tasks: 2 });
    expect(meanPassAtK(counts, 11)).toBeUndefined();
  });
});

describe("empty bodies for --solutions wrong", () => {
  it("closes a HumanEval-style open header and ignores braces in strings and comments", () => {
    expect(emptyBody("/* { */ const f = (x) => {\n  // }\n  const s = '{';\n")).toBe("\n}\n");
    expect(emptyBody("/* Write a module. */\n")).toBe("\n");
    expect(emptyBody("class A {\n  m() {")).toBe("\n}\n}\n");
  });
});
