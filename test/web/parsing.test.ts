/**
 * The page's parsers of outside input, run in Node on the page's own modules: type-check
 * diagnostics from an observation and frames typed into the raw view.
 */
import { describe, expect, it } from "vitest";
import { parseDiagnostics } from "../../src/web/app/observation.ts";
import { parseRawFrame } from "../../src/web/app/raw.ts";

describe("observation diagnostics", () => {
  it("keeps well-formed items, names numeric codes TSnnnn, defaults the column", () => {
    expect(
      parseDiagnostics([
        { line: 3, column: 7, message: "Type 'string' is not assignable to type 'number'.", code: 2322 },
        { line: 1, message: "Cannot find name 'x'.", code: "TS2304" },
      ]),
    ).toEqual([
      { line: 3, column: 7, message: "Type 'string' is not assignable to type 'number'.", code: "TS2322" },
      { line: 1, column: 1, message: "Cannot find name 'x'.", code: "TS2304" },
    ]);
  });

  it("skips what is not a diagnostic instead of failing the whole observation", () => {
    expect(parseDiagnostics(undefined)).toEqual([]);
    expect(parseDiagnostics("3:1 TS2304")).toEqual([]);
    expect(
      parseDiagnostics([
        null,
        4,
        { line: "2", message: "m" },
        { line: 2 },
        { line: Number.NaN, message: "m" },
      ]),
    ).toEqual([]);
  });
});

describe("raw frames typed by a person", () => {
  it("accepts step, reset, state and mcp frames with their data", () => {
    expect(parseRawFrame('{"type":"step","data":{"code":"1","timeout_ms":20000}}')).toEqual({
      ok: true,
      frame: { type: "step", data: { code: "1", timeout_ms: 20000 } },
    });
    expect(parseRawFrame('{"type":"state"}')).toEqual({ ok: true, frame: { type: "state" } });
  });

  it("says what is wrong with anything else", () => {
    const message = (text: string) => {
      const parsed = parseRawFrame(text);
      return parsed.ok ? "accepted" : parsed.message;
    };
    expect(message("{oops")).toMatch(/^Not valid JSON/);
    expect(message("[1]")).toMatch(/JSON object/);
    expect(message('{"type":"close"}')).toBe('"type" must be one of step, reset, state, mcp');
    expect(message('{"type":"step","id":"p1"}')).toMatch(/Leave out "id"/);
  });
});
