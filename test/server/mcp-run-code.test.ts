import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MCP_STREAM_PATH } from "../../src/server/index.ts";
import { eventually, startServer, stopEngines, type TestServer } from "./helpers.ts";

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server.close();
  await stopEngines();
});

async function connect(): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const client = new Client({ name: "codeact-run-code-test", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(new URL(`${server.url}${MCP_STREAM_PATH}`));
  await client.connect(transport);
  return { client, transport };
}

type ToolResult = {
  content: Array<{ type: string; text?: string }>;
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
};

describe("run_code over standard MCP (official SDK client)", () => {
  it("describes the tools as TypeScript, keeps state across calls, calls tools from a cell, times out", async () => {
    const { client, transport } = await connect();
    try {
      const tools = (await client.listTools()).tools;
      const runCode = tools.find((t) => t.name === "run_code");
      expect(runCode).toBeDefined();
      expect(runCode?.description).toContain(
        "declare function write_file(args: { path: string; content: string }): Promise<unknown>;",
      );
      expect(runCode?.description).toContain("/** The answer (any JSON value) */ answer: unknown");
      expect(runCode?.description).toMatch(
        /declare function list_files\(args: \{[^}]*\}\): Promise<unknown>;/,
      );
      expect(runCode?.inputSchema.required).toEqual(["code"]);

      const first = (await client.callTool({
        name: "run_code",
        arguments: { code: "const counter: number = 41; console.log('set'); counter" },
      })) as ToolResult;
      expect(first.isError).toBe(false);
      expect(first.structuredContent).toMatchObject({ stdout: "set\n", exit_code: 0, value: "41" });
      expect(first.content[0]?.text).toContain("value: 41");

      const second = (await client.callTool({
        name: "run_code",
        arguments: { code: "counter + 1" },
      })) as ToolResult;
      expect(second.structuredContent).toMatchObject({ value: "42" });

      const viaTool = (await client.callTool({
        name: "run_code",
        arguments: {
          code: "await write_file({ path: 'a.txt', content: 'from a cell' }); (await list_files({}))",
          language: "js",
        },
      })) as ToolResult;
      expect(viaTool.isError).toBe(false);
      expect(String(viaTool.structuredContent?.value)).toContain("a.txt");
      const direct = (await client.callTool({
        name: "read_file",
        arguments: { path: "a.txt" },
      })) as ToolResult;
      expect(JSON.stringify(direct.content)).toContain("from a cell");

      const slow = (await client.callTool({
        name: "run_code",
        arguments: { code: "while (true) {}", timeout_ms: 200 },
      })) as ToolResult;
      expect(slow.isError).toBe(true);
      expect(slow.structuredContent).toMatchObject({ exit_code: 124, error: { kind: "timeout" } });
      expect(slow.content[0]?.text).toMatch(/error \(timeout\)/);

      const after = (await client.callTool({
        name: "run_code",
        arguments: { code: "counter" },
      })) as ToolResult;
      expect(after.structuredContent).toMatchObject({ value: "41" });

      const bad = (await client.callTool({
        name: "run_code",
        arguments: { code: 1, extra: true },
      })) as ToolResult;
      expect(bad.isError).toBe(true);
      expect(bad.content[0]?.text).toMatch(/code: .*; extra: Extra inputs are not permitted/);
    } finally {
      await transport.terminateSession();
      await client.close();
    }
    await eventually(() => server.sessions.size === 0);
  });
});
