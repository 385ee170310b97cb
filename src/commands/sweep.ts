/** `strata sweep` as a library call: a plan's configurations run over worker threads, then the document `--json` prints. */
import { availableParallelism } from "node:os";
import { unpack, type PackedRow } from "../sweep/packed.js";
import { defaultDirection, paretoFront, topK, type Direction, type Scored } from "../sweep/pareto.js";
import { runSweep, type ChunkRunner } from "../sweep/pool.js";
import type { SweepRow } from "../sweep/run.js";
import type { SweepPlan } from "../sweep/spec.js";

export interface SweepDocument {
  runs: number;
  results: SweepRow[];
  pareto: number[];
  top?: number[];
}

export function directions(plan: SweepPlan): [Direction, Direction] {
  const names = plan.spec.pareto!;
  return names.map((n) => plan.spec.objectives[n] ?? defaultDirection(n)) as [Direction, Direction];
}

/** The Pareto front and the top k (indices) of a sweep's rows, from the objective values they carry. */
export function ranking(plan: SweepPlan, rows: readonly PackedRow[]): { pareto: number[]; top?: number[] } {
  if (!plan.spec.pareto) return { pareto: [] };
  const dirs = directions(plan);
  const scored: Scored[] = rows.flatMap((r) => (r.values ? [{ index: r.index, values: r.values }] : []));
  return { pareto: paretoFront(scored, dirs), ...(plan.spec.top !== undefined ? { top: topK(scored, dirs, plan.spec.top) } : {}) };
}

/** The sweep's JSON: every row in index order, the Pareto front and the top k (indices). */
export function sweepDocument(plan: SweepPlan, rows: readonly PackedRow[]): SweepDocument {
  return { runs: rows.length, results: rows.map(unpack), ...ranking(plan, rows) };
}

/** Run every configuration (`workers` threads, default the available cores); `onProgress` is told configurations done of the total. */
export async function sweep(plan: SweepPlan, o: { workers?: number; onProgress?: (done: number, total: number) => void; runHere?: ChunkRunner } = {}): Promise<SweepDocument> {
  let done = 0;
  const rows = await runSweep(plan, o.workers ?? availableParallelism(), (n) => o.onProgress?.((done += n), plan.configs.length), o.runHere);
  return sweepDocument(plan, rows);
}
