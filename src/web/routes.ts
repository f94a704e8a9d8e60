/**
 * Serves the human-agent page at /web/. Prebuilt files (dist/web) are used when present, else the
 * page is bundled once in memory on first request. Every response carries a strict CSP: scripts
 * and styles only from this origin; CodeMirror's own <style> element is admitted by a per-response
 * nonce (it cannot use a stylesheet file), which is why index.html is never cached.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Context, Hono } from "hono";
import {
  buildWebAssets,
  defaultPrebuiltDir,
  NONCE_PLACEHOLDER,
  readPrebuiltAssets,
  type WebAssets,
} from "./build.ts";
import { FAVICON_SVG } from "./favicon.ts";

export interface WebRouteOptions {
  /** Directory with index.html, app.js, app.css. Default: <project>/dist/web. */
  prebuiltDir?: string;
  /** Use these assets instead of reading or building them (tests, embedding). */
  assets?: WebAssets;
  /** Also redirect GET / to /web/ (OpenEnv's web interface does). Default false. */
  redirectRoot?: boolean;
}

interface PreparedAssets extends WebAssets {
  jsEtag: string;
  cssEtag: string;
}

function etagOf(text: string): string {
  return `"${createHash("sha256").update(text).digest("base64url").slice(0, 27)}"`;
}

function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${nonce}'`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

function commonHeaders(c: Context, nonce: string): void {
  c.header("Content-Security-Policy", contentSecurityPolicy(nonce));
  c.header("X-Content-Type-Options", "nosniff");
  c.header("Referrer-Policy", "no-referrer");
}

function assetLoader(options: WebRouteOptions): () => Promise<PreparedAssets> {
  let pending: Promise<PreparedAssets> | undefined;
  const load = async (): Promise<PreparedAssets> => {
    const assets =
      options.assets ??
      (await readPrebuiltAssets(options.prebuiltDir ?? defaultPrebuiltDir())) ??
      (await buildWebAssets());
    return { ...assets, jsEtag: etagOf(assets.js), cssEtag: etagOf(assets.css) };
  };
  return () => {
    pending ??= load().catch((error: unknown) => {
      pending = undefined; // a failed build is retried on the next request
      throw error;
    });
    return pending;
  };
}

function serveAsset(c: Context, body: string, etag: string, contentType: string): Response {
  commonHeaders(c, randomBytes(16).toString("base64"));
  c.header("ETag", etag);
  c.header("Cache-Control", "no-cache");
  if (c.req.header("If-None-Match") === etag) return c.body(null, 304);
  c.header("Content-Type", contentType);
  return c.body(body);
}

async function withAssets(
  c: Context,
  load: () => Promise<PreparedAssets>,
  use: (a: PreparedAssets) => Response,
) {
  try {
    return use(await load());
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return c.text(`web page unavailable: ${message}`, 500);
  }
}

export function registerWebRoutes(app: Hono, options: WebRouteOptions = {}): void {
  const load = assetLoader(options);
  app.get("/web", (c) => c.redirect("/web/", 307));
  if (options.redirectRoot === true) app.get("/", (c) => c.redirect("/web/", 307));
  app.get("/web/", (c) =>
    withAssets(c, load, (assets) => {
      const nonce = randomBytes(16).toString("base64");
      commonHeaders(c, nonce);
      c.header("Cache-Control", "no-store");
      c.header("Content-Type", "text/html; charset=utf-8");
      return c.body(assets.html.replaceAll(NONCE_PLACEHOLDER, nonce));
    }),
  );
  app.get("/web/app.js", (c) =>
    withAssets(c, load, (a) => serveAsset(c, a.js, a.jsEtag, "text/javascript; charset=utf-8")),
  );
  app.get("/web/app.css", (c) =>
    withAssets(c, load, (a) => serveAsset(c, a.css, a.cssEtag, "text/css; charset=utf-8")),
  );
  // The page links /web/favicon.svg; /favicon.ico answers browsers that ask for it regardless.
  const iconEtag = etagOf(FAVICON_SVG);
  for (const path of ["/web/favicon.svg", "/favicon.ico"]) {
    app.get(path, (c) => serveAsset(c, FAVICON_SVG, iconEtag, "image/svg+xml"));
  }
}
