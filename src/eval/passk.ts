/**
 * The unbiased pass@k estimator of Chen et al. 2021 ("Evaluating Large Language Models Trained on
 * Code"): for a task with n samples of which c pass, pass@k = 1 - C(n-c, k) / C(n, k), computed as
 * a running product so large n does not overflow.
 */
export function passAtK(n: number, c: number, k: number): number {
  if (
    !Number.isInteger(n) ||
    !Number.isInteger(c) ||
    !Number.isInteger(k) ||
    n < 0 ||
    c < 0 ||
    c > n ||
    k < 1
  ) {
    throw new RangeError(`passAtK needs integers 0 <= c <= n and k >= 1 (got n=${n}, c=${c}, k=${k})`);
  }
  if (k > n) throw new RangeError(`pass@${k} needs at least ${k} samples per task (got ${n})`);
  if (n - c < k) return 1;
  let failAll = 1;
  for (let i = n - c + 1; i <= n; i++) failAll *= 1 - k / i;
  return 1 - failAll;
}

/** Mean pass@k over tasks that have at least k samples; `tasks` says how many counted. */
export function meanPassAtK(
  counts: ReadonlyArray<{ n: number; c: number }>,
  k: number,
): { value: number; tasks: number } | undefined {
  const eligible = counts.filter((t) => t.n >= k);
  if (eligible.length === 0) return undefined;
  const sum = eligible.reduce((acc, t) => acc + passAtK(t.n, t.c, k), 0);
  return { value: sum / eligible.length, tasks: eligible.length };
}
