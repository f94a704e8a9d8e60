import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { afterAll, describe, expect, it } from "vitest";
import { formatReport, validateServer } from "../../src/client/index.ts";
import { startServer, stopEngines } from "../server/helpers.ts";

afterAll(stopEngines);

describe("validateServer", () => {
  it("passes every check against our server", async () => {
    const server = await startServer();
    try {
      const report = await validateServer(server.url);
      expect(report.checks.filter((c) => !c.ok)).toEqual([]);
      expect(report.ok).toBe(true);
      expect(report.checks.length).toBeGreaterThanOrEqual(15);
      const text = formatReport(report);
      expect(text).toMatch(/^PASS {2}GET \/health/m);
      expect(text).toMatch(/OK: \d+ checks passed/);
    } finally {
      await server.close();
    }
  });

  it("fails a server that only has /health and a half OpenAPI document", async () => {
    const app = new Hono();
    app.get("/health", (c) => c.json({ status: "healthy" }));
    app.get("/openapi.json", (c) => c.json({ info: { version: "1.0.0" }, paths: { "/reset": {} } }));
    const stub = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(s));
    });
    const port = (stub.address() as { port: number }).port;
    try {
      const report = await validateServer(`http://127.0.0.1:${port}`, { timeoutMs: 2000 });
      expect(report.ok).toBe(false);
      const byName = new Map(report.checks.map((c) => [c.name, c]));
      expect(byName.get("GET /health")?.ok).toBe(true);
      expect(byName.get("GET /metadata")?.ok).toBe(false);
      expect(byName.get("GET /openapi.json")?.detail).toMatch(/all present or all absent/);
      expect(byName.get("POST /mcp {}")?.ok).toBe(false);
      expect(formatReport(report)).toMatch(/FAILED: \d+ of \d+ checks failed/);
    } finally {
      await new Promise((resolve) => stub.close(resolve));
    }
  });
});
