/**
 * Running a sweep's configurations: in this thread with one worker, else in piscina worker
 * threads, a chunk of configurations per task. Rows come back in index order whatever the
 * number of workers, and each configuration's result depends on nothing but its data.
 */
import { fileURLToPath } from "node:url";
import type { SweepRow, SweepTask } from "./run.js";
import type { SweepPlan } from "./spec.js";

/** Configurations per task: about 8 tasks per worker (an even finish), at most 16 configurations each. */
export function chunkSize(configs: number, workers: number, requested?: number): number {
  return requested ?? Math.max(1, Math.min(16, Math.ceil(configs / (workers * 8))));
}

/** The tasks of a sweep, in index order. */
export function tasks(plan: SweepPlan, size: number): SweepTask[] {
  const out: SweepTask[] = [];
  for (let i = 0; i < plan.configs.length; i += size) out.push({ command: plan.command, base: plan.base, flags: plan.flags, configs: plan.configs.slice(i, i + size) });
  return out;
}

/**
 * The worker file beside this one: worker.js when running compiled (dist/), worker.ts through
 * tsx when running from source (tests, `node --import tsx src/cli/main.ts`).
 */
export function workerEntry(): { filename: string; execArgv: string[] } {
  const fromSource = import.meta.url.endsWith(".ts");
  const filename = fileURLToPath(new URL(fromSource ? "./worker.ts" : "./worker.js", import.meta.url));
  if (!fromSource) return { filename, execArgv: [] };
  const inherited = process.execArgv.some((a, i, all) => a === "--import" && /tsx/.test(all[i + 1] ?? "") || /^--import=.*tsx/.test(a));
  if (inherited) return { filename, execArgv: process.execArgv };
  let tsx = "tsx";
  try {
    tsx = import.meta.resolve("tsx");
  } catch {
    // Resolved from the working directory instead.
  }
  return { filename, execArgv: [...process.execArgv, "--import", tsx] };
}

/** Run every configuration of `plan`; `onChunk` is told how many configurations each finished task held. */
export async function runSweep(plan: SweepPlan, workers: number, onChunk: (done: number) => void = () => {}): Promise<SweepRow[]> {
  const all = tasks(plan, chunkSize(plan.configs.length, workers, plan.spec.chunk));
  const results: SweepRow[][] = new Array(all.length);
  if (workers <= 1 || all.length <= 1) {
    // Loaded here: the planners are the worker threads' to load when there are threads.
    const { runChunk } = await import("./run.js");
    for (const [i, t] of all.entries()) {
      results[i] = await runChunk(t);
      onChunk(t.configs.length);
    }
    return results.flat();
  }
  const threads = Math.min(workers, all.length);
  // Loaded here: every other command (and a one-worker sweep) starts without it.
  const { Piscina } = await import("piscina");
  const pool = new Piscina({ ...workerEntry(), minThreads: threads, maxThreads: threads, idleTimeout: 1000, resourceLimits: { maxYoungGenerationSizeMb: 96 } });
  try {
    await Promise.all(all.map(async (t, i) => {
      results[i] = (await pool.run(t)) as SweepRow[];
      onChunk(t.configs.length);
    }));
  } finally {
    await pool.destroy();
  }
  return results.flat();
}
