/**
 * src/bench/: the benchmarks behind `codeact-env bench` (sandbox, fork, grader, server, batch grading, type checks).
 * May import errors/, sandbox/, tasks/ and src/{env,eval,server,client}; nothing imports it but src/cli/.
 */
export { benchFork } from "./fork.ts";
export { benchGradeHttp } from "./grade-http.ts";
export { benchGrader } from "./grader.ts";
export { benchLayers } from "./layers.ts";
export type { BenchRow } from "./row.ts";
export { benchSandbox } from "./sandbox.ts";
export { benchServer } from "./server.ts";
export { benchSoak, type SoakReport, soakRows } from "./soak.ts";
export { benchTypecheck } from "./typecheck.ts";
