/** The GPU catalog: data/catalog/gpus.json, every figure with its source. */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { UserError } from "../spec/errors.js";
import { dataPath } from "./data-path.js";

const DtypeFlops = z.object({
  fp64: z.number().positive().optional(),
  fp32: z.number().positive(),
  tf32: z.number().positive().optional(),
  fp16: z.number().positive().optional(),
  bf16: z.number().positive().optional(),
  fp8: z.number().positive().optional(),
  fp4: z.number().positive().optional(),
});

export const Gpu = z.object({
  id: z.string(),
  name: z.string(),
  architecture: z.string(),
  peakFlopsPerSec: DtypeFlops,
  hbmBytes: z.number().positive(),
  hbmBandwidthBytesPerSec: z.number().positive(),
  l2Bytes: z.number().positive(),
  smCount: z.number().int().positive(),
  /** Idle (pointer-chase) DRAM load latency, ns: the latency a random-row gather must hide (perf/embedding.ts). */
  dramLatencyNs: z.number().positive(),
  boostClockMHz: z.number().positive(),
  hostLink: z.object({ kind: z.string(), bandwidthBytesPerSecPerDirection: z.number().positive() }),
  nvlinkBandwidthBytesPerSec: z.number().nonnegative(),
  tdpWatts: z.number().positive(),
  launchOverheadUs: z.number().positive(),
  sources: z.record(z.string(), z.string()),
});
export type Gpu = z.infer<typeof Gpu>;

const Catalog = z.object({ source_note: z.string().optional(), gpus: z.array(Gpu).min(1) });

let cached: Gpu[] | undefined;

export function listGpus(): Gpu[] {
  cached ??= Catalog.parse(JSON.parse(readFileSync(dataPath("catalog/gpus.json"), "utf8"))).gpus;
  return cached;
}

export function getGpu(id: string): Gpu {
  const gpu = listGpus().find((g) => g.id === id);
  if (!gpu) {
    throw new UserError(`unknown GPU "${id}"; the catalog has: ${listGpus().map((g) => g.id).join(", ")} (see \`strata catalog\`)`);
  }
  return gpu;
}
