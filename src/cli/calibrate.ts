/**
 * strata calibrate TRACES... -o cal.json: learn host overheads (and kernel corrections) from traces.
 * strata calibrate --measured FILES... -o cal.json: fit the host's speed from timed steps.
 */
import { basename } from "node:path";
import type { Command } from "commander";
import { defaultHostOverheads } from "../graph/host-overheads.js";
import type { MeasuredCalibration } from "../host/calibration.js";
import { fitHostFactors, measuredTrainStepMs } from "../host/fit.js";
import { predictWorkload, trainStepByHost } from "../predict.js";
import { UserError } from "../spec/errors.js";
import { readWorkload } from "./inputs.js";
import { collectSamples, kernelCorrections, overheadTable, tracedGpuByOp } from "../trace/calibrate.js";
import { uniformProfilerCost } from "../trace/overheads.js";
import { addOutOption, outOf, parsePositiveNumber, writeOutput } from "./run.js";
import { loadWithProgress } from "./trace.js";

const traceStem = (file: string): string => basename(file).replace(/(\.kineto)?\.json(\.gz)?$/, "");
const round = (x: number): number => Number(x.toFixed(4));

interface Options { out?: string; output?: string; workloads?: string[]; instrumentationUs?: number; measured?: string[]; hostLabel?: string }

export function registerCalibrate(program: Command): void {
  const command = program
    .command("calibrate")
    .description("learn host overheads (T1-T5 per op) from Kineto traces, or the host's speed from a few measured steps (--measured)")
    .argument("[traces...]", "Kineto traces (plain or .gz)");
  addOutOption(command, "calibration file to write (use with --calibration on predict, trace predict, timeline)")
    .option("--measured <files...>", "workload files with hardware.gpu and measured.trainStepMs (a number or {median}) timed on your machine")
    .option("--host-label <name>", "a name for the measured machine (default: the first file's name)")
    .option("--workloads <files...>", "with traces: workload files whose names match the traces' file names (NAME.kineto.json.gz)")
    .option("--instrumentation-us <us>", "with traces: profiler cost per recorded event to remove (default: the bundled calibration's per event class)", parsePositiveNumber("--instrumentation-us"))
    .action(async (traces: string[], opts: Options) => {
      if (opts.measured?.length) {
        if (traces.length) throw new UserError("calibrate: give traces or --measured FILES, not both");
        return calibrateMeasured(opts.measured, opts);
      }
      if (!traces.length) throw new UserError("calibrate: give Kineto traces, or --measured FILES (workloads with measured.trainStepMs)");
      await calibrateTraces(traces, opts);
    });
}

function calibrateMeasured(files: string[], opts: Options): void {
  const steps = files.map((file) => {
    const w = readWorkload(file);
    if (!("gpu" in w.hardware)) throw new UserError(`${file}: at hardware: --measured needs the GPU the step was timed on (hardware.gpu); found a cluster`);
    const measuredMs = measuredTrainStepMs(w.measured, file);
    const at = trainStepByHost(w);
    return { name: w.name, gpu: w.hardware.gpu, measuredMs, predictMs: (h: Parameters<typeof at>[0]) => at(h) / 1000 };
  });
  const fit = fitHostFactors(steps);
  const gmae = (f: typeof fit.factors): number => Math.exp(steps.reduce((s, x) => s + Math.abs(Math.log(x.predictMs(f) / x.measuredMs)), 0) / steps.length) - 1;
  const same = { dispatch: 1, sync: 1 };
  const host = opts.hostLabel ?? `measured (${steps[0]!.name})`;
  const out: MeasuredCalibration = {
    kind: "measured-host",
    source: `strata calibrate --measured on ${files.length} file(s): ${files.map((f) => basename(f)).join(", ")}; factors of the bundled host overheads`,
    host,
    hostFactors: fit.factors,
    fit: {
      gmaeBefore: round(gmae(same)),
      gmaeAfter: round(gmae(fit.factors)),
      workloads: steps.map((s) => ({ name: s.name, gpu: s.gpu, measuredMs: s.measuredMs, predictedBeforeMs: round(s.predictMs(same)), predictedAfterMs: round(s.predictMs(fit.factors)) })),
    },
  };
  const file = outOf(opts);
  writeOutput(file, JSON.stringify(out, null, 1) + "\n", files);
  if (file !== "-") process.stdout.write(`wrote ${file}: host "${host}" dispatch x${fit.factors.dispatch}, sync x${fit.factors.sync} of the calibration host; step GMAE on the ${files.length} file(s) ${(out.fit.gmaeBefore * 100).toFixed(1)}% -> ${(out.fit.gmaeAfter * 100).toFixed(1)}%\n`);
}

async function calibrateTraces(traces: string[], opts: Options): Promise<void> {
  const base = defaultHostOverheads();
  const cost = opts.instrumentationUs === undefined ? base.profilerCost : uniformProfilerCost(opts.instrumentationUs);
  const samples = await collectSamples(traces);
  const table = overheadTable(samples, cost, base.noGradFactor, `strata calibrate on ${traces.length} trace(s): ${traces.map((t) => basename(t)).join(", ")}; profiler cost removed ${JSON.stringify(cost)}`);
  if (opts.workloads?.length) {
    const byName = new Map(opts.workloads.map((f) => [readWorkload(f).name, readWorkload(f)]));
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
  const file = outOf(opts);
  writeOutput(file, JSON.stringify(table, null, 1) + "\n", [...traces, ...(opts.workloads ?? [])]);
  if (file !== "-") process.stdout.write(`wrote ${file}: host overheads for ${Object.keys(table.ops).length} ops${table.kernelCorrections ? `, kernel corrections for ${Object.keys(table.kernelCorrections).length}` : ""}\n`);
}
