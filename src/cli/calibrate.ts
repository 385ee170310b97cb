/** strata calibrate TRACES... -o calibration.json: learn host overheads (and kernel corrections) from traces. */
import { basename } from "node:path";
import type { Command } from "commander";
import { defaultHostOverheads } from "../graph/host-overheads.js";
import { predictWorkload } from "../predict.js";
import { UserError } from "../spec/errors.js";
import { loadWorkload } from "../spec/load.js";
import { collectSamples, kernelCorrections, overheadTable, tracedGpuByOp } from "../trace/calibrate.js";
import { parsePositiveNumber, writeOutput } from "./run.js";
import { loadWithProgress } from "./trace.js";

const traceStem = (file: string): string => basename(file).replace(/(\.kineto)?\.json(\.gz)?$/, "");

export function registerCalibrate(program: Command): void {
  program
    .command("calibrate")
    .description("learn host overheads (T1-T5 per op) from Kineto traces, and kernel-model corrections when the traces' workloads are given")
    .argument("<traces...>", "Kineto traces (plain or .gz)")
    .requiredOption("-o, --output <file>", "calibration file to write (use with strata predict --calibration)")
    .option("--workloads <files...>", "workload files whose names match the traces' file names (NAME.kineto.json.gz)")
    .option("--instrumentation-us <us>", "profiler cost per recorded event to remove", parsePositiveNumber("--instrumentation-us"))
    .action(async (traces: string[], opts: { output: string; workloads?: string[]; instrumentationUs?: number }) => {
      const base = defaultHostOverheads();
      const c = opts.instrumentationUs ?? base.instrumentationUsPerEvent;
      const samples = await collectSamples(traces);
      const table = overheadTable(samples, c, base.noGradFactor, `strata calibrate on ${traces.length} trace(s): ${traces.map((t) => basename(t)).join(", ")}; ${c} us removed per recorded event`);
      if (opts.workloads?.length) {
        const byName = new Map(opts.workloads.map((f) => [loadWorkload(f).name, loadWorkload(f)]));
        const pairs = [];
        for (const t of traces) {
          const w = byName.get(traceStem(t));
          if (!w) continue;
          const loaded = await loadWithProgress(t);
          const predicted = new Map(predictWorkload(w, { hostOverheads: table }).train.byOp.map((o) => [o.name, o.gpuUs]));
          pairs.push({ traced: tracedGpuByOp(loaded.steps), predicted });
        }
        if (!pairs.length) throw new UserError(`--workloads: no workload name matches a trace file name (${traces.map(traceStem).join(", ")})`);
        table.kernelCorrections = kernelCorrections(pairs);
      }
      writeOutput(opts.output, JSON.stringify(table, null, 1) + "\n");
      process.stdout.write(`wrote ${opts.output}: host overheads for ${Object.keys(table.ops).length} ops${table.kernelCorrections ? `, kernel corrections for ${Object.keys(table.kernelCorrections).length}` : ""}\n`);
    });
}
