/**
 * The reference docs (`npm run docs`: TypeDoc over the TSDoc of the package's public exports,
 * shipped in the package as docs/api) are generated without a single warning (typedoc.json
 * treats warnings as errors: an undocumented-but-referenced type, a broken {@link}), and every
 * field of the option objects a user writes says its default, each with an example.
 * About 12 s of CPU: the TypeScript program of the whole public surface is built once.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, expect, it } from "vitest";

const exec = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "../..");
const TYPEDOC = join(ROOT, "node_modules/typedoc/bin/typedoc");

/** Option objects a user writes; each field must carry @default, each object an @example. */
const OPTIONS = ["Limits", "SandboxOptions", "RunOptions", "EnvOptions", "TypeChecksOptions", "ServerConfig"];

interface Reflection {
  name: string;
  kind: number;
  children?: Reflection[];
  comment?: { blockTags?: Array<{ tag: string }> };
}

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

function tagsOf(r: Reflection): string[] {
  return (r.comment?.blockTags ?? []).map((t) => t.tag);
}

function find(root: Reflection, name: string): Reflection[] {
  const out: Reflection[] = [];
  const walk = (r: Reflection) => {
    if (r.name === name && r.children !== undefined) out.push(r);
    for (const c of r.children ?? []) walk(c);
  };
  walk(root);
  return out;
}

it("npm run docs generates the reference without warnings; options document @default and @example", async () => {
  const dir = await mkdtemp(join(tmpdir(), "codeact-docs-"));
  dirs.push(dir);
  const { stdout, stderr } = await exec(
    process.execPath,
    [TYPEDOC, "--out", join(dir, "html"), "--json", join(dir, "api.json")],
    { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
  );
  expect(`${stdout}${stderr}`).not.toMatch(/warning|error/i);
  const api = JSON.parse(await readFile(join(dir, "api.json"), "utf8")) as Reflection;
  for (const name of OPTIONS) {
    const [options] = find(api, name);
    expect(options, `${name} is in the reference`).toBeDefined();
    expect(tagsOf(options as Reflection), `${name} has an @example`).toContain("@example");
    const fields = (options as Reflection).children ?? [];
    expect(fields.length).toBeGreaterThan(2);
    const withoutDefault = fields
      .filter((f) => f.name !== "createEnv" && !tagsOf(f).includes("@default"))
      .map((f) => f.name);
    expect(withoutDefault, `${name} fields without @default`).toEqual([]);
  }
}, 180_000);
