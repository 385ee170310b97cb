/**
 * Calibration files (`--calibration FILE`): either a host-overhead table learned from traces
 * (`strata calibrate TRACES`) or host factors fitted from measured steps (`strata calibrate
 * --measured`), which apply on top of the bundled table.
 */
import { z } from "zod";
import { HostOverheadTable } from "../graph/host-overheads.js";
import type { HostFactors } from "../sim/simulate.js";
import { parseDocument, readText, validate } from "../spec/load.js";

const positive = z.number().positive();

export const MeasuredCalibration = z.object({
  kind: z.literal("measured-host"),
  source: z.string(),
  /** A label for the machine the steps were timed on. */
  host: z.string(),
  hostFactors: z.object({ dispatch: positive, sync: positive }),
  /** How the fit did on the files it was given (for the reader; predictions use only hostFactors). */
  fit: z.object({
    gmaeBefore: z.number().nonnegative(),
    gmaeAfter: z.number().nonnegative(),
    workloads: z.array(z.object({ name: z.string(), gpu: z.string(), measuredMs: positive, predictedBeforeMs: positive, predictedAfterMs: positive })),
  }),
});
export type MeasuredCalibration = z.infer<typeof MeasuredCalibration>;

export interface Calibration {
  /** Replaces the bundled host-overhead table. */
  hostOverheads?: HostOverheadTable;
  /** The host's speed against the bundled table's host. */
  measured?: { id: string; factors: HostFactors };
}

export function loadCalibration(file: string): Calibration {
  const doc = parseDocument(readText(file), file);
  if (doc !== null && typeof doc === "object" && (doc as { kind?: unknown }).kind === "measured-host") {
    const m = validate(MeasuredCalibration, doc, file, "calibration");
    return { measured: { id: m.host, factors: m.hostFactors } };
  }
  return { hostOverheads: validate(HostOverheadTable, doc, file, "calibration") };
}
