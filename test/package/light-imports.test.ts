/**
 * The light subpaths stay light: a client or reward user must not pay for the sandbox. A real Node
 * process imports the source each subpath maps to and records every module it resolves.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { sourceOf } from "./subpaths.ts";

const probe = `
import { registerHooks } from "node:module";
const seen = [];
registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); seen.push(r.url); return r; } });
await import(process.argv[1]);
process.stdout.write(JSON.stringify(seen));
`;

async function modulesLoadedBy(file: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", probe, file]);
  return JSON.parse(stdout) as string[];
}

const HEAVY =
  /\/node_modules\/(esbuild|acorn|isolated-vm|quickjs-emscripten-core|typescript)\/|^node:child_process$/;

describe.each(["client", "rewards", "errors"])("importing codeact-env/%s", (subpath) => {
  it("loads neither esbuild, acorn, the engines nor node:child_process", async () => {
    const loaded = await modulesLoadedBy(sourceOf(`./${subpath}`));
    expect(loaded.length).toBeGreaterThan(0);
    expect(loaded.filter((url) => HEAVY.test(url))).toEqual([]);
  });
});

it("the probe does see heavy modules when they load (codeact-env/sandbox loads esbuild)", async () => {
  const loaded = await modulesLoadedBy(sourceOf("./sandbox"));
  expect(loaded.some((url) => /\/node_modules\/esbuild\//.test(url))).toBe(true);
  expect(loaded).toContain("node:child_process");
});
