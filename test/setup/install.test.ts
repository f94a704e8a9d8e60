/**
 * `npm ci` on a Node older than 22 must stop at once, saying how to get Node 22, not after ~70 s
 * of isolated-vm's C++ build. npm runs the package's own preinstall only after its dependencies'
 * install scripts, so the stop is npm's engine check (engine-strict in .npmrc, the hint in
 * "engines"); the preinstall says it in one line for installers that run it first. An older
 * Node is simulated by a preload that changes what process.version reports to npm.
 */
import { execFile } from "node:child_process";
import { copyFile, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const exec = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "../..");
let dir: string;
let fake20: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "codeact-install-"));
  for (const file of ["package.json", "package-lock.json", ".npmrc"])
    await copyFile(join(ROOT, file), join(dir, file));
  fake20 = join(dir, "node20.cjs");
  await writeFile(
    fake20,
    'Object.defineProperty(process, "version", { value: "v20.20.2" });\n' +
      'Object.defineProperty(process, "versions", { value: { ...process.versions, node: "20.20.2" } });\n',
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function npm(args: string[], nodeOptions = ""): Promise<{ code: number; out: string }> {
  const env = { ...process.env, NODE_OPTIONS: nodeOptions, npm_config_loglevel: "error" };
  try {
    const { stdout, stderr } = await exec("npm", args, { cwd: dir, env, timeout: 60_000 });
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

describe("npm ci on an old Node", () => {
  it("stops before installing anything, and the error says how to get Node 22", async () => {
    const old = await npm(["ci", "--dry-run"], `--require ${fake20}`);
    expect(old.code).not.toBe(0);
    expect(old.out).toMatch(/EBADENGINE/);
    expect(old.out).toMatch(/Required: .*"node":">=22".*\. \.ci\/node22\.sh/);
    expect(await readdir(dir)).not.toContain("node_modules");
  });

  it("goes on as before on Node >= 22", async () => {
    const ok = await npm(["ci", "--dry-run", "--ignore-scripts"]);
    expect(ok.out).not.toMatch(/EBADENGINE/);
    expect(ok.code).toBe(0);
  });

  it("the preinstall check prints one line on an old Node and nothing on Node >= 22", async () => {
    const old = await npm(["run", "preinstall", "--silent"], `--require ${fake20}`);
    expect(old.code).not.toBe(0);
    expect(old.out.trim().split("\n")).toEqual([
      "codeact-env needs Node >= 22 (this is 20.20.2); in a checkout, run  . .ci/node22.sh  first (README, Set up)",
    ]);
    const ok = await npm(["run", "preinstall", "--silent"]);
    expect(ok).toEqual({ code: 0, out: "" });
  });
});
