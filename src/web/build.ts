/**
 * Bundles the human-agent page (src/web/app) with esbuild: everything, CodeMirror included, goes
 * into one app.js and one app.css so the page works offline and under a strict CSP.
 * CLI: `node src/web/build.ts [outDir]` (or the compiled dist/src/web/build.js) writes dist/web/.
 */
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { CodeActError } from "../../errors/index.ts";

export interface WebAssets {
  /** index.html; contains the placeholder NONCE_PLACEHOLDER, replaced per response. */
  html: string;
  js: string;
  css: string;
}

export const NONCE_PLACEHOLDER = "__CSP_NONCE__";
export const ASSET_FILES = { html: "index.html", js: "app.js", css: "app.css" } as const;

const here = fileURLToPath(new URL(".", import.meta.url));

/** The page's sources: beside this file when run from source, ../../../src/web/app from dist. */
export function findAppSourceDir(): string | undefined {
  const candidates = [join(here, "app"), resolve(here, "../../../src/web/app")];
  return candidates.find((dir) => existsSync(join(dir, "main.ts")));
}

/** Where the prebuilt files live: <project>/dist/web, from source or from dist. */
export function defaultPrebuiltDir(): string {
  const compiled = here.endsWith(join("dist", "src", "web") + sep);
  return compiled ? resolve(here, "../../web") : resolve(here, "../../dist/web");
}

export async function buildWebAssets(sourceDir = findAppSourceDir()): Promise<WebAssets> {
  if (sourceDir === undefined) {
    throw new CodeActError("NOT_FOUND", "web page sources (src/web/app) not found and no prebuilt dist/web");
  }
  // esbuild is loaded lazily: a server that serves prebuilt files never starts it.
  const esbuild = await import("esbuild");
  const common = {
    bundle: true,
    minify: true,
    write: false,
    logLevel: "silent",
    legalComments: "none",
  } as const;
  const [script, style, html] = await Promise.all([
    esbuild.build({
      ...common,
      entryPoints: [join(sourceDir, "main.ts")],
      format: "iife",
      target: "es2022",
      platform: "browser",
    }),
    esbuild.build({ ...common, entryPoints: [join(sourceDir, "app.css")] }),
    readFile(join(sourceDir, "index.html"), "utf8"),
  ]);
  const js = script.outputFiles[0]?.text;
  const css = style.outputFiles[0]?.text;
  if (js === undefined || css === undefined) {
    throw new CodeActError("ENGINE_FAILURE", "esbuild produced no output for the web page");
  }
  return { html, js, css };
}

export async function writeWebAssets(outDir = defaultPrebuiltDir()): Promise<string[]> {
  const assets = await buildWebAssets();
  await mkdir(outDir, { recursive: true });
  const written: string[] = [];
  for (const key of ["html", "js", "css"] as const) {
    const file = join(outDir, ASSET_FILES[key]);
    await writeFile(file, assets[key]);
    written.push(file);
  }
  return written;
}

/** Newest modification time of the page's sources (0 when they are not shipped). */
async function newestSourceMs(sourceDir: string | null): Promise<number> {
  if (sourceDir === null) return 0;
  const names = await readdir(sourceDir);
  const times = await Promise.all(names.map(async (n) => (await stat(join(sourceDir, n))).mtimeMs));
  return Math.max(0, ...times);
}

/**
 * The prebuilt files in `dir`, unless missing or older than the sources beside them (a page edited
 * after `npm run build` must not be served stale).
 */
export async function readPrebuiltAssets(
  dir: string,
  sourceDir: string | null = findAppSourceDir() ?? null,
): Promise<WebAssets | undefined> {
  const files = [ASSET_FILES.html, ASSET_FILES.js, ASSET_FILES.css].map((f) => join(dir, f));
  if (!files.every((f) => existsSync(f))) return undefined;
  const builtMs = Math.min(...(await Promise.all(files.map(async (f) => (await stat(f)).mtimeMs))));
  if ((await newestSourceMs(sourceDir)) > builtMs) return undefined;
  const [html, js, css] = await Promise.all(files.map((f) => readFile(f, "utf8")));
  if (html === undefined || js === undefined || css === undefined) return undefined;
  return { html, js, css };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = process.argv[2] === undefined ? undefined : resolve(process.argv[2]);
  writeWebAssets(outDir).then(
    (files) => console.log(`web page written: ${files.join(", ")}`),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
