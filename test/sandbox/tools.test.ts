/** Host side of tool calls: what goes back to the sandbox is always safe JSON. */
import { describe, expect, it } from "vitest";
import { CodeActError } from "../../errors/index.ts";
import { sanitizeMessage, toolCallback, validateTools } from "../../sandbox/cell/host-tools.ts";

describe("tool callback", () => {
  const call = toolCallback(
    validateTools({
      add: (a: unknown) => (a as { x: number }).x + 1,
      boom: () => {
        throw new Error("no such file /home/user/project/secret.txt\n    at handler (/app/tools.js:3:9)");
      },
      big: () => 10n,
      cyclic: () => {
        const o: Record<string, unknown> = {};
        o.self = o;
        return o;
      },
      nothing: () => undefined,
      proto: () => JSON.parse('{"__proto__": {"polluted": true}}'),
      seeArgs: (a: unknown) => Object.getOwnPropertyNames(a as object),
    }),
  );

  it("wraps results and errors as JSON", async () => {
    expect(JSON.parse(await call("add", '{"x":1}'))).toEqual({ ok: true, value: 2 });
    expect(JSON.parse(await call("nothing", "{}"))).toEqual({ ok: true });
    const boom = JSON.parse(await call("boom", "{}"));
    expect(boom.ok).toBe(false);
    expect(boom.message).toContain("no such file");
    expect(boom.message).not.toMatch(/home\/user|tools\.js|\n/);
    expect(JSON.parse(await call("missing", "{}"))).toMatchObject({
      ok: false,
      message: "unknown tool: missing",
    });
    expect(JSON.parse(await call("add", "{not json"))).toMatchObject({ ok: false });
  });

  it("handles non-JSON results and __proto__ keys safely", async () => {
    expect(JSON.parse(await call("big", "{}"))).toMatchObject({ ok: false });
    expect(JSON.parse(await call("cyclic", "{}"))).toMatchObject({ ok: false });
    const proto = await call("proto", "{}");
    expect(proto).toBe('{"ok":true,"value":{"__proto__":{"polluted":true}}}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.parse(await call("seeArgs", '{"__proto__":{"a":1},"b":2}'))).toEqual({
      ok: true,
      value: ["b"],
    });
    expect(JSON.parse(await call("toString", "{}"))).toMatchObject({ ok: false });
  });

  it("bounds message length", () => {
    expect(sanitizeMessage(new Error("x".repeat(5000))).length).toBeLessThanOrEqual(501);
    expect(sanitizeMessage("C:\\Users\\me\\secret\\file.txt failed")).not.toContain("Users");
  });

  it("validates tool maps", () => {
    expect(() => validateTools({ "bad name": () => 1 })).toThrow(CodeActError);
    expect(() => validateTools({ ok: 1 })).toThrow(/tools\.ok must be a function/);
  });
});
