import { code, defineTask } from "./define.ts";

const FILE_TOOLS = ["read_file", "write_file", "list_files"];
const TOOL_NOTE = code`
 * The environment provides an in-memory file store through async tools you can call directly:
 *   await read_file({ path })            -> the file's content (rejects if it does not exist)
 *   await write_file({ path, content })  -> { path, bytes }
 *   await list_files({ prefix? })        -> sorted array of paths
`;

/** Tasks whose solutions must use the episode's file store tools. */
export const fileTasks = [
  defineTask({
    slug: "word-report-file",
    language: "js",
    difficulty: "medium",
    tags: ["tools", "files", "strings"],
    tools: FILE_TOOLS,
    entry_point: "writeWordReport",
    prompt: code`
/**
${TOOL_NOTE} *
 * Read the text file inputPath and write a JSON report to outputPath:
 *   { "lines": <number of lines; "" has 0, a final "\n" does not start a new line>,
 *     "words": <number of words: maximal runs of letters a-z/A-Z and apostrophes>,
 *     "top": <the 3 most frequent words, lowercased, as [word, count] pairs, by count
 *             descending then alphabetically> }
 * Resolve with the report object.
 */
async function writeWordReport(inputPath, outputPath) {
`,
    solution: code`
  const text = await read_file({ path: inputPath });
  const lines = text === "" ? 0 : text.replace(/\n$/, "").split("\n").length;
  const words = (text.match(/[A-Za-z']+/g) ?? []).map((w) => w.toLowerCase());
  const counts = new Map();
  for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
  const top = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 3);
  const report = { lines, words: words.length, top };
  await write_file({ path: outputPath, content: JSON.stringify(report) });
  return report;
}
`,
    tests: code`
describe("writeWordReport", () => {
  test("writes the report file", async () => {
    await write_file({ path: "notes/in.txt", content: "The cat and the hat.\nThe END, the end!\nit's a cat\n" });
    const returned = await writeWordReport("notes/in.txt", "out/report.json");
    const written = JSON.parse(await read_file({ path: "out/report.json" }));
    expect(written).toEqual({ lines: 3, words: 12, top: [["the", 4], ["cat", 2], ["end", 2]] });
    expect(returned).toEqual(written);
  });
  test("empty file", async () => {
    await write_file({ path: "empty.txt", content: "" });
    await writeWordReport("empty.txt", "empty.json");
    expect(JSON.parse(await read_file({ path: "empty.json" }))).toEqual({ lines: 0, words: 0, top: [] });
  });
  test("missing input rejects and writes nothing", async () => {
    let caught;
    try {
      await writeWordReport("nope.txt", "never.json");
    } catch (e) {
      caught = e;
    }
    expect(typeof caught.message).toBe("string");
    expect((await list_files({})).includes("never.json")).toBe(false);
  });
});
`,
  }),
  defineTask({
    slug: "merge-config-files",
    language: "ts",
    difficulty: "medium",
    tags: ["tools", "files", "json", "objects"],
    tools: FILE_TOOLS,
    entry_point: "mergeConfigs",
    prompt: code`
/**
${TOOL_NOTE} *
 * Merge every ".json" file directly or indirectly under the folder dir (paths starting with
 * dir + "/"), in sorted path order, into one object: objects merge recursively, anything else
 * (arrays, strings, numbers, null) from a later file replaces the earlier value. Other files are
 * ignored. Write the result to outputPath as JSON.stringify(result, null, 2) and resolve with it.
 */
async function mergeConfigs(dir: string, outputPath: string): Promise<Record<string, unknown>> {
`,
    solution: code`
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  const merge = (a: Record<string, unknown>, b: Record<string, unknown>) => {
    const out: Record<string, unknown> = { ...a };
    for (const [k, v] of Object.entries(b)) {
      const old = out[k];
      out[k] = isObject(old) && isObject(v) ? merge(old, v) : v;
    }
    return out;
  };
  const paths: string[] = await list_files({ prefix: dir + "/" });
  let result: Record<string, unknown> = {};
  for (const path of [...paths].sort()) {
    if (!path.endsWith(".json")) continue;
    result = merge(result, JSON.parse(await read_file({ path })));
  }
  await write_file({ path: outputPath, content: JSON.stringify(result, null, 2) });
  return result;
}
`,
    tests: code`
describe("mergeConfigs", () => {
  test("deep merge in path order", async () => {
    await write_file({ path: "conf/10-base.json", content: JSON.stringify({ server: { port: 80, host: "a" }, tags: ["x"], debug: false }) });
    await write_file({ path: "conf/20-prod.json", content: JSON.stringify({ server: { port: 443 }, tags: ["y", "z"] }) });
    await write_file({ path: "conf/sub/30-local.json", content: JSON.stringify({ debug: true, extra: null }) });
    await write_file({ path: "conf/README.md", content: "not json" });
    await write_file({ path: "confx/99.json", content: JSON.stringify({ outside: true }) });
    const merged = await mergeConfigs("conf", "build/config.json");
    const expected = { server: { port: 443, host: "a" }, tags: ["y", "z"], debug: true, extra: null };
    expect(merged).toEqual(expected);
    expect(await read_file({ path: "build/config.json" })).toBe(JSON.stringify(expected, null, 2));
  });
  test("no config files gives {}", async () => {
    expect(await mergeConfigs("nothing-here", "out.json")).toEqual({});
    expect(await read_file({ path: "out.json" })).toBe("{}");
  });
  test("object replaced by a scalar and back", async () => {
    await write_file({ path: "c2/a.json", content: JSON.stringify({ k: { deep: 1 } }) });
    await write_file({ path: "c2/b.json", content: JSON.stringify({ k: 5 }) });
    await write_file({ path: "c2/c.json", content: JSON.stringify({ k: { again: 2 } }) });
    expect(await mergeConfigs("c2", "c2-out.json")).toEqual({ k: { again: 2 } });
  });
});
`,
  }),
  defineTask({
    slug: "log-summary-report",
    language: "ts",
    difficulty: "hard",
    tags: ["tools", "files", "parsing", "markdown"],
    tools: FILE_TOOLS,
    entry_point: "summarizeLogs",
    max_steps: 12,
    prompt: code`
/**
${TOOL_NOTE} *
 * Summarize the ".log" files under the folder dir (paths starting with dir + "/"), taken in
 * sorted path order. A valid line is "<timestamp> <LEVEL> <message>" where LEVEL is INFO, WARN
 * or ERROR and timestamp has no spaces; other lines are ignored. Write "reports/summary.md":
 *
 *   # Log summary
 *   <blank line>
 *   | level | count |
 *   | --- | --- |
 *   | ERROR | <n> |
 *   | WARN | <n> |
 *   | INFO | <n> |
 *   <blank line>
 *   ## Errors
 *   <blank line>
 *   one line "- <file name without the folder>:<1-based line number> <message>" per ERROR line,
 *   or the single line "(none)"
 *
 * ending with one "\n". Resolve with the counts { ERROR, WARN, INFO }.
 */
async function summarizeLogs(dir: string): Promise<{ ERROR: number; WARN: number; INFO: number }> {
`,
    solution: code`
  const counts = { ERROR: 0, WARN: 0, INFO: 0 };
  const errors: string[] = [];
  const paths: string[] = await list_files({ prefix: dir + "/" });
  for (const path of [...paths].sort()) {
    if (!path.endsWith(".log")) continue;
    const lines = (await read_file({ path })).split(/\r?\n/);
    lines.forEach((line: string, i: number) => {
      const m = /^(\S+) (INFO|WARN|ERROR) (.*)$/.exec(line);
      if (!m) return;
      const level = m[2] as keyof typeof counts;
      counts[level]++;
      if (level === "ERROR") errors.push("- " + path.slice(dir.length + 1) + ":" + (i + 1) + " " + m[3]);
    });
  }
  const md = [
    "# Log summary",
    "",
    "| level | count |",
    "| --- | --- |",
    "| ERROR | " + counts.ERROR + " |",
    "| WARN | " + counts.WARN + " |",
    "| INFO | " + counts.INFO + " |",
    "",
    "## Errors",
    "",
    ...(errors.length ? errors : ["(none)"]),
  ].join("\n") + "\n";
  await write_file({ path: "reports/summary.md", content: md });
  return counts;
}
`,
    tests: code`
describe("summarizeLogs", () => {
  test("report", async () => {
    await write_file({
      path: "logs/web.log",
      content: "2024-05-01T10:00:00Z INFO started\n2024-05-01T10:00:01Z WARN slow request\ngarbage line\n2024-05-01T10:00:02Z ERROR disk full\n",
    });
    await write_file({ path: "logs/app/db.log", content: "t1 ERROR connection lost\r\nt2 INFO retrying\r\nt3 DEBUG ignored" });
    await write_file({ path: "logs/notes.txt", content: "t ERROR not a log file" });
    const counts = await summarizeLogs("logs");
    expect(counts).toEqual({ ERROR: 2, WARN: 1, INFO: 2 });
    const md = await read_file({ path: "reports/summary.md" });
    expect(md).toBe(
      "# Log summary\n\n| level | count |\n| --- | --- |\n| ERROR | 2 |\n| WARN | 1 |\n| INFO | 2 |\n\n## Errors\n\n- app/db.log:1 connection lost\n- web.log:4 disk full\n",
    );
  });
  test("no errors", async () => {
    await write_file({ path: "quiet/a.log", content: "t INFO fine\n" });
    expect(await summarizeLogs("quiet")).toEqual({ ERROR: 0, WARN: 0, INFO: 1 });
    expect((await read_file({ path: "reports/summary.md" })).endsWith("## Errors\n\n(none)\n")).toBe(true);
  });
  test("lowercase levels are not levels", async () => {
    await write_file({ path: "lc/x.log", content: "t error nope\nt ERROR yes" });
    expect(await summarizeLogs("lc")).toEqual({ ERROR: 1, WARN: 0, INFO: 0 });
  });
});
`,
  }),
  defineTask({
    slug: "csv-to-json-file",
    language: "js",
    difficulty: "easy",
    tags: ["tools", "files", "csv"],
    tools: FILE_TOOLS,
    entry_point: "csvToJson",
    prompt: code`
/**
${TOOL_NOTE} *
 * inputPath holds simple CSV (no quoting): a header line, then one record per line; blank lines
 * are skipped and "\r\n" line ends are allowed. Write to outputPath JSON.stringify(records) where
 * each record is an object keyed by the header names. A value made of an optional "-", digits,
 * and optionally "." followed by digits ("42", "-1.5") becomes a number; anything else stays a
 * string ("", "1.", "+3", "1e3"); cells missing from a short row are "". Resolve with the number
 * of records.
 */
async function csvToJson(inputPath, outputPath) {
`,
    solution: code`
  const lines = (await read_file({ path: inputPath })).split(/\r?\n/).filter((l) => l.trim() !== "");
  const [header = "", ...rows] = lines;
  const keys = header.split(",");
  const records = rows.map((line) => {
    const cells = line.split(",");
    const record = {};
    keys.forEach((k, i) => {
      const v = cells[i] ?? "";
      record[k] = /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;
    });
    return record;
  });
  await write_file({ path: outputPath, content: JSON.stringify(records) });
  return records.length;
}
`,
    tests: code`
describe("csvToJson", () => {
  test("converts numbers and keeps strings", async () => {
    await write_file({ path: "data/people.csv", content: "name,age,score\r\nAda,36,-1.5\r\n\r\nBob,,x1\r\n" });
    expect(await csvToJson("data/people.csv", "data/people.json")).toBe(2);
    expect(JSON.parse(await read_file({ path: "data/people.json" }))).toEqual([
      { name: "Ada", age: 36, score: -1.5 },
      { name: "Bob", age: "", score: "x1" },
    ]);
  });
  test("header only", async () => {
    await write_file({ path: "h.csv", content: "a,b\n" });
    expect(await csvToJson("h.csv", "h.json")).toBe(0);
    expect(await read_file({ path: "h.json" })).toBe("[]");
  });
  test("short rows give empty strings; numbers need digits on both sides of the point", async () => {
    await write_file({ path: "s.csv", content: "id,v,w\n7,1.,\n8\n" });
    expect(await csvToJson("s.csv", "s.json")).toBe(2);
    expect(JSON.parse(await read_file({ path: "s.json" }))).toEqual([
      { id: 7, v: "1.", w: "" },
      { id: 8, v: "", w: "" },
    ]);
  });
});
`,
  }),
];
