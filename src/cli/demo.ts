/** strata demo: predict the bundled example workloads and explain where the time goes. */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { dataPath } from "../catalog/data-path.js";
import { loadWorkload } from "../spec/load.js";
import { predictWorkload } from "../predict.js";
import { summaryTable, whereTimeGoes } from "../report/prediction.js";

export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description("predict the bundled example DLRM workloads on an H100 and on other GPUs")
    .action(() => {
      const dir = dataPath("examples");
      const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort().map((f) => join(dir, f));
      const workloads = files.map((f) => loadWorkload(f));
      const onH100 = workloads.map((w) => predictWorkload(w));
      const out: string[] = [];
      out.push("Strata demo: one DLRM training step (forward, backward, SGD) per example workload, predicted", "on an H100 SXM by kernel models and a critical-path walk over host and GPU (Lin et al., HiPC 2022).", "");
      out.push(summaryTable(onH100), "");
      out.push("Where the time goes", "===================", whereTimeGoes(onH100[0]!), "");
      const gpus = ["v100-sxm2-32gb", "a100-sxm-80gb", "h100-sxm-80gb", "h200-sxm-141gb", "b200"];
      out.push("The same workloads on other GPUs (same host):", "");
      out.push(summaryTable(workloads.flatMap((w) => gpus.map((g) => predictWorkload(w, { gpu: g }))).filter((p) => p.memory.peakBytes <= p.gpu.hbmBytes)), "");
      out.push("Try: strata predict data/examples/*.json --json | strata timeline <file> -o step.json | strata catalog");
      process.stdout.write(out.join("\n") + "\n");
    });
}
