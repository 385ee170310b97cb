/** strata timeline <workload> -o step.json: the predicted step as a Chrome/Perfetto trace. */
import type { Command } from "commander";
import { readWorkload } from "./inputs.js";
import { predictWorkload } from "../predict.js";
import { toChromeTrace } from "../sim/chrome-trace.js";
import { addOutOption, outOf, writeOutput } from "./run.js";
import { addHostOptions, hostFromFlags, type HostFlags } from "./host-options.js";

export function registerTimeline(program: Command): void {
  const command = program
    .command("timeline")
    .description("write the predicted training step as a Chrome trace (open in ui.perfetto.dev)")
    .argument("<file>", "workload file")
    .option("--gpu <id>", "override the workload's GPU");
  addOutOption(command, "where to write the trace JSON");
  addHostOptions(command)
    .action((file: string, opts: HostFlags & { out?: string; output?: string; gpu?: string }) => {
      const p = predictWorkload(readWorkload(file), { gpu: opts.gpu, ...hostFromFlags(opts), recordTimeline: true });
      const trace = toChromeTrace(p.name, p.train.timeline, { gpu: p.gpu.id, stepMs: p.train.stepUs / 1000 });
      const out = outOf(opts);
      writeOutput(out, JSON.stringify(trace) + "\n", [file]);
      if (out !== "-") process.stdout.write(`wrote ${out}: ${p.train.timeline.length} events, step ${(p.train.stepUs / 1000).toFixed(2)} ms\n`);
    });
}
