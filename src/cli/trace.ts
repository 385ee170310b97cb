/** strata trace analyze|replay|predict FILE: learn from PyTorch profiler (Kineto) traces. */
import type { Command } from "commander";
import { SingleBar, Presets } from "cli-progress";
import { analyzeTrace, loadTrace, type LoadedTrace } from "../predict-trace.js";
import { table } from "../report/format.js";
import { addHostOptions, hostRequest, type HostFlags } from "./host-options.js";
import { tracePredict, traceReplayJson } from "../commands/trace.js";
import { readExecutionTrace, summarizeExecutionTrace } from "../trace/read-et.js";
import { parsePositiveNumber, printJson } from "./run.js";

/** Load with a progress bar on a terminal (events read so far). */
export async function loadWithProgress(file: string): Promise<LoadedTrace> {
  if (!process.stderr.isTTY) return loadTrace(file);
  const bar = new SingleBar({ format: "reading {file} | {value} events", hideCursor: true, stream: process.stderr }, Presets.shades_classic);
  bar.start(0, 0, { file });
  try {
    return await loadTrace(file, (n) => bar.update(n));
  } finally {
    bar.stop();
  }
}

const f3 = (x: number): string => x.toFixed(3);

export function registerTrace(program: Command): void {
  const trace = program.command("trace").description("analyse, replay and predict from PyTorch profiler traces (Kineto JSON, plain or .gz)");
  trace
    .command("analyze")
    .argument("<file>", "Kineto trace, or a PyTorch execution trace (.et.json[.gz])")
    .option("--json", "print JSON")
    .description("per step: host and GPU active time, idle time and its causes, T1-T5 overheads, top ops and kernels (an execution trace: ops, shapes, dependencies)")
    .action(async (file: string, opts: { json?: boolean }) => {
      if (/\.et\.json(\.gz)?$/.test(file)) {
        // A PyTorch execution trace: ops with exact shapes and dependencies, no timings.
        const s = summarizeExecutionTrace(await readExecutionTrace(file));
        if (opts.json) return printJson(s);
        return void process.stdout.write(`${file}: execution trace (schema ${s.schema}), ${s.nodes} ops on ${s.threads} threads, ${s.dataDependencies} data dependencies, ${(s.gemmFlops / 1e9).toFixed(3)} GFLOP in GEMMs\n\n` +
          table(["op", "count"], s.topOps.map((o) => [o.name, String(o.count)]), [false, true]) + "\n");
      }
      const a = analyzeTrace(await loadWithProgress(file));
      if (opts.json) return printJson(a);
      const out = [
        `${file}: ${a.steps.length} steps, mean ${f3(a.stepMs)} ms, GPU active ${f3(a.gpuActiveMs)} ms (${((100 * a.gpuActiveMs) / a.stepMs).toFixed(0)}%), ${a.bound.toUpperCase()}-bound`,
        "",
        table(["step", "ms", "host busy", "GPU active", "GPU idle", "idle: host in ops", "idle: between ops", "sync wait"],
          a.steps.map((s) => [s.name, f3(s.ms), f3(s.hostBusyMs), f3(s.gpuActiveMs), f3(s.gpuIdleMs), f3(s.idleCauses.hostInOpsMs), f3(s.idleCauses.hostBetweenOpsMs), f3(s.syncWaitMs)]),
          [false, true, true, true, true, true, true, true]),
        "",
        "Host overheads (Lin et al.), us:",
        table(["type", "mean", "std", "count"], (["T1", "T2", "T3", "T4", "T5"] as const).map((t) => [t, a.overheads[t].mean.toFixed(2), a.overheads[t].std.toFixed(2), String(a.overheads[t].count)]), [false, true, true, true]),
        "",
        table(["top ops", "calls/step", "host ms", "GPU ms"], a.topOps.map((o) => [o.name.slice(0, 60), o.calls.toFixed(0), f3(o.hostMs), f3(o.gpuMs)]), [false, true, true, true]),
        "",
        table(["top kernels", "calls/step", "GPU ms"], a.topKernels.map((k) => [k.name.slice(0, 80), k.calls.toFixed(0), f3(k.gpuMs)]), [false, true, true]),
      ];
      process.stdout.write(out.join("\n") + "\n");
    });
  trace
    .command("replay")
    .argument("<file>", "Kineto trace")
    .option("--json", "print JSON")
    .description("rebuild each step's graph from the trace and replay it through the simulator")
    .action(async (file: string, opts: { json?: boolean }) => {
      const r = traceReplayJson(await loadWithProgress(file));
      if (opts.json) return printJson(r);
      process.stdout.write(table(["step", "measured ms", "replayed ms"], r.steps.map((s) => [s.name, f3(s.measuredMs), f3(s.replayedMs)]), [false, true, true]) +
        `\nmean: measured ${f3(r.measuredStepMs)} ms, replayed ${f3(r.replayedStepMs)} ms (${((r.replayedStepMs / r.measuredStepMs - 1) * 100).toFixed(1)}%)\n`);
    });
  const predict = trace
    .command("predict")
    .argument("<file>", "Kineto trace")
    .option("--gpu <id>", "predict on another GPU: GPU-dependent kernels are re-timed by the kernel models")
    .option("--trace-gpu <id>", "the GPU the trace was recorded on, if its deviceProperties do not say")
    .option("--instrumentation-us <us>", "profiler cost per recorded event to remove (default: the calibration's per event class)", parsePositiveNumber("--instrumentation-us"))
    .option("--own-overheads", "use the trace's own host overheads (instrumentation removed) instead of the calibration's");
  addHostOptions(predict)
    .option("--json", "print JSON")
    .description("the step as it runs without the profiler (synchronised iteration), optionally on another GPU or host")
    .action(async (file: string, opts: HostFlags & { gpu?: string; traceGpu?: string; instrumentationUs?: number; ownOverheads?: boolean; json?: boolean }) => {
      const p = await tracePredict(() => loadWithProgress(file), { gpu: opts.gpu, traceGpu: opts.traceGpu, instrumentationUs: opts.instrumentationUs, ownOverheads: opts.ownOverheads, ...hostRequest(opts) });
      if (opts.json) return printJson(p);
      const range = p.stepMsRange ? ` (${f3(p.stepMsRange[0])}-${f3(p.stepMsRange[1])} ms over what host ${p.host} may be)` : "";
      process.stdout.write(`${file}: predicted step without the profiler on ${p.gpu}: ${f3(p.stepMs)} ms${range} (GPU active ${f3(p.gpuActiveMs)} ms)\n`);
    });
}
