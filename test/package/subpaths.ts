import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const exportsMap = JSON.parse(readFileSync(`${root}package.json`, "utf8")).exports as Record<string, string>;

/** The package's subpaths as package.json declares them (".", "./sandbox", ...). */
export const SUBPATHS: readonly string[] = Object.keys(exportsMap);

/** The source file a subpath's built entry comes from ("./client" -> <root>/src/client/index.ts). */
export function sourceOf(subpath: string): string {
  const target = exportsMap[subpath];
  if (target === undefined) throw new Error(`package.json has no export ${subpath}`);
  return `${root}${target.replace(/^\.\/dist\//, "").replace(/\.js$/, ".ts")}`;
}
