/** A piscina worker thread of `strata sweep`: runs one chunk of configurations (src/sweep/run.ts). */
import type { PackedRow } from "./packed.js";
import { runChunk, type SweepTask } from "./run.js";

export default function run(task: SweepTask): Promise<PackedRow[]> {
  return runChunk(task);
}
