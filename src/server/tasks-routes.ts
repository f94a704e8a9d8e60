/**
 * Task browsing for the web page: `GET /tasks?q=` and `GET /tasks/:id`. Tests and canonical
 * solutions are hidden: they never leave the server.
 */
import type { Hono } from "hono";
import type { Suite, Task } from "../../tasks/index.ts";

export interface TaskSummary {
  id: string;
  language: string;
  suite: string;
  title: string;
  difficulty?: string;
}

const TITLE_MAX = 160;

/**
 * The prompt's prose paragraphs, comment markers removed. A paragraph ends at a blank line, an
 * indented line (an example), a list item, a `@tag` or code outside a comment.
 */
function paragraphs(prompt: string): string[] {
  const out: string[] = [];
  let current: string[] = [];
  const flush = () => {
    if (current.length > 0) out.push(current.join(" "));
    current = [];
  };
  const MARKER = /^(\/\*\*?|\*\/|\*|\/\/+|#+)/;
  const lines = prompt.split("\n");
  // In a prompt with comments, lines outside them are code; a prompt without any is all prose.
  const commented = lines.some((l) => MARKER.test(l.trim()));
  let inBlock = false;
  for (const raw of lines) {
    const trimmed = raw.trim();
    const opens = trimmed.startsWith("/*");
    const prose = inBlock || opens || trimmed.startsWith("//") || trimmed.startsWith("#");
    inBlock = (inBlock || opens) && !trimmed.endsWith("*/");
    const marker = MARKER.exec(trimmed);
    const body = marker ? trimmed.slice(marker[0].length).replace(/\*\/$/, "") : trimmed;
    // an example (indented) or a list item ends the prose
    const aside = /^\s{2,}\S/.test(body) || /^\s*([-•]|\d+[.)])\s/.test(body);
    const text = body.trim();
    if (text.startsWith("@")) break;
    if (text === "" || aside || (commented && !prose)) {
      flush();
      continue;
    }
    current.push(text);
  }
  flush();
  return out;
}

/** A paragraph's first sentence, without a trailing colon, cut at a word if very long. */
function firstSentence(paragraph: string): string {
  const end = /[.!?](\s|$)/.exec(paragraph);
  const sentence = (end ? paragraph.slice(0, end.index + 1) : paragraph).replace(/:$/, "").trim();
  if (sentence.length <= TITLE_MAX) return sentence;
  const cut = sentence.slice(0, TITLE_MAX - 1);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(" "), TITLE_MAX / 2))}…`;
}

/**
 * The title of a task: `metadata.title` if the task has one, else the first sentence of its
 * prompt that is not boilerplate (`shared`: sentences many tasks of the suite start with, like a
 * note about the tools, which would give them all one title).
 */
export function taskTitle(
  prompt: string,
  shared: ReadonlySet<string> = new Set(),
  metadata?: unknown,
): string {
  const given = (metadata as Record<string, unknown> | undefined)?.title;
  if (typeof given === "string" && given.trim() !== "") return firstSentence(given.trim());
  const sentences = paragraphs(prompt).map(firstSentence);
  return sentences.find((s) => !shared.has(s)) ?? sentences[0] ?? "";
}

/** Sentences that open a paragraph in more than one task of the suite. */
function sharedSentences(suite: Suite): Set<string> {
  const seen = new Map<string, number>();
  for (const task of suite.tasks) {
    for (const s of new Set(paragraphs(task.prompt).map(firstSentence))) seen.set(s, (seen.get(s) ?? 0) + 1);
  }
  return new Set([...seen].filter(([, n]) => n > 1).map(([s]) => s));
}

function summary(task: Task, suite: Suite, shared: ReadonlySet<string>): TaskSummary {
  const out: TaskSummary = {
    id: task.id,
    language: task.language,
    suite: task.suite ?? suite.name,
    title: taskTitle(task.prompt, shared, task.metadata),
  };
  const difficulty = (task.metadata as Record<string, unknown> | undefined)?.difficulty;
  if (typeof difficulty === "string" || typeof difficulty === "number") out.difficulty = String(difficulty);
  return out;
}

export function registerTaskRoutes(app: Hono, suite: Suite | undefined): void {
  const shared = suite === undefined ? new Set<string>() : sharedSentences(suite);
  app.get("/tasks", (c) => {
    if (suite === undefined) return c.json([]);
    const q = (c.req.query("q") ?? "").trim().toLowerCase();
    const tasks = suite.tasks
      .filter((t) => q === "" || t.id.toLowerCase().includes(q) || t.prompt.toLowerCase().includes(q))
      .map((t) => summary(t, suite, shared));
    return c.json(tasks);
  });
  // Task ids contain "/" (builtin/slugify, HumanEval/0): the id is the whole rest of the path.
  app.get("/tasks/:id{.+}", (c) => {
    const task = suite?.get(c.req.param("id"));
    if (task === undefined) return c.json({ detail: `Unknown task: ${c.req.param("id")}` }, 404);
    return c.json({
      id: task.id,
      language: task.language,
      prompt: task.prompt,
      entry_point: task.entry_point ?? null,
      metadata: task.metadata ?? {},
    });
  });
}
