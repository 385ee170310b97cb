/** `strata tier` as a library call: a DLRM workload and the flags, checked, then the tier planner. */
import { z } from "zod";
import { getNode } from "../catalog/tiers.js";
import { UserError } from "../spec/errors.js";
import { CACHE_POLICIES, type CachePolicy, type DlrmWorkload } from "../spec/workload.js";
import { analyticAccess, type TableAccess } from "../tier/access.js";
import { runTier, type TierResult } from "../tier/run.js";
import { DlrmWorkloadField } from "./plan.js";
import { catalogId } from "./workload.js";

export interface TierFlags {
  node: string;
  baselineNode?: string;
  mode: string;
  targetStepMs?: number;
  qps?: number;
  p99Ms?: number;
  policy?: string;
}

const positive = z.number().positive().optional();

export const TierBody = z.strictObject({
  workload: DlrmWorkloadField("tier"),
  node: catalogId(getNode),
  baselineNode: catalogId(getNode).optional(),
  mode: z.enum(["train", "infer"]),
  targetStepMs: positive,
  qps: positive,
  p99Ms: positive,
  policy: z.enum(CACHE_POLICIES).optional(),
});

/** `strata tier` on a workload with its flags checked (also a sweep's tier configuration); `access` defaults to the index distribution's. */
export function tierRun(w: DlrmWorkload, o: TierFlags, access: () => TableAccess[] = () => analyticAccess(w)): Promise<TierResult> {
  if (o.mode !== "train" && o.mode !== "infer") throw new UserError(`--mode: expected train or infer, found "${o.mode}"`);
  if (o.mode === "train" && o.targetStepMs === undefined) throw new UserError("--mode train needs --target-step-ms T");
  if (o.mode === "infer" && (o.qps === undefined || o.p99Ms === undefined)) throw new UserError("--mode infer needs --qps Q and --p99-ms L");
  if (o.policy !== undefined && !(CACHE_POLICIES as readonly string[]).includes(o.policy)) throw new UserError(`--policy: expected one of ${CACHE_POLICIES.join(", ")}, found "${o.policy}"`);
  const node = getNode(o.node);
  const baseline = o.baselineNode ? getNode(o.baselineNode) : undefined;
  return runTier(w, { node, baseline, mode: o.mode, targetStepMs: o.targetStepMs, qps: o.qps, p99Ms: o.p99Ms, access: access(), policy: o.policy as CachePolicy | undefined });
}

/** `strata tier --json`: the result as JSON prints it (undefined fields left out). */
export const tierJson = (r: TierResult): unknown => JSON.parse(JSON.stringify(r));
