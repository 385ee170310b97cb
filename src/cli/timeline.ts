/** strata timeline <workload> -o step.json: the predicted step as a Chrome/Perfetto trace. */
import type { Command } from "commander";
import { readWorkload } from "./inputs.js";
import { addOutOption, outOf, writeOutput } from "./run.js";
import { addHostOptions, hostRequest, type HostFlags } from "./host-options.js";
import { timeline, timelineTrace } from "../commands/predict.js";

export function registerTimeline(program: Command): void {
  const command = program
    .command("timeline")
    .description("write the predicted training step as a Chrome trace (open in ui.perfetto.dev)")
    .argument("<file>", "workload file")
    .option("--gpu <id>", "override the workload's GPU");
  addOutOption(command, "where to write the trace JSON");
  addHostOptions(command)
    .action((file: string, opts: HostFlags & { out?: string; output?: string; gpu?: string }) => {
      const p = timeline({ workload: readWorkload(file), gpu: opts.gpu, ...hostRequest(opts) });
      const out = outOf(opts);
      writeOutput(out, JSON.stringify(timelineTrace(p)) + "\n", [file]);
      if (out !== "-") process.stdout.write(`wrote ${out}: ${p.train.timeline.length} events, step ${(p.train.stepUs / 1000).toFixed(2)} ms\n`);
    });
}
