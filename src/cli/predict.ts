/** strata predict <workload files...> [--gpu ID] [--json] [--host-speed X] */
import type { Command } from "commander";
import { loadWorkload } from "../spec/load.js";
import { loadCalibration } from "../graph/host-overheads.js";
import { predictWorkload } from "../predict.js";
import { predictionJson, summaryTable } from "../report/prediction.js";
import { parsePositiveNumber, printJson } from "./run.js";
import { IMPLEMENTATIONS } from "../spec/workload.js";

export function registerPredict(program: Command): void {
  program
    .command("predict")
    .description("predict one DLRM training step and inference batch per workload file")
    .argument("<files...>", "workload files (JSON or YAML)")
    .option("--gpu <id>", "override the workloads' GPU (see `strata catalog`)")
    .option("--implementation <id>", `software stack (overrides training.implementation): ${IMPLEMENTATIONS.join(", ")}`)
    .option("--host-speed <factor>", "multiply host overheads (2 = a host twice as slow)", parsePositiveNumber("--host-speed"))
    .option("--calibration <file>", "host overheads and kernel corrections from `strata calibrate`")
    .option("--json", "print JSON instead of a table")
    .action((files: string[], opts: { gpu?: string; implementation?: string; hostSpeed?: number; calibration?: string; json?: boolean }) => {
      const hostOverheads = opts.calibration ? loadCalibration(opts.calibration) : undefined;
      const predictions = files.map((f) => predictWorkload(loadWorkload(f), { gpu: opts.gpu, implementation: opts.implementation, hostSpeedFactor: opts.hostSpeed, hostOverheads }));
      if (opts.json) printJson({ results: predictions.map(predictionJson) });
      else process.stdout.write(summaryTable(predictions) + "\n");
    });
}
