/** strata import dlrm-args "<args>": a workload from the DLRM reference's command line. */
import type { Command } from "commander";
import { stringify } from "yaml";
import { importDlrmArgs } from "../spec/dlrm-args.js";
import { addOutOption, outOf, writeOutput } from "./run.js";

export function registerImport(program: Command): void {
  const imp = program.command("import").description("import a workload from another tool's description");
  const command = imp
    .command("dlrm-args")
    .description("from dlrm_s_pytorch.py flags, e.g. \"--arch-sparse-feature-size=16 --arch-embedding-size=1000-1000 --arch-mlp-bot=13-16 --arch-mlp-top=64-1\"")
    .argument("<args...>", "the reference's command-line arguments (quoted as one string, or as they are)")
    .option("--gpu <id>", "GPU for the workload's hardware", "h100-sxm-80gb")
    .option("--yaml", "print YAML instead of JSON");
  addOutOption(command, "workload file to write")
    // The reference's flags are not ours: take them as operands.
    .allowUnknownOption()
    .action((args: string[], opts: { gpu: string; yaml?: boolean; out?: string; output?: string }) => {
      const { workload, ignored, defaults } = importDlrmArgs(args.join(" "), opts.gpu);
      if (ignored.length) process.stderr.write(`strata: ignored flags that do not change the workload: ${ignored.join(" ")}\n`);
      if (defaults.length) process.stderr.write(`strata: filled in the reference's defaults: ${defaults.join(", ")}\n`);
      writeOutput(outOf(opts), opts.yaml ? stringify(workload) : JSON.stringify(workload, null, 2) + "\n");
    });
}
