/**
 * tasks/: the task schema, suite and completions loaders, format adapters, the built-in suite.
 * May import errors/ only (tasks are data; grading them is the sandbox's and the environment's job).
 */
export {
  type AdaptOptions,
  adaptRecord,
  detectFormat,
  type ExercismRecord,
  exercismRecordSchema,
  fromExercism,
  fromHumanEval,
  fromMultiplE,
  guessFormat,
  type HumanEvalRecord,
  humanEvalRecordSchema,
  type MultiplERecord,
  multiplERecordSchema,
  RECORD_FORMATS,
  type RecordFormat,
} from "./adapters.ts";
export { builtinTasks } from "./builtin/index.ts";
export { buildFullProgram, buildProgram, buildReferenceProgram, type TaskProgram } from "./format.ts";
export {
  type FormatOption,
  formatLoadError,
  type LoadSuiteOptions,
  loadCompletions,
  loadSuite,
  makeSuite,
  type ParsedTasks,
  type ParseOptions,
  parseCompletionsJsonl,
  parseTasksJsonl,
  type Suite,
  type TaskLoadError,
} from "./loader.ts";
export {
  type ExportInfo,
  type ImportBinding,
  type ParsedImport,
  stripExports,
  stripImports,
} from "./modules.ts";
export {
  type Completion,
  completionSchema,
  describeZodIssues,
  languageSchema,
  type Task,
  type TaskLanguage,
  taskSchema,
} from "./schema.ts";
