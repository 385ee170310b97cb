/**
 * `strata predict` and `strata timeline` as library calls: workloads and flags in, predictions
 * out, and their views (the `--json` document, the Chrome trace). The CLI and the API call these.
 */
import { z } from "zod";
import { getGpu } from "../catalog/gpus.js";
import { predictWorkload, type Prediction } from "../predict.js";
import { predictionJson } from "../report/prediction.js";
import { toChromeTrace } from "../sim/chrome-trace.js";
import { ImplementationId, type Workload } from "../spec/workload.js";
import { HostFields, hostOf, type HostRequest } from "./host.js";
import { CatalogWorkload, catalogId } from "./workload.js";

/** Workloads one API call may predict. */
export const MAX_WORKLOADS = 64;

export interface PredictRequest extends HostRequest {
  workloads: Workload[];
  /** Overrides the workloads' GPU. */
  gpu?: string;
  /** Overrides training.implementation. */
  implementation?: string;
}

export const PredictBody = z.strictObject({
  workloads: z.array(CatalogWorkload).min(1).max(MAX_WORKLOADS),
  gpu: catalogId(getGpu).optional(),
  implementation: ImplementationId.optional(),
  ...HostFields,
});

export function predict(r: PredictRequest, o: { recordTimeline?: boolean } = {}): Prediction[] {
  const host = hostOf(r);
  return r.workloads.map((w) => predictWorkload(w, { gpu: r.gpu, implementation: r.implementation, ...host, ...o }));
}

/** `strata predict --json`. */
export const predictJson = (ps: Prediction[]) => ({ results: ps.map(predictionJson) });

export const TimelineBody = z.strictObject({ workload: CatalogWorkload, gpu: catalogId(getGpu).optional(), ...HostFields });

/** `strata timeline`: one workload's predicted step, recorded. */
export function timeline(r: Omit<PredictRequest, "workloads" | "implementation"> & { workload: Workload }): Prediction {
  return predict({ ...r, workloads: [r.workload] }, { recordTimeline: true })[0]!;
}

/** The Chrome trace `strata timeline` writes. */
export const timelineTrace = (p: Prediction) => toChromeTrace(p.name, p.train.timeline, { gpu: p.gpu.id, stepMs: p.train.stepUs / 1000 });
