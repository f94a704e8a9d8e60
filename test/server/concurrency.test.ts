import { afterAll, describe, expect, it } from "vitest";
import { EnvClient } from "../../src/client/index.ts";
import { startServer, stopEngines } from "./helpers.ts";

afterAll(stopEngines);

describe("many concurrent sessions", () => {
  it("200 WebSocket sessions each run several cells with their own state", { timeout: 60_000 }, async () => {
    const server = await startServer({ maxSessions: 256 });
    try {
      const clients = await Promise.all(Array.from({ length: 200 }, () => EnvClient.connect(server.url)));
      try {
        const results = await Promise.all(
          clients.map(async (client, i) => {
            await client.reset({ seed: i });
            await client.step({ code: `let mine = ${i};` });
            await client.step({ code: "mine = mine * 2;" });
            const last = await client.step({ code: "console.log(mine)" });
            return (last.observation as { stdout: string }).stdout;
          }),
        );
        expect(results).toEqual(clients.map((_, i) => `${i * 2}\n`));
        expect(server.sessions.size).toBe(200);
      } finally {
        await Promise.all(clients.map((c) => c.close()));
      }
    } finally {
      await server.close();
    }
  });
});
