/**
 * Tools every episode can have: `submit` and `list_tools` always; a per-episode in-memory file
 * store behind the `builtinTools` option. Also an example of registering tools with zod schemas.
 */
import { z } from "zod";
import { defineTool, type ToolDefinition } from "./tools.ts";

/** Bounds of the in-memory file store, so a cell cannot grow the host's memory without limit. */
export const FILE_STORE_LIMITS = { maxFiles: 1000, maxFileBytes: 1 << 20, maxTotalBytes: 16 << 20 } as const;

const path = z
  .string()
  .min(1)
  .max(512)
  .refine((p) => !p.includes("\0"), "must not contain NUL")
  .describe("File path, e.g. 'src/report.txt'");

export const submitTool = defineTool({
  name: "submit",
  description: "Submit the final answer and end the episode.",
  input: z.object({ answer: z.unknown().describe("The answer (any JSON value)") }).strict(),
  handler: ({ answer }, context) => {
    context.submit(answer ?? null);
    return { submitted: true };
  },
});

export const listToolsTool = defineTool({
  name: "list_tools",
  description: "List the tools of this episode with their input JSON Schemas.",
  input: z.object({}).strict(),
  handler: (_args, context) => context.listTools(),
});

const readFile = defineTool({
  name: "read_file",
  description: "Read a text file from the episode's in-memory file store.",
  input: z.object({ path }).strict(),
  handler: ({ path: p }, { files }) => {
    const content = files.get(p);
    if (content === undefined) throw new Error(`No such file: ${p}`);
    return content;
  },
});

const writeFile = defineTool({
  name: "write_file",
  description: "Write (create or replace) a text file in the episode's in-memory file store.",
  input: z.object({ path, content: z.string().describe("Text content") }).strict(),
  handler: ({ path: p, content }, { files }) => {
    checkCapacity(files, p, content);
    files.set(p, content);
    return { path: p, bytes: Buffer.byteLength(content) };
  },
});

const listFiles = defineTool({
  name: "list_files",
  description: "List the paths in the episode's in-memory file store, optionally under a prefix.",
  input: z.object({ prefix: z.string().max(512).optional() }).strict(),
  handler: ({ prefix }, { files }) => [...files.keys()].filter((p) => !prefix || p.startsWith(prefix)).sort(),
});

const deleteFile = defineTool({
  name: "delete_file",
  description: "Delete a file from the episode's in-memory file store.",
  input: z.object({ path }).strict(),
  handler: ({ path: p }, { files }) => ({ deleted: files.delete(p) }),
});

function checkCapacity(files: Map<string, string>, p: string, content: string): void {
  const bytes = Buffer.byteLength(content);
  if (bytes > FILE_STORE_LIMITS.maxFileBytes) {
    throw new Error(`File too large: ${bytes} bytes (limit ${FILE_STORE_LIMITS.maxFileBytes})`);
  }
  if (!files.has(p) && files.size >= FILE_STORE_LIMITS.maxFiles) {
    throw new Error(`Too many files (limit ${FILE_STORE_LIMITS.maxFiles})`);
  }
  let total = bytes;
  for (const [key, value] of files) if (key !== p) total += Buffer.byteLength(value);
  if (total > FILE_STORE_LIMITS.maxTotalBytes) {
    throw new Error(`File store full (limit ${FILE_STORE_LIMITS.maxTotalBytes} bytes)`);
  }
}

export const fileStoreTools: readonly ToolDefinition[] = [readFile, writeFile, listFiles, deleteFile];
export const coreTools: readonly ToolDefinition[] = [submitTool, listToolsTool];
