/**
 * Batch grading over HTTP vs in process: a HumanEval-style suite's references graded by
 * `POST /grade` (one request with every item, and requests of 32 items with 8 in flight) against
 * `gradeSamples` (what `codeact-env eval` runs), same engine, same concurrency, same run.
 */
import { availableParallelism } from "node:os";
import { shutdownEngines } from "../../sandbox/index.ts";
import { loadSuite } from "../../tasks/index.ts";
import { CodeActEnv } from "../env/index.ts";
import { gradeSamples, samplesFromSuite } from "../eval/index.ts";
import { createServer } from "../server/index.ts";
import type { BenchRow } from "./row.ts";

export async function benchGradeHttp(opts: { suitePath: string; quick?: boolean }): Promise<BenchRow[]> {
  const suite = await loadSuite(opts.suitePath);
  const all = samplesFromSuite(suite, "canonical").samples;
  const samples = opts.quick ? all.slice(0, 48) : all;
  const concurrency = availableParallelism() * 4;
  const server = createServer({
    port: 0,
    createEnv: () => new CodeActEnv({ engine: "isolated-vm" }),
    suite,
    logLevel: "silent",
    batch: { engine: "isolated-vm", concurrency },
  });
  const { url } = await server.start();
  const items = samples.map((s) => ({ task_id: s.task.id, completion: s.completion }));
  const post = async (batch: unknown[]) => {
    const response = await fetch(`${url}/grade`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ items: batch }),
    });
    return ((await response.json()) as { results: Array<{ passed: boolean }> }).results;
  };
  try {
    await gradeSamples(samples.slice(0, 8), { engine: "isolated-vm", concurrency: 8 });
    await post(items.slice(0, 8));
    const local: number[] = [];
    const whole: number[] = [];
    const chunked: number[] = [];
    let passedHttp = 0;
    let passedLocal = 0;
    for (let r = 0; r < (opts.quick ? 1 : 3); r++) {
      let t0 = performance.now();
      passedLocal = (await gradeSamples(samples, { engine: "isolated-vm", concurrency })).filter(
        (x) => x.passed,
      ).length;
      local.push(performance.now() - t0);
      t0 = performance.now();
      passedHttp = (await post(items)).filter((x) => x.passed).length;
      whole.push(performance.now() - t0);
      t0 = performance.now();
      const chunks = Array.from({ length: Math.ceil(items.length / 32) }, (_, i) =>
        items.slice(i * 32, i * 32 + 32),
      );
      let next = 0;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (next < chunks.length) await post(chunks[next++] as unknown[]);
        }),
      );
      chunked.push(performance.now() - t0);
    }
    const best = (xs: number[]) => Math.min(...xs);
    const rate = (ms: number) => Math.round((samples.length / ms) * 1000 * 10) / 10;
    const note = `${suite.name} references, ${samples.length} samples, concurrency ${concurrency}, isolated-vm, best of ${local.length}`;
    return [
      {
        name: "grade in process (eval's gradeSamples)",
        value: rate(best(local)),
        unit: "samples/s",
        note: `${note}; ${passedLocal} passed`,
      },
      {
        name: "grade over HTTP: POST /grade, one request",
        value: rate(best(whole)),
        unit: "samples/s",
        note: `${passedHttp} passed`,
      },
      {
        name: "grade over HTTP: 32 items a request, 8 in flight",
        value: rate(best(chunked)),
        unit: "samples/s",
      },
      {
        name: "grade over HTTP / in process (one request)",
        value: Math.round((best(local) / best(whole)) * 1000) / 1000,
        unit: "x",
        note: "target >= 0.85",
      },
    ];
  } finally {
    await server.close();
    await shutdownEngines();
  }
}
