/**
 * A per-episode in-memory file store exposed as host tools (read_file, write_file, list_files).
 * Arguments come from sandboxed agent code, so they are validated strictly and the store is
 * bounded: an agent in an RL loop will try to write a gigabyte sooner or later.
 */
import { z } from "zod";
import { CodeActError } from "../../errors/index.ts";
import type { ToolMap } from "../../sandbox/index.ts";
import { describeZodIssues } from "../../tasks/index.ts";

export const FILE_STORE_TOOL_NAMES = ["read_file", "write_file", "list_files"] as const;

const MAX_PATH_CHARS = 1024;
const pathSchema = z.string().min(1, "must be a non-empty string").max(MAX_PATH_CHARS);

export const fileStoreArgSchemas = {
  read_file: z.strictObject({ path: pathSchema }),
  write_file: z.strictObject({ path: pathSchema, content: z.string() }),
  list_files: z.strictObject({ prefix: z.string().optional() }),
} as const;

export const fileStoreToolDescriptions: Readonly<Record<keyof typeof fileStoreArgSchemas, string>> = {
  read_file: "Read a text file from the episode's file store. Returns the file's content as a string.",
  write_file:
    "Create or overwrite a text file in the episode's file store. Returns {path, bytes} (UTF-8 size written).",
  list_files:
    "List the paths in the episode's file store, sorted; optionally only those starting with prefix.",
};

export interface FileStoreOptions {
  /** Files present at the start of the episode (path -> content). */
  initialFiles?: Readonly<Record<string, string>>;
  maxFileBytes?: number;
  maxTotalBytes?: number;
  maxFiles?: number;
}

export interface FileStoreTools {
  tools: ToolMap;
  /** The live store (normalized path -> content), for graders and tests to inspect or seed. */
  files: Map<string, string>;
  /** UTF-8 bytes held by the tools' writes and the initial files (host memory, outside any sandbox). */
  bytes(): number;
}

const DEFAULTS = { maxFileBytes: 1_000_000, maxTotalBytes: 10_000_000, maxFiles: 1_000 };

/** "./a//b.txt" and "/a/b.txt" are "a/b.txt"; ".." and NUL are refused. */
export function normalizeStorePath(path: string): string {
  if (path.includes("\0")) throw new CodeActError("INVALID_ARGUMENT", "path: must not contain NUL");
  const parts = path.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.includes("..")) throw new CodeActError("INVALID_ARGUMENT", `path: ".." is not allowed (${path})`);
  if (parts.length === 0)
    throw new CodeActError("INVALID_ARGUMENT", `path: names no file (${JSON.stringify(path)})`);
  return parts.join("/");
}

function parseArgs<K extends keyof typeof fileStoreArgSchemas>(
  tool: K,
  args: unknown,
): z.infer<(typeof fileStoreArgSchemas)[K]> {
  const parsed = fileStoreArgSchemas[tool].safeParse(args ?? {});
  if (!parsed.success) {
    throw new CodeActError("INVALID_ARGUMENT", `${tool}: ${describeZodIssues(parsed.error).join("; ")}`);
  }
  return parsed.data as z.infer<(typeof fileStoreArgSchemas)[K]>;
}

export function createFileStoreTools(options: FileStoreOptions = {}): FileStoreTools {
  const limits = {
    maxFileBytes: options.maxFileBytes ?? DEFAULTS.maxFileBytes,
    maxTotalBytes: options.maxTotalBytes ?? DEFAULTS.maxTotalBytes,
    maxFiles: options.maxFiles ?? DEFAULTS.maxFiles,
  };
  const files = new Map<string, string>();
  for (const [path, content] of Object.entries(options.initialFiles ?? {})) {
    files.set(normalizeStorePath(path), content);
  }
  // Kept as a running total: summing every file on each write made a write O(store size).
  let total = 0;
  for (const content of files.values()) total += Buffer.byteLength(content, "utf8");

  const write = (path: string, content: string) => {
    const bytes = Buffer.byteLength(content, "utf8");
    if (bytes > limits.maxFileBytes) {
      throw new CodeActError(
        "INVALID_ARGUMENT",
        `write_file: ${bytes} bytes exceeds the ${limits.maxFileBytes}-byte file limit`,
      );
    }
    const old = files.get(path);
    if (old === undefined && files.size >= limits.maxFiles) {
      throw new CodeActError(
        "INVALID_ARGUMENT",
        `write_file: the store already holds ${limits.maxFiles} files`,
      );
    }
    const after = total - (old === undefined ? 0 : Buffer.byteLength(old, "utf8")) + bytes;
    if (after > limits.maxTotalBytes) {
      throw new CodeActError(
        "INVALID_ARGUMENT",
        `write_file: the store would exceed ${limits.maxTotalBytes} bytes`,
      );
    }
    files.set(path, content);
    total = after;
    return { path, bytes };
  };

  const tools: ToolMap = {
    read_file: (args) => {
      const path = normalizeStorePath(parseArgs("read_file", args).path);
      const content = files.get(path);
      if (content === undefined) throw new CodeActError("NOT_FOUND", `read_file: no such file: ${path}`);
      return content;
    },
    write_file: (args) => {
      const { path, content } = parseArgs("write_file", args);
      return write(normalizeStorePath(path), content);
    },
    list_files: (args) => {
      const { prefix } = parseArgs("list_files", args);
      const all = [...files.keys()].sort();
      return prefix === undefined ? all : all.filter((p) => p.startsWith(prefix.replace(/^\.?\//, "")));
    },
  };
  return { tools, files, bytes: () => total };
}
