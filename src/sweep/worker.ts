/** A piscina worker thread of `strata sweep`: runs one chunk of configurations (src/sweep/run.ts). */
import { runChunk, type SweepRow, type SweepTask } from "./run.js";

export default function run(task: SweepTask): Promise<SweepRow[]> {
  return runChunk(task);
}
