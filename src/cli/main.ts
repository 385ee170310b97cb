#!/usr/bin/env node
/** The strata command line: one small file per command; each parses, calls the library, prints. */
import { Command, CommanderError } from "commander";
import { registerCalibrate } from "./calibrate.js";
import { registerCatalog } from "./catalog.js";
import { registerDemo } from "./demo.js";
import { registerImport } from "./import.js";
import { registerLlm } from "./llm.js";
import { registerPlan } from "./plan.js";
import { registerPredict } from "./predict.js";
import { registerPreset } from "./preset.js";
import { registerTimeline } from "./timeline.js";
import { registerTrace } from "./trace.js";
import { reportError } from "./run.js";

const program = new Command()
  .name("strata")
  .description("Planner and performance simulator for giant sparse models (DLRM, MoE LLMs)")
  .version("0.1.0")
  .option("--debug", "show stack traces on errors")
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

registerDemo(program);
registerPredict(program);
registerTimeline(program);
registerCatalog(program);
registerImport(program);
registerTrace(program);
registerCalibrate(program);
registerPlan(program);
registerPreset(program);
registerLlm(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // Usage errors (unknown option, missing argument) are the user's to fix: exit 2.
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else {
    process.exitCode = reportError(err);
  }
}
