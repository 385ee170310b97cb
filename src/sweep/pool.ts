/**
 * Running a sweep's configurations on N workers: this thread and N - 1 piscina worker threads,
 * a chunk of configurations per task. Rows come back in index order whatever the number of
 * workers, and each configuration's result depends on nothing but its data.
 */
import { workerEntry } from "../io/worker-entry.js";
import type { PackedRow } from "./packed.js";
import type { SweepTask } from "./run.js";
import type { SweepPlan } from "./spec.js";

/** Configurations per task: about 8 tasks per worker (an even finish), at most 16 configurations each. */
export function chunkSize(configs: number, workers: number, requested?: number): number {
  return requested ?? Math.max(1, Math.min(16, Math.ceil(configs / (workers * 8))));
}

/** The tasks of a sweep, in index order. */
export function tasks(plan: SweepPlan, size: number): SweepTask[] {
  const out: SweepTask[] = [];
  const objectives = plan.spec.pareto;
  for (let i = 0; i < plan.configs.length; i += size) out.push({ command: plan.command, base: plan.base, flags: plan.flags, ...(objectives ? { objectives } : {}), configs: plan.configs.slice(i, i + size) });
  return out;
}

/**
 * Worker threads running src/sweep/worker.ts, each holding up to `chunksPerThread` chunks. Piscina
 * is loaded here: every other command (and a one-worker sweep) starts without it.
 */
export async function threadPool(threads: number, chunksPerThread = 1) {
  const { Piscina } = await import("piscina");
  return new Piscina({
    ...workerEntry(new URL("./worker", import.meta.url)), minThreads: threads, maxThreads: threads, idleTimeout: 1000, concurrentTasksPerWorker: chunksPerThread,
    // A 96 MB young generation: fewer scavenges of the planner's short-lived graphs (BENCHMARKS.md, Sweeps).
    resourceLimits: { maxYoungGenerationSizeMb: 96 },
  });
}

/**
 * Chunks each worker thread holds at once: one running, one queued, so a thread never waits for
 * this thread to hand it the next chunk while this thread runs one of its own.
 */
const CHUNKS_PER_THREAD = 2;

/** How this thread runs a chunk: loaded on first use unless given (the dashboard's compute threads give it). */
export type ChunkRunner = (task: SweepTask) => Promise<PackedRow[]>;

/**
 * Run every configuration of `plan` on `workers` workers: this thread is one of them (it has the
 * planners loaded anyway, and its results need no copying between threads), piscina threads the
 * others. Each worker takes the next chunk when it is free. `onChunk` is told how many
 * configurations each finished chunk held.
 */
export async function runSweep(plan: SweepPlan, workers: number, onChunk: (done: number) => void = () => {}, runHere?: ChunkRunner): Promise<PackedRow[]> {
  const all = tasks(plan, chunkSize(plan.configs.length, workers, plan.spec.chunk));
  const results: PackedRow[][] = new Array(all.length);
  let next = 0;
  const here = async (): Promise<void> => {
    const runChunk = runHere ?? (await import("./run.js")).runChunk;
    for (let i = next++; i < all.length; i = next++) {
      results[i] = await runChunk(all[i]!);
      onChunk(all[i]!.configs.length);
      // Let the threads' finished chunks in and hand them new ones between this thread's chunks.
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  const threads = Math.min(workers, all.length) - 1;
  if (threads <= 0) {
    await here();
    return results.flat();
  }
  const pool = await threadPool(threads, CHUNKS_PER_THREAD);
  const there = async (): Promise<void> => {
    try {
      for (let i = next++; i < all.length; i = next++) {
        results[i] = (await pool.run(all[i])) as PackedRow[];
        onChunk(all[i]!.configs.length);
      }
    } catch (err) {
      // A thread that died: no worker takes another chunk.
      next = all.length;
      throw err;
    }
  };
  try {
    await Promise.all([...Array.from({ length: threads * CHUNKS_PER_THREAD }, there), here()]);
  } finally {
    await pool.destroy();
  }
  return results.flat();
}
