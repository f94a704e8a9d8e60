/**
 * Tools every episode can have: `submit` and `list_tools` always; a per-episode in-memory file
 * store behind the `builtinTools` option. Also an example of registering tools with zod schemas.
 */
import { z } from "zod";
import type { ToolHandler } from "../../sandbox/index.ts";
import { FILE_STORE_TOOL_NAMES, fileStoreArgSchemas, fileStoreToolDescriptions } from "./file-store.ts";
import { defineTool, type ToolDefinition } from "./tool-registry.ts";

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

/**
 * The file store tools: schemas, descriptions and store logic come from tasks/ (the graders use the
 * same store); each episode has its own store, reached through the tool context.
 */
export const fileStoreTools: readonly ToolDefinition[] = FILE_STORE_TOOL_NAMES.map((name) =>
  defineTool({
    name,
    description: fileStoreToolDescriptions[name],
    input: fileStoreArgSchemas[name],
    handler: (args, context) => (context.fileStore[name] as ToolHandler)(args),
  }),
);
export const coreTools: readonly ToolDefinition[] = [submitTool, listToolsTool];
