#!/usr/bin/env node
/** The strata command line: one small file per command; each parses, calls the library, prints. */
import { Command, CommanderError } from "commander";
import { registerCache } from "./cache.js";
import { reportError } from "./run.js";

const program = new Command()
  .name("strata")
  .description("Planner and performance simulator for giant sparse models (DLRM, MoE LLMs)")
  .version("0.1.0")
  .option("--debug", "show stack traces on errors")
  .exitOverride()
  // Every error starts the same way: commander's usage errors too.
  .configureOutput({ writeErr: (s) => process.stderr.write(s.replace(/^error: /, "strata: ")) });

// `strata cache ...` is benchmarked as a whole command (BENCHMARKS.md), start-up included: it
// loads only its own modules; every other command line loads them all.
if (process.argv[2] !== "cache") {
  const [demo, predict, timeline, catalog, imp, trace, calibrate, plan, preset, llm, tier] = await Promise.all([
    import("./demo.js"), import("./predict.js"), import("./timeline.js"), import("./catalog.js"), import("./import.js"),
    import("./trace.js"), import("./calibrate.js"), import("./plan.js"), import("./preset.js"), import("./llm.js"), import("./tier.js"),
  ]);
  demo.registerDemo(program);
  predict.registerPredict(program);
  timeline.registerTimeline(program);
  catalog.registerCatalog(program);
  imp.registerImport(program);
  trace.registerTrace(program);
  calibrate.registerCalibrate(program);
  plan.registerPlan(program);
  preset.registerPreset(program);
  llm.registerLlm(program);
  tier.registerTier(program);
}
registerCache(program);

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
