/** strata preset NAME: print a DLRM workload preset (or a seeded random population). */
import type { Command } from "commander";
import { dlrmPreset, PRESETS } from "../catalog/dlrm-presets.js";
import { listClusters } from "../catalog/clusters.js";
import { table } from "../report/format.js";
import { parsePositiveInteger, parsePositiveNumber, printJson } from "./run.js";

export function registerPreset(program: Command): void {
  program
    .command("preset")
    .description(`print a DLRM workload preset: ${PRESETS.join(", ")} (seeded generators take --seed)`)
    .argument("<name>", "preset name")
    .option("--seed <n>", "seed of the table generator", parsePositiveNumber("--seed"), 1)
    .option("--tables <n>", "tables of the random preset", parsePositiveNumber("--tables"), 64)
    .option("--batch <n>", "global batch of the mlperf-dlrm-dcnv2 preset (default 65536, the reference's)", parsePositiveInteger("--batch"))
    .action((name: string, opts: { seed: number; tables: number; batch?: number }) => printJson(dlrmPreset(name, opts.seed, opts.tables, opts.batch)));
  program
    .command("clusters")
    .description("list the cluster presets for strata plan")
    .action(() => {
      process.stdout.write(table(["id", "hosts x GPUs", "gpu", "intra-host GB/s", "inter-host GB/s per GPU"],
        listClusters().map((c) => [c.id, `${c.hosts} x ${c.gpusPerHost}`, c.gpu, (c.intraHost.bandwidthBytesPerSec / 1e9).toFixed(0), c.hosts > 1 ? (c.interHost.bandwidthBytesPerSec * c.interHost.nicsPerGpu / 1e9).toFixed(0) : "-"]),
        [false, false, false, true, true]) + "\n");
    });
}
