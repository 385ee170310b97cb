/**
 * Implementation profiles (data/implementations/*.json, each choice with its source): how a
 * software stack runs a DLRM step. Graph builders read them; nothing else about a stack is
 * hard-coded. docs/perf-model.md describes them.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { IMPLEMENTATIONS, type ImplementationId } from "../spec/workload.js";
import { UserError } from "../spec/errors.js";
import { dataPath } from "./data-path.js";

export const ImplementationProfile = z.object({
  id: z.enum(IMPLEMENTATIONS),
  name: z.string(),
  embedding: z.object({
    /** One table-batched kernel per rank for all its tables (FBGEMM TBE), else one op per table. */
    fused: z.boolean(),
    /** Backward and optimizer update in one kernel, no sparse gradient tensors. */
    fusedOptimizer: z.boolean(),
  }),
  /** The dot interaction's triangular indices built on the host each step (pageable copies + syncs). */
  interaction: z.object({ hostBuiltIndices: z.boolean() }),
  dense: z.object({
    /** Bias and activation in the GEMM epilogue (cuBLASLt): no separate activation kernels. */
    fusedEpilogue: z.boolean(),
    /**
     * The dense optimizer: ops per parameter tensor (torch.optim single-tensor), one multi-tensor
     * kernel per elementwise pass over all parameters (torch._foreach_*), or one fused kernel
     * that reads and writes each parameter once (HugeCTR's optimizers, apex FusedAdam).
     */
    optimizer: z.enum(["per-parameter", "foreach", "fused"]),
  }),
  /** cudaGraph: the step is one captured graph; the host pays graphLaunchUs and nothing per op. */
  host: z.object({ cudaGraph: z.boolean(), graphLaunchUs: z.number().nonnegative() }),
  schedule: z.object({
    /** Lookups before the bottom MLP, so the all-to-all of pooled embeddings hides behind it. */
    embeddingsFirst: z.boolean(),
    /** The next batch's index all-to-all runs during this step (TrainPipelineSparseDist). */
    pipelinedInputDist: z.boolean(),
    /** DDP buckets of dense gradients (0: one all-reduce after the backward). */
    ddpFirstBucketBytes: z.number().nonnegative(),
    ddpBucketBytes: z.number().nonnegative(),
  }),
  /** Wire precision of the pooled-embedding all-to-all and the dense-gradient all-reduce. */
  communication: z.object({ allToAll: z.enum(["fp32", "bf16", "fp16", "fp8"]), allReduce: z.enum(["fp32", "bf16", "fp16", "fp8"]) }),
  sources: z.record(z.string(), z.string()),
});
export type ImplementationProfile = z.infer<typeof ImplementationProfile>;

const cache = new Map<ImplementationId, ImplementationProfile>();

export function getImplementation(id: string): ImplementationProfile {
  if (!(IMPLEMENTATIONS as readonly string[]).includes(id)) throw new UserError(`unknown implementation "${id}"; expected one of ${IMPLEMENTATIONS.join(", ")}`);
  const key = id as ImplementationId;
  let p = cache.get(key);
  if (!p) {
    p = ImplementationProfile.parse(JSON.parse(readFileSync(dataPath(`implementations/${key}.json`), "utf8")));
    cache.set(key, p);
  }
  return p;
}
