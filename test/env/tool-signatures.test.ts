import { describe, expect, it } from "vitest";
import { z } from "zod";
import { CodeActEnv, defineTool, toolSignatures, tsType } from "../../src/env/index.ts";

describe("tool signatures (TypeScript from JSON Schema)", () => {
  it("writes the usual schema shapes as TypeScript types", () => {
    expect(tsType({ type: "string" })).toBe("string");
    expect(tsType({ type: "integer" })).toBe("number");
    expect(tsType({ type: ["string", "null"] })).toBe("string | null");
    expect(tsType({ enum: ["a", 1] })).toBe('"a" | 1');
    expect(tsType({ const: true })).toBe("true");
    expect(tsType({ anyOf: [{ type: "number" }, { type: "array", items: { type: "boolean" } }] })).toBe(
      "number | Array<boolean>",
    );
    expect(
      tsType({
        type: "object",
        properties: { "a-b": { type: "string" }, n: { type: "number", description: "a count" } },
        required: ["n"],
        additionalProperties: { type: "number" },
      }),
    ).toBe('{ "a-b"?: string; /** a count */ n: number; [key: string]: number }');
    expect(tsType({ type: "object" })).toBe("{}");
    expect(tsType(null)).toBe("unknown");
    expect(
      tsType({
        description: "*/ evil",
        type: "object",
        properties: { x: { description: "*/ evil", type: "string" } },
      }),
    ).not.toContain("*/ evil");
  });

  it("declares each tool of an environment as an async function", async () => {
    const search = defineTool({
      name: "search",
      description: "Search the docs.",
      input: z
        .object({ query: z.string(), limit: z.number().int().optional(), kind: z.enum(["api", "guide"]) })
        .strict(),
      handler: () => [],
    });
    await using env = new CodeActEnv({ tools: [search], builtinTools: false });
    const text = toolSignatures(env.tools());
    expect(text).toContain(
      '/** Search the docs. */\ndeclare function search(args: { query: string; limit?: number; kind: "api" | "guide" }): Promise<unknown>;',
    );
    expect(text).toContain("declare function submit(");
  });
});
