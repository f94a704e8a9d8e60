import { describe, expect, it } from "vitest";
import { JsonDepthError, parseJson } from "../../src/server/json.ts";

describe("parseJson", () => {
  const nested = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;

  it("reads JSON up to the depth limit and refuses one level more", () => {
    expect(parseJson(nested(256))).toBeInstanceOf(Array);
    expect(() => parseJson(nested(257))).toThrow(JsonDepthError);
    expect(() => parseJson(`{"a":${nested(300)}}`)).toThrow("JSON nested deeper than 256 levels");
  });

  it("brackets inside strings (escaped quotes too) are text, not nesting", () => {
    const text = JSON.stringify({ code: `${"[{".repeat(400)}"\\"${"]".repeat(10)}`, x: [[1]] });
    expect(parseJson(text)).toEqual(JSON.parse(text));
  });

  it("malformed JSON is still JSON.parse's SyntaxError", () => {
    expect(() => parseJson("{nope")).toThrow(SyntaxError);
    expect(() => parseJson(`${"[".repeat(1000)}`)).toThrow(JsonDepthError);
  });
});
