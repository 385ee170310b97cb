/** strata tier WORKLOAD --node ID: memory tiers, caches and node count for a step or QPS/p99 target. */
import type { Command } from "commander";
import { openTrace, parseFormat } from "../cache/open.js";
import { readWorkload } from "./inputs.js";
import { UserError } from "../spec/errors.js";
import { CACHE_POLICIES, isDlrm } from "../spec/workload.js";
import { traceAccess } from "../tier/access.js";
import { tierRun } from "../commands/tier.js";
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
