/** strata predict <workload files...> [--gpu ID] [--host ID] [--host-speed X] [--calibration F] [--json] */
import type { Command } from "commander";
import { readWorkload } from "./inputs.js";
import { summaryTable } from "../report/prediction.js";
import { printJson } from "./run.js";
import { IMPLEMENTATIONS } from "../spec/workload.js";
import { addHostOptions, hostRequest, type HostFlags } from "./host-options.js";
import { predict, predictJson } from "../commands/predict.js";

export function registerPredict(program: Command): void {
  const command = program
    .command("predict")
    .description("predict one DLRM training step and inference batch per workload file")
    .argument("<files...>", "workload files (JSON or YAML)")
    .option("--gpu <id>", "override the workloads' GPU (see `strata catalog`)")
    .option("--implementation <id>", `software stack (overrides training.implementation): ${IMPLEMENTATIONS.join(", ")}`);
  addHostOptions(command)
    .option("--json", "print JSON instead of a table")
    .action((files: string[], opts: HostFlags & { gpu?: string; implementation?: string; json?: boolean }) => {
      const host = hostRequest(opts);
      const predictions = predict({ workloads: files.map(readWorkload), gpu: opts.gpu, implementation: opts.implementation, ...host });
      if (opts.json) printJson(predictJson(predictions));
      else process.stdout.write(summaryTable(predictions) + "\n");
    });
}
