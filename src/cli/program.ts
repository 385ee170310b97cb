/** The strata command line as a function of its arguments (main.ts runs it; tests drive it in process). */
import { Command, CommanderError } from "commander";
import { reportError } from "./run.js";

type Register = (program: Command) => void;

/**
 * Every top-level command and the module that defines it, in the order help lists them. A
 * command line loads only its own command's module (and what that imports): `strata catalog`
 * or `strata --version` never load the planner, HiGHS, piscina or BullMQ (BENCHMARKS.md,
 * start-up). Help and an unknown command load them all.
 */
const COMMANDS: ReadonlyArray<readonly [string, () => Promise<Register>]> = [
  ["demo", async () => (await import("./demo.js")).registerDemo],
  ["predict", async () => (await import("./predict.js")).registerPredict],
  ["timeline", async () => (await import("./timeline.js")).registerTimeline],
  ["catalog", async () => (await import("./catalog.js")).registerCatalog],
  ["import", async () => (await import("./import.js")).registerImport],
  ["trace", async () => (await import("./trace.js")).registerTrace],
  ["calibrate", async () => (await import("./calibrate.js")).registerCalibrate],
  ["plan", async () => (await import("./plan.js")).registerPlan],
  // preset.ts defines `preset` and `clusters`.
  ["preset clusters", async () => (await import("./preset.js")).registerPreset],
  ["llm", async () => (await import("./llm.js")).registerLlm],
  ["tier", async () => (await import("./tier.js")).registerTier],
  ["sweep", async () => (await import("./sweep.js")).registerSweep],
  ["worker", async () => (await import("./worker.js")).registerWorker],
  ["cache", async () => (await import("./cache.js")).registerCache],
  ["ui", async () => (await import("./ui.js")).registerUi],
  ["report", async () => (await import("./report.js")).registerReport],
];

/**
 * The command tree. `command`: a top-level command's name, to load that command alone; `[]`
 * for none (`--version`); undefined, or a name no command has, for all of them.
 */
export async function buildProgram(command?: string | []): Promise<Command> {
  const program = new Command()
    .name("strata")
    .description("Planner and performance simulator for giant sparse models (DLRM, MoE LLMs)")
    .version("0.1.0")
    .option("--debug", "show stack traces on errors")
    .exitOverride()
    // Every error starts the same way: commander's usage errors too.
    .configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s.replace(/^error: /, "strata: ")) });
  const named = typeof command === "string" ? COMMANDS.filter(([names]) => names.split(" ").includes(command)) : [];
  const chosen = Array.isArray(command) ? [] : named.length ? named : COMMANDS;
  for (const register of await Promise.all(chosen.map(([, load]) => load()))) register(program);
  return program;
}

/**
 * Which commands a command line needs: the first word that is not an option names it (the root
 * options take no values); none for a bare --version, all for anything else (help lists them).
 */
function commandOf(args: string[]): string | [] | undefined {
  const word = args.find((a) => !a.startsWith("-"));
  if (word !== undefined) return word;
  return args.some((a) => a === "-V" || a === "--version") && !args.some((a) => a === "-h" || a === "--help") ? [] : undefined;
}

/** Parse and run one command line (`argv` as process.argv: node, script, args...); resolves to the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const program = await buildProgram(commandOf(argv.slice(2)));
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    // Usage errors (unknown option, missing argument) are the user's to fix: exit 2.
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    return reportError(err);
  }
}
