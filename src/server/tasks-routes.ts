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

/** First line of the prompt that says something (skips blanks, comment fences and bare `*`). */
export function taskTitle(prompt: string): string {
  for (const raw of prompt.split("\n")) {
    const line = raw
      .trim()
      .replace(/^(\/\*\*?|\*\/|\*|\/\/+|#+)\s*/, "")
      .replace(/\*\/$/, "")
      .trim();
    if (line !== "" && !line.startsWith("@")) return line.length > 120 ? `${line.slice(0, 117)}...` : line;
  }
  return "";
}

function summary(task: Task, suite: Suite): TaskSummary {
  const out: TaskSummary = {
    id: task.id,
    language: task.language,
    suite: task.suite ?? suite.name,
    title: taskTitle(task.prompt),
  };
  const difficulty = (task.metadata as Record<string, unknown> | undefined)?.difficulty;
  if (typeof difficulty === "string" || typeof difficulty === "number") out.difficulty = String(difficulty);
  return out;
}

export function registerTaskRoutes(app: Hono, suite: Suite | undefined): void {
  app.get("/tasks", (c) => {
    if (suite === undefined) return c.json([]);
    const q = (c.req.query("q") ?? "").trim().toLowerCase();
    const tasks = suite.tasks
      .filter((t) => q === "" || t.id.toLowerCase().includes(q) || t.prompt.toLowerCase().includes(q))
      .map((t) => summary(t, suite));
    return c.json(tasks);
  });
  app.get("/tasks/:id", (c) => {
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
