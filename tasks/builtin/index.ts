/**
 * tasks/builtin/: the built-in suite's tasks, one file per topic.
 * May import ../schema.ts and ../format.ts only.
 */
import type { Task } from "../schema.ts";
import { arrayTasks } from "./arrays.ts";
import { asyncTasks } from "./async.ts";
import { concurrencyTasks } from "./concurrency.ts";
import { debuggingTasks } from "./debugging.ts";
import { dpTasks } from "./dp.ts";
import { fileTasks } from "./files.ts";
import { graphTasks } from "./graphs.ts";
import { intervalTasks } from "./intervals.ts";
import { parsingTasks } from "./parsing.ts";
import { stringTasks } from "./strings.ts";
import { structureTasks } from "./structures.ts";

/** The built-in suite ("builtin"): original tasks, easy to hard, JS and TS, tools and debugging. */
export const builtinTasks: Task[] = [
  ...stringTasks,
  ...arrayTasks,
  ...graphTasks,
  ...dpTasks,
  ...parsingTasks,
  ...structureTasks,
  ...intervalTasks,
  ...asyncTasks,
  ...concurrencyTasks,
  ...fileTasks,
  ...debuggingTasks,
];
