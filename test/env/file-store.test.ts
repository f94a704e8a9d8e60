import { afterAll, describe, expect, test } from "vitest";
import { isCodeActError } from "../../errors/index.ts";
import { createSandbox, liveSandboxCount, shutdownEngines } from "../../sandbox/index.ts";
import {
  createFileStoreTools,
  FILE_STORE_TOOL_NAMES,
  fileStoreToolDescriptions,
} from "../../src/env/index.ts";

afterAll(async () => {
  await shutdownEngines();
});

function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe("createFileStoreTools", () => {
  test("write, read, list with normalized paths and initial files", () => {
    const { tools, files } = createFileStoreTools({ initialFiles: { "/seed.txt": "s" } });
    expect(Object.keys(tools).sort()).toEqual([...FILE_STORE_TOOL_NAMES].sort());
    expect(Object.keys(fileStoreToolDescriptions).sort()).toEqual([...FILE_STORE_TOOL_NAMES].sort());
    expect(tools.write_file?.({ path: "./docs//a.md", content: "héllo" })).toEqual({
      path: "docs/a.md",
      bytes: 6,
    });
    expect(tools.read_file?.({ path: "docs/a.md" })).toBe("héllo");
    expect(tools.list_files?.({})).toEqual(["docs/a.md", "seed.txt"]);
    expect(tools.list_files?.({ prefix: "docs/" })).toEqual(["docs/a.md"]);
    expect(tools.list_files?.(undefined)).toEqual(["docs/a.md", "seed.txt"]);
    expect(files.get("seed.txt")).toBe("s");
  });

  test("bad arguments are INVALID_ARGUMENT errors naming the field", () => {
    const { tools } = createFileStoreTools();
    const missing = errorOf(() => tools.write_file?.({ path: "a" }));
    expect(isCodeActError(missing, "INVALID_ARGUMENT")).toBe(true);
    expect((missing as Error).message).toContain("content: missing required field");
    expect((errorOf(() => tools.read_file?.({ path: "a", extra: 1 })) as Error).message).toContain(
      'unknown key "extra"',
    );
    expect((errorOf(() => tools.read_file?.({ path: "" })) as Error).message).toContain("path:");
    expect((errorOf(() => tools.read_file?.({ path: "../etc/passwd" })) as Error).message).toContain(
      '".." is not allowed',
    );
    expect((errorOf(() => tools.read_file?.({ path: "//" })) as Error).message).toContain("names no file");
    expect(
      isCodeActError(
        errorOf(() => tools.read_file?.({ path: "nope" })),
        "NOT_FOUND",
      ),
    ).toBe(true);
  });

  test("limits on file size, total size and file count", () => {
    const { tools, files } = createFileStoreTools({ maxFileBytes: 10, maxTotalBytes: 15, maxFiles: 2 });
    expect(
      (errorOf(() => tools.write_file?.({ path: "big", content: "x".repeat(11) })) as Error).message,
    ).toContain("file limit");
    tools.write_file?.({ path: "a", content: "x".repeat(10) });
    expect(
      (errorOf(() => tools.write_file?.({ path: "b", content: "x".repeat(6) })) as Error).message,
    ).toContain("would exceed");
    tools.write_file?.({ path: "a", content: "y".repeat(10) });
    tools.write_file?.({ path: "b", content: "z" });
    expect((errorOf(() => tools.write_file?.({ path: "c", content: "" })) as Error).message).toContain(
      "2 files",
    );
    expect([...files.keys()]).toEqual(["a", "b"]);
  });

  test("callable from sandboxed code as async functions", async () => {
    const { tools, files } = createFileStoreTools();
    const sandbox = await createSandbox({ engine: "isolated-vm", tools });
    try {
      const r = await sandbox.run(
        'await write_file({ path: "out/r.txt", content: "hi" });\n' +
          "let missing;\ntry { await read_file({ path: 'nope' }); } catch (e) { missing = e.message; }\n" +
          "console.log(JSON.stringify([await read_file({ path: 'out/r.txt' }), await list_files({}), missing]));",
      );
      expect(r.error).toBeUndefined();
      expect(JSON.parse(r.stdout)).toEqual(["hi", ["out/r.txt"], expect.stringContaining("no such file")]);
      expect(files.get("out/r.txt")).toBe("hi");
    } finally {
      await sandbox.dispose();
    }
    expect(liveSandboxCount()).toBe(0);
  });
});
