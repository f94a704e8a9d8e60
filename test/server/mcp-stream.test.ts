import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MCP_STREAM_PATH } from "../../src/server/index.ts";
import { eventually, RawSocket, startServer, stopEngines, type TestServer } from "./helpers.ts";

let server: TestServer;

beforeAll(async () => {
  server = await startServer({ maxSessions: 2 });
});

afterAll(async () => {
  await server.close();
  await stopEngines();
});

async function connect(): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const client = new Client({ name: "codeact-test", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(new URL(`${server.url}${MCP_STREAM_PATH}`));
  await client.connect(transport);
  return { client, transport };
}

describe("standard MCP at /mcp/stream (official SDK client)", () => {
  it("lists the environment's tools only (no reset/step) and calls them on the session's own env", async () => {
    const a = await connect();
    const b = await connect();
    const tools = (await a.client.listTools()).tools.map((t) => t.name);
    expect(tools).toContain("write_file");
    expect(tools).not.toContain("reset");
    expect(tools).not.toContain("step");
    const written = await a.client.callTool({
      name: "write_file",
      arguments: { path: "notes.txt", content: "mine" },
    });
    expect(written.isError).toBe(false);
    const listedA = await a.client.callTool({ name: "list_files", arguments: {} });
    const listedB = await b.client.callTool({ name: "list_files", arguments: {} });
    expect(JSON.stringify(listedA.content)).toContain("notes.txt");
    expect(JSON.stringify(listedB.content)).not.toContain("notes.txt");
    const unknown = await a.client.callTool({ name: "no_such_tool", arguments: {} });
    expect(unknown.isError).toBe(true);
    expect(server.sessions.counts().mcp_stream).toBe(2);
    await a.transport.terminateSession();
    await b.transport.terminateSession();
    await a.client.close();
    await b.client.close();
    await eventually(() => server.sessions.size === 0);
  });

  it("MCP sessions count against capacity", async () => {
    const a = await connect();
    const ws = await RawSocket.open(server.wsUrl);
    await ws.request({ type: "state" });
    const rejected = new Client({ name: "third", version: "1.0.0" });
    await expect(
      rejected.connect(new StreamableHTTPClientTransport(new URL(`${server.url}${MCP_STREAM_PATH}`))),
    ).rejects.toThrow(/capacity/i);
    await ws.close();
    await a.transport.terminateSession();
    await a.client.close();
    await eventually(() => server.sessions.size === 0);
  });
});
