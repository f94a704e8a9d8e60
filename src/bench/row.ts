/** One figure of a benchmark: every benchmark in this folder returns a list of these. */
export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  note?: string;
}
