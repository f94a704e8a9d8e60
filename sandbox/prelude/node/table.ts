/** console.table in Node's box layout (left-aligned cells, as Node >= 23 prints them). */

import { A, type Any, O, S } from "../intrinsics.ts";
import { inspect } from "./inspect.ts";

function cellText(v: unknown): string {
  return inspect(v, { depth: 1 });
}

function line(widths: number[], l: string, m: string, r: string): string {
  return (
    l +
    A.join(
      A.map(widths, (w) => S.repeat("─", w + 2)),
      m,
    ) +
    r
  );
}

function row(cells: string[], widths: number[]): string {
  return `│${A.join(
    A.map(cells, (c, i) => ` ${S.padEnd(c, widths[i] as number)} `),
    "│",
  )}│`;
}

export function formatTable(data: unknown, columns: unknown, fallback: (v: unknown) => string): string {
  if (data === null || typeof data !== "object") return fallback(data);
  const d = data as Any;
  const rowKeys: string[] = [];
  const rows: Any[] = [];
  const isMap = d instanceof Map;
  const entries: [unknown, unknown][] = isMap ? A.from(d.entries()) : A.map(O.keys(d), (k) => [k, d[k]]);
  const header: string[] = [];
  let hasValues = false;
  for (let i = 0; i < entries.length; i++) {
    const [k, v] = entries[i] as [unknown, Any];
    A.push(rowKeys, isMap ? cellText(k) : S.String(k));
    A.push(rows, v);
    if (v !== null && typeof v === "object") {
      for (const key of O.keys(v)) if (A.indexOf(header, key) === -1) A.push(header, key);
    } else hasValues = true;
  }
  const cols = A.isArray(columns) ? A.map(columns as unknown[], (c) => S.String(c)) : header;
  const head = [isMap ? "(iteration index)" : "(index)", ...cols];
  if (hasValues) A.push(head, "Values");
  const body: string[][] = A.map(rows, (v, i) => {
    const cells = [rowKeys[i] as string];
    const isObj = v !== null && typeof v === "object";
    for (const c of cols) A.push(cells, isObj && O.hasOwn(v, c) ? cellText(v[c]) : "");
    if (hasValues) A.push(cells, isObj ? "" : cellText(v));
    return cells;
  });
  const widths = A.map(head, (h, i) => {
    let w = h.length;
    for (const r of body) if ((r[i] as string).length > w) w = (r[i] as string).length;
    return w;
  });
  const lines = [line(widths, "┌", "┬", "┐"), row(head, widths), line(widths, "├", "┼", "┤")];
  for (const r of body) A.push(lines, row(r, widths));
  A.push(lines, line(widths, "└", "┴", "┘"));
  return A.join(lines, "\n");
}
