/**
 * A YAML writer for plain JSON data (objects, arrays, strings, numbers, booleans, null): enough
 * for Kubernetes manifests without a dependency. Strings are always double-quoted JSON strings,
 * which YAML reads as the same string, so no value can be misread (`on`, `0755`, `1e3`, ...).
 */
type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export function toYaml(value: unknown): string {
  return `${lines(value as Json, 0).join("\n")}\n`;
}

/** Several documents in one stream, as `kubectl apply -f` takes them. */
export function toYamlStream(documents: readonly unknown[]): string {
  return documents.map((d) => toYaml(d)).join("---\n");
}

function scalar(value: Json): string | undefined {
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value) && value.length === 0) return "[]";
  if (!Array.isArray(value) && typeof value === "object" && Object.keys(value).length === 0) return "{}";
  return undefined;
}

function key(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_./-]*$/.test(name) ? name : JSON.stringify(name);
}

function lines(value: Json, depth: number): string[] {
  const pad = "  ".repeat(depth);
  const simple = scalar(value);
  if (simple !== undefined) return [`${pad}${simple}`];
  const out: string[] = [];
  if (Array.isArray(value)) {
    for (const item of value) {
      const inner = scalar(item);
      if (inner !== undefined) {
        out.push(`${pad}- ${inner}`);
        continue;
      }
      // "- " then the item's first line, its other lines indented under it.
      const [first, ...rest] = lines(item, depth + 1);
      out.push(`${pad}- ${(first ?? "").trimStart()}`, ...rest);
    }
    return out;
  }
  for (const [name, item] of Object.entries(value as Record<string, Json>)) {
    const inner = scalar(item);
    if (inner !== undefined) out.push(`${pad}${key(name)}: ${inner}`);
    else out.push(`${pad}${key(name)}:`, ...lines(item, depth + 1));
  }
  return out;
}
