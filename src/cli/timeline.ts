/** strata timeline <workload> -o step.json: the predicted step as a Chrome/Perfetto trace. */
import type { Command } from "commander";
import { loadWorkload } from "../spec/load.js";
import { predictWorkload } from "../predict.js";
import { toChromeTrace } from "../sim/chrome-trace.js";
import { parsePositiveNumber, writeOutput } from "./run.js";

export function registerTimeline(program: Command): void {
  program
    .command("timeline")
    .description("write the predicted training step as a Chrome trace (open in ui.perfetto.dev)")
    .argument("<file>", "workload file")
    .requiredOption("-o, --output <file>", "where to write the trace JSON")
    .option("--gpu <id>", "override the workload's GPU")
    .option("--host-speed <factor>", "multiply host overheads", parsePositiveNumber("--host-speed"))
    .action((file: string, opts: { output: string; gpu?: string; hostSpeed?: number }) => {
      const p = predictWorkload(loadWorkload(file), { gpu: opts.gpu, hostSpeedFactor: opts.hostSpeed, recordTimeline: true });
      const trace = toChromeTrace(p.name, p.train.timeline, { gpu: p.gpu.id, stepMs: p.train.stepUs / 1000 });
      writeOutput(opts.output, JSON.stringify(trace) + "\n");
      process.stdout.write(`wrote ${opts.output}: ${p.train.timeline.length} events, step ${(p.train.stepUs / 1000).toFixed(2)} ms\n`);
    });
}
