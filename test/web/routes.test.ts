import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { readPrebuiltAssets } from "../../src/web/build.ts";
import { buildWebAssets, registerWebRoutes, writeWebAssets } from "../../src/web/index.ts";

describe("web routes", () => {
  const app = new Hono();
  registerWebRoutes(app, { prebuiltDir: join(tmpdir(), "codeact-web-none") });

  it("redirects /web to /web/", async () => {
    const res = await app.request("/web");
    expect(res.status).toBe(307);
    expect(res.headers.get("location")).toBe("/web/");
  });

  it("serves the page with a strict CSP and a fresh style nonce per response", async () => {
    const first = await app.request("/web/");
    const second = await app.request("/web/");
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(first.headers.get("cache-control")).toBe("no-store");
    const csp = first.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    const html = await first.text();
    const nonce = /name="csp-nonce" content="([^"]+)"/.exec(html)?.[1];
    expect(nonce).toMatch(/^[A-Za-z0-9+/=]{20,}$/);
    expect(csp).toContain(`'nonce-${nonce}'`);
    expect(second.headers.get("content-security-policy")).not.toBe(csp);
    // no inline script and no external asset of any kind
    expect(html).not.toMatch(/<script(?![^>]*\bsrc="\/web\/app\.js")/);
    expect(html).not.toMatch(/https?:\/\//);
  });

  it("serves app.js and app.css with content types, ETags and revalidation", async () => {
    const js = await app.request("/web/app.js");
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(js.headers.get("x-content-type-options")).toBe("nosniff");
    const body = await js.text();
    expect(body).toContain("cm-editor"); // CodeMirror is bundled in
    expect(body).not.toMatch(/https?:\/\/(fonts|cdn|unpkg|jsdelivr)/);
    const etag = js.headers.get("etag") ?? "";
    expect(etag).not.toBe("");
    const again = await app.request("/web/app.js", { headers: { "If-None-Match": etag } });
    expect(again.status).toBe(304);
    const css = await app.request("/web/app.css");
    expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
    expect(await css.text()).toContain(".cm-error-line");
  });

  it("serves a favicon at /web/favicon.svg and /favicon.ico (no 404 on every load)", async () => {
    const html = await (await app.request("/web/")).text();
    expect(html).toContain('<link rel="icon" href="/web/favicon.svg" type="image/svg+xml">');
    for (const path of ["/web/favicon.svg", "/favicon.ico"]) {
      const res = await app.request(path);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("image/svg+xml");
      expect(await res.text()).toMatch(/^<svg [^>]*viewBox="0 0 32 32"/);
      const again = await app.request(path, { headers: { "If-None-Match": res.headers.get("etag") ?? "" } });
      expect(again.status).toBe(304);
    }
  });

  it("prefers prebuilt files and writes them with the CLI helper", async () => {
    const dir = await mkdtemp(join(tmpdir(), "codeact-web-"));
    try {
      const files = await writeWebAssets(dir);
      expect(files.map((f) => f.slice(dir.length + 1)).sort()).toEqual(["app.css", "app.js", "index.html"]);
      const prebuilt = new Hono();
      registerWebRoutes(prebuilt, { prebuiltDir: dir });
      const res = await prebuilt.request("/web/app.js");
      expect(await res.text()).toBe(await readFile(join(dir, "app.js"), "utf8"));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("ignores prebuilt files older than the page's sources", async () => {
    const dir = await mkdtemp(join(tmpdir(), "codeact-web-"));
    try {
      await writeWebAssets(dir);
      const old = new Date(Date.now() - 3_600_000);
      const html = join(dir, "index.html");
      await writeFile(html, "<!doctype html><title>stale</title>");
      await utimes(html, old, old);
      await utimes(join(dir, "app.js"), old, old);
      await utimes(join(dir, "app.css"), old, old);
      const sourceDir = join(dir, "src");
      await mkdir(sourceDir);
      await writeFile(join(sourceDir, "main.ts"), "// newer than the build");
      expect(await readPrebuiltAssets(dir, sourceDir)).toBeUndefined();
      expect((await readPrebuiltAssets(dir, null))?.html).toContain("stale");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("bundles minified assets in memory", async () => {
    const assets = await buildWebAssets();
    expect(assets.html).toContain('<script src="/web/app.js" defer></script>');
    expect(assets.js.split("\n").length).toBeLessThan(50);
  });
});
