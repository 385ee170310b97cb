/**
 * Host overheads per op name (Lin et al. T1-T5), as learned from profiler traces with the
 * profiler's own instrumentation removed. data/calibration/h100-host-overheads.json holds the
 * defaults (fitted by bench/calibrate.ts on ../shared/groundtruth/h100/traces); a user
 * calibration file can replace it.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { dataPath } from "../catalog/data-path.js";
import type { HostOverheads } from "./types.js";
import { parseDocument, readText, validate } from "../spec/load.js";

const Overheads = z.object({ t1: z.number(), t2: z.number(), t3: z.number(), t4: z.number(), t5: z.number() });

export const HostOverheadTable = z.object({
  source: z.string(),
  /** Profiler cost per recorded event that was removed, us. */
  instrumentationUsPerEvent: z.number().nonnegative(),
  /** Host overheads of forward ops under torch.no_grad() relative to training (no autograd recording). */
  noGradFactor: z.number().positive(),
  ops: z.record(z.string(), Overheads),
  fallback: Overheads,
  /** Multipliers of the modelled GPU time per op name, learned from traces (`strata calibrate`). */
  kernelCorrections: z.record(z.string(), z.number().positive()).optional(),
});
export type HostOverheadTable = z.infer<typeof HostOverheadTable>;

let cached: HostOverheadTable | undefined;

export function defaultHostOverheads(): HostOverheadTable {
  cached ??= HostOverheadTable.parse(JSON.parse(readFileSync(dataPath("calibration/h100-host-overheads.json"), "utf8")));
  return cached;
}

/** Load a calibration file written by `strata calibrate` (a host-overhead table, maybe with kernel corrections). */
export function loadCalibration(file: string): HostOverheadTable {
  return validate(HostOverheadTable, parseDocument(readText(file), file), file, "calibration");
}

export function overheadsFor(table: HostOverheadTable, opName: string, scale = 1): HostOverheads {
  const o = table.ops[opName] ?? table.fallback;
  return { t1: o.t1 * scale, t2: o.t2 * scale, t3: o.t3 * scale, t4: o.t4, t5: o.t5 * scale };
}
