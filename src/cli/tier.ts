/** strata tier WORKLOAD --node ID: memory tiers, caches and node count for a step or QPS/p99 target. */
import type { Command } from "commander";
import { getNode } from "../catalog/tiers.js";
import { openTrace, parseFormat } from "../cache/open.js";
import { readWorkload } from "./inputs.js";
import { UserError } from "../spec/errors.js";
import { CACHE_POLICIES, isDlrm, type CachePolicy, type DlrmWorkload } from "../spec/workload.js";
import { analyticAccess, traceAccess, type TableAccess } from "../tier/access.js";
import { runTier, type TierResult } from "../tier/run.js";
import { tierText } from "../report/tier.js";
import { parsePositiveNumber, printJson } from "./run.js";

export function registerTier(program: Command): void {
  program
    .command("tier")
    .description("place embedding tables over HBM, DRAM, CXL, PMem and SSD with caches; fewest nodes, then least power, for a target (MTrainS / SDM)")
    .argument("<workload>", "DLRM workload file")
    .requiredOption("--node <id>", "node preset: zionex-a100, mtrains-a100 (train), sdm-dram, sdm-nand, sdm-optane (infer); see docs/tiers.md")
    .option("--baseline-node <id>", "node to compare with (default: --node with only its HBM and DRAM)")
    .requiredOption("--mode <mode>", "train or infer")
    .option("--target-step-ms <ms>", "train: the step time to meet", parsePositiveNumber("--target-step-ms"))
    .option("--qps <q>", "infer: queries per second to serve", parsePositiveNumber("--qps"))
    .option("--p99-ms <ms>", "infer: p99 latency to meet", parsePositiveNumber("--p99-ms"))
    .option("--policy <p>", `cache policy: ${CACHE_POLICIES.join(", ")} (default: set-lru for train, lru for infer)`)
    .option("--trace <file>", "access trace (table in the id's high half): exact per-table hit curves instead of the index distribution")
    .option("--trace-format <f>", "trace format: embedding-csv (table,row) or oracleGeneral", "embedding-csv")
    .option("--json", "print JSON")
    .action(async (file: string, o: { node: string; baselineNode?: string; mode: string; targetStepMs?: number; qps?: number; p99Ms?: number; policy?: string; trace?: string; traceFormat: string; json?: boolean }) => {
      const w = readWorkload(file);
      if (!isDlrm(w)) throw new UserError(`${file}: strata tier places DLRM embedding tables; model.kind is "${w.model.kind}"`);
      const r = await tierRun(w, o, o.trace ? () => traceAccess(w, openTrace(o.trace!, parseFormat(o.traceFormat)), w.training.batchSize) : undefined);
      if (o.json) return printJson(r);
      process.stdout.write(tierText(w, r));
    });
}

export interface TierFlags {
  node: string;
  baselineNode?: string;
  mode: string;
  targetStepMs?: number;
  qps?: number;
  p99Ms?: number;
  policy?: string;
}

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
