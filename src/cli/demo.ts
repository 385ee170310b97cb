/** strata demo: a tour on bundled data — one-GPU DLRM steps, a sharding plan, MoE LLM fits, cache miss ratios. */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { simulate } from "../cache/simulate.js";
import { zipfTrace } from "../cache/generate.js";
import { resolveCluster } from "../catalog/clusters.js";
import { dlrmPreset } from "../catalog/dlrm-presets.js";
import { Workload, type DlrmWorkload } from "../spec/workload.js";
import { dataPath } from "../catalog/data-path.js";
import { getGpu } from "../catalog/gpus.js";
import { fitModel } from "../llm/fit.js";
import { requireSpec, resolveModel } from "../llm/presets.js";
import { predictWorkload } from "../predict.js";
import { shortCount, table } from "../report/format.js";
import { predictionJson, summaryTable, whereTimeGoes } from "../report/prediction.js";
import { printJson } from "./run.js";
import { planSharding } from "../shard/planner.js";
import { readWorkload } from "./inputs.js";
import { isDlrm } from "../spec/workload.js";

export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description("a tour on bundled data: DLRM steps on several GPUs, a sharding plan, Llama 4 fits, cache miss ratios")
    .option("--json", "print the tour's results as JSON")
    .action(async (opts: { json?: boolean }) => {
      const dir = dataPath("examples");
      const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort().map((f) => join(dir, f));
      const workloads = files.map((f) => readWorkload(f)).filter(isDlrm);
      const onH100 = workloads.map((w) => predictWorkload(w));
      const out: string[] = [];
      out.push("Strata demo: one DLRM training step (forward, backward, SGD) per example workload, predicted", "on an H100 SXM by kernel models and a critical-path walk over host and GPU (Lin et al., HiPC 2022).", "");
      out.push(summaryTable(onH100), "");
      out.push("Where the time goes", "===================", whereTimeGoes(onH100[0]!), "");
      const gpus = ["v100-sxm2-32gb", "a100-sxm-80gb", "h100-sxm-80gb", "h200-sxm-141gb", "b200"];
      out.push("The same workloads on other GPUs (same host):", "");
      const otherGpus = workloads.flatMap((w) => gpus.map((g) => predictWorkload(w, { gpu: g }))).filter((p) => p.memory.peakBytes <= p.gpu.hbmBytes);
      out.push(summaryTable(otherGpus), "");

      out.push("The same workloads as other software stacks run them (implementation profiles, data/implementations):", "");
      const stacks = workloads.flatMap((w) => (["torchrec", "hugectr"] as const).map((implementation) => predictWorkload(w, { implementation })));
      out.push(summaryTable(stacks), "");
      const dcnv2 = Workload.parse(dlrmPreset("mlperf-dlrm-dcnv2", 1, 64, 55296)) as DlrmWorkload;
      const mlperf = await planSharding(dcnv2, resolveCluster("1x8-h100-sxm-80gb"));
      out.push(`MLPerf Training DLRM-DCNv2 (DCNv2, 26 multi-hot tables, Adagrad, fp16, HugeCTR) on 1 x 8 H100 at global batch 55,296: ${(mlperf.stepUs / 1000).toFixed(2)} ms per step (strata plan; NVIDIA's v4.0 result: 3.53 ms).`, "");

      const big = workloads[workloads.length - 1]!;
      const dgx = resolveCluster("dgx-h100-8");
      const plan = await planSharding(big, dgx);
      const types = [...new Set(plan.shards.map((s) => s.type))].join(", ");
      out.push(`Sharded over ${dgx.id} (strata plan, ZionEX/Neo): ${big.name} trains in ${(plan.stepUs / 1000).toFixed(2)} ms per global batch of ${big.training.batchSize.toLocaleString("en-US")}, ${Math.round(plan.samplesPerSec).toLocaleString("en-US")} samples/s [${plan.strategy}; ${types}].`, "");

      const fits: Array<[string, string, number, "bf16" | "fp8" | "int4"]> = [
        ["llama4-scout-17b-16e", "h100-sxm-80gb", 1, "int4"],
        ["llama4-scout-17b-16e", "h100-sxm-80gb", 8, "bf16"],
        ["llama4-maverick-17b-128e", "h100-sxm-80gb", 8, "fp8"],
        ["llama4-maverick-17b-128e", "h100-sxm-80gb", 1, "bf16"],
      ];
      out.push("Llama 4 deployments (strata llm fit: tensor parallel, 90% of memory, bf16 KV):", "");
      const llmFits = fits.map(([model, gpu, count, weights]) => ({ model, gpu, count, weights, fit: fitModel(requireSpec(resolveModel(model)), getGpu(gpu), { weights, kv: "bf16", count }) }));
      out.push(table(["model", "GPUs", "weights", "fits", "max context, every layer full KV", "hybrid KV (chunked layers bounded)"], llmFits.map(({ model, gpu, count, weights, fit: f }) =>
        [model, `${count} x ${gpu}`, weights, f.fits ? "yes" : "no", f.fits ? shortCount(f.maxContextTokens) : "-", f.fits ? shortCount(f.maxContextTokensHybrid) : "-"],
      ), [false, false, false, false, true, true]), "");

      const trace = zipfTrace({ keys: 100_000, alpha: 0.9, requests: 1_000_000, seed: 1 });
      const policies = ["lru", "fifo", "s3fifo", "sieve", "belady"] as const;
      const sizes = [1_000, 10_000];
      const results = simulate(trace, policies.flatMap((policy) => sizes.map((size) => ({ policy, size }))));
      out.push("Cache miss ratios on a seeded Zipf(0.9) stream of 1M lookups over 100K rows (strata cache simulate):", "");
      out.push(table(["policy", ...sizes.map((s) => `${s.toLocaleString("en-US")} rows`)], policies.map((p) => [p, ...sizes.map((s) => results.find((r) => r.policy === p && r.size === s)!.missRatio.toFixed(4))]), [false, true, true]), "");
      if (opts.json) {
        const ms = (us: number): number => Number((us / 1000).toFixed(4));
        return printJson({
          predictions: onH100.map(predictionJson),
          otherGpus: otherGpus.map(predictionJson),
          implementations: stacks.map(predictionJson),
          mlperfDcnv2: { cluster: "1x8-h100-sxm-80gb", globalBatch: 55296, stepMs: ms(mlperf.stepUs) },
          plan: { workload: big.name, cluster: dgx.id, stepMs: ms(plan.stepUs), samplesPerSec: Math.round(plan.samplesPerSec), strategy: plan.strategy, shardTypes: [...new Set(plan.shards.map((s) => s.type))] },
          llmFits: llmFits.map(({ model, gpu, count, weights, fit: f }) => ({ model, gpu, count, weights, fits: f.fits, maxContextTokens: f.fits ? f.maxContextTokens : 0, maxContextTokensHybrid: f.fits ? f.maxContextTokensHybrid : 0 })),
          cacheMissRatios: results.map((r) => ({ policy: r.policy, size: r.size, missRatio: Number(r.missRatio.toFixed(6)) })),
        });
      }
      out.push("Try: strata predict data/examples/*.json | strata timeline <file> -o step.json | strata plan <file> --cluster h100-16x8", "     strata llm info llama4-maverick-17b-128e | strata cache mrc <trace> --format oracleGeneral | strata catalog");
      process.stdout.write(out.join("\n") + "\n");
    });
}
