/** The strata command line as a function of its arguments (main.ts runs it; tests drive it in process). */
import { Command, CommanderError } from "commander";
import { registerCache } from "./cache.js";
import { reportError } from "./run.js";

/** The command tree; `only` "cache" loads the cache commands alone (their start-up is benchmarked). */
export async function buildProgram(only?: "cache"): Promise<Command> {
  const program = new Command()
    .name("strata")
    .description("Planner and performance simulator for giant sparse models (DLRM, MoE LLMs)")
    .version("0.1.0")
    .option("--debug", "show stack traces on errors")
    .exitOverride()
    // Every error starts the same way: commander's usage errors too.
    .configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s.replace(/^error: /, "strata: ")) });

  // `strata cache ...` is benchmarked as a whole command (BENCHMARKS.md), start-up included: it
  // loads only its own modules; every other command line loads them all.
  if (only !== "cache") {
    const [demo, predict, timeline, catalog, imp, trace, calibrate, plan, preset, llm, tier, sweep, worker] = await Promise.all([
      import("./demo.js"), import("./predict.js"), import("./timeline.js"), import("./catalog.js"), import("./import.js"),
      import("./trace.js"), import("./calibrate.js"), import("./plan.js"), import("./preset.js"), import("./llm.js"), import("./tier.js"), import("./sweep.js"), import("./worker.js"),
    ]);
    const ui = await import("./ui.js");
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
    sweep.registerSweep(program);
    worker.registerWorker(program);
    ui.registerUi(program);
    (await import("./report.js")).registerReport(program);
  }
  registerCache(program);
  return program;
}

/** Parse and run one command line (`argv` as process.argv: node, script, args...); resolves to the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const program = await buildProgram(argv[2] === "cache" ? "cache" : undefined);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    // Usage errors (unknown option, missing argument) are the user's to fix: exit 2.
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    return reportError(err);
  }
}
