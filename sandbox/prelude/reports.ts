/**
 * Report kinds the harness sends through bridge.report in grading mode. Shared by the in-sandbox
 * runner (which sends them) and the host (which tallies them); their meaning is in index.ts.
 */
export const REPORT = {
  registered: "registered",
  test: "test",
  runEnd: "run_end",
  error: "error",
} as const;
