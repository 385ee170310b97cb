/** `strata plan` as a library call: a DLRM workload and the flags, checked, then the sharding planner. */
import { z } from "zod";
import { resolveCatalogCluster, resolveCluster, type Cluster } from "../catalog/clusters.js";
import { COMM_BYTES, type CommDtype } from "../perf/collectives.js";
import type { PlanOptions } from "../shard/context.js";
import { planSharding, STRATEGIES, type Strategy } from "../shard/planner.js";
import type { PlanResult } from "../shard/types.js";
import { UserError } from "../spec/errors.js";
import { ImplementationId, isDlrm, workloadClusterId, type DlrmWorkload, type Workload } from "../spec/workload.js";
import { HostFields, hostOf, type HostRequest } from "./host.js";
import { CatalogWorkload, catalogId } from "./workload.js";

export interface PlanRequest extends Omit<HostRequest, "calibration"> {
  workload: Workload;
  /** A cluster id or (CLI) a cluster file; default: the workload's. */
  cluster?: string;
  strategy?: string;
  implementation?: string;
  commPrecision?: string;
  milpSeconds?: number;
  /** Keep every rank's timeline (`--timeline`). */
  timeline?: boolean;
}

/** What the planner runs on, every flag checked. */
export interface PlanInputs {
  workload: DlrmWorkload;
  cluster: Cluster;
  strategy: Strategy;
  options: PlanOptions;
}

const COMM_DTYPES = Object.keys(COMM_BYTES) as CommDtype[];

/** A DLRM workload: plan and tier place embedding tables. */
export const DlrmWorkloadField = (command: string) => CatalogWorkload.refine(isDlrm, { path: ["model", "kind"], message: `strata ${command} needs a DLRM workload (model.kind "dlrm")` });

export const PlanBody = z.strictObject({
  workload: DlrmWorkloadField("plan"),
  cluster: catalogId(resolveCatalogCluster).optional(),
  strategy: z.enum(STRATEGIES).optional(),
  implementation: ImplementationId.optional(),
  commPrecision: z.enum(COMM_DTYPES).optional(),
  milpSeconds: z.number().positive().optional(),
  ...HostFields,
}).refine((b) => b.cluster !== undefined || workloadClusterId(b.workload) !== undefined, { path: ["cluster"], message: "no cluster: give cluster, hardware.cluster, or hardware.count > 1 GPUs in one host" });

/** Check a plan request (`where` names the workload in errors: its file); `clusterOf` resolves the cluster id (the API's reads no file). */
export function planInputs(r: PlanRequest, where: string, clusterOf: (id: string) => Cluster = resolveCluster): PlanInputs {
  const w = r.workload;
  if (!isDlrm(w)) throw new UserError(`${where}: strata plan shards DLRM tables; model.kind is "${w.model.kind}"`);
  const clusterId = r.cluster ?? workloadClusterId(w);
  if (!clusterId) throw new UserError(`${where}: no cluster: give --cluster ID, hardware.cluster, or hardware.count > 1 GPUs in one host`);
  const strategy = r.strategy ?? "best";
  if (!(STRATEGIES as readonly string[]).includes(strategy)) throw new UserError(`--strategy: expected one of ${STRATEGIES.join(", ")}, found "${strategy}"`);
  if (r.commPrecision !== undefined && !(r.commPrecision in COMM_BYTES)) throw new UserError(`--comm-precision: expected one of ${COMM_DTYPES.join(", ")}, found "${r.commPrecision}"`);
  const cluster = clusterOf(clusterId);
  const { host } = hostOf(r);
  return {
    workload: w, cluster, strategy: strategy as Strategy,
    options: { commDtype: r.commPrecision as CommDtype | undefined, milpSeconds: r.milpSeconds, implementation: r.implementation, timeline: r.timeline ?? false, host: host.factors },
  };
}

/** The plan; `onStage` is told each strategy (or solver stage) as it starts. */
export function runPlan(i: PlanInputs, onStage?: (stage: string) => void): Promise<PlanResult> {
  return planSharding(i.workload, i.cluster, i.strategy, { ...i.options, onStage });
}
