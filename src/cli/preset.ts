/** strata preset NAME: print a DLRM workload preset (or a seeded random population). */
import type { Command } from "commander";
import { dlrmPreset, PRESETS } from "../catalog/dlrm-presets.js";
import { listClusters } from "../catalog/clusters.js";
import { table } from "../report/format.js";
import { LIMITS } from "../spec/workload.js";
import { UserError } from "../spec/errors.js";
import { addOutOption, outOf, parsePositiveInteger, printJson, writeOutput } from "./run.js";

export function registerPreset(program: Command): void {
  const preset = program
    .command("preset")
    .description(`print a DLRM workload preset: ${PRESETS.join(", ")} (seeded generators take --seed); no name lists them`)
    .argument("[name]", "preset name")
    .option("--seed <n>", "seed of the table generator", parsePositiveInteger("--seed"), 1)
    .option("--tables <n>", "tables of the random preset", parsePositiveInteger("--tables"), 64)
    .option("--batch <n>", "global batch of the mlperf-dlrm-dcnv2 preset (default 65536, the reference's)", parsePositiveInteger("--batch"))
    .option("--json", "with no name: list the presets as JSON");
  addOutOption(preset, "workload file to write")
    .action((name: string | undefined, opts: { seed: number; tables: number; batch?: number; json?: boolean; out?: string; output?: string }) => {
      if (name === undefined) {
        if (opts.json) return printJson({ presets: PRESETS });
        process.stdout.write(table(["preset"], PRESETS.map((p) => [p]), [false]) + "\n");
        return;
      }
      if (opts.tables > LIMITS.tables) throw new UserError(`--tables: expected at most ${LIMITS.tables}, found ${opts.tables}`);
      writeOutput(outOf(opts), JSON.stringify(dlrmPreset(name, opts.seed, opts.tables, opts.batch), null, 2) + "\n");
    });
  program
    .command("clusters")
    .description("list the cluster presets for strata plan")
    .option("--json", "print JSON")
    .action((opts: { json?: boolean }) => {
      if (opts.json) return printJson({ clusters: listClusters() });
      process.stdout.write(table(["id", "hosts x GPUs", "gpu", "intra-host GB/s", "inter-host GB/s per GPU"],
        listClusters().map((c) => [c.id, `${c.hosts} x ${c.gpusPerHost}`, c.gpu, (c.intraHost.bandwidthBytesPerSec / 1e9).toFixed(0), c.hosts > 1 ? (c.interHost.bandwidthBytesPerSec * c.interHost.nicsPerGpu / 1e9).toFixed(0) : "-"]),
        [false, false, false, true, true]) + "\n");
    });
}
