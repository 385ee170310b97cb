import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { getGpu } from "../src/catalog/gpus.js";
import { gemmUs } from "../src/perf/gemm.js";
import { loadTrace, predictFromTrace } from "../src/predict-trace.js";
import { predictWorkload } from "../src/predict.js";
import { Workload } from "../src/spec/workload.js";
import { stepOps } from "../src/trace/link.js";
import { gemmShapeOf, retimer, tracedGemmShape } from "../src/trace/retime.js";
import { ROOT } from "./helpers.js";

const DEV16 = join(ROOT, "test/fixtures/dev16-rand-t4-d16-b4096.kineto.json.gz");
const h100 = getGpu("h100-sxm-80gb");
const h200 = getGpu("h200-sxm-141gb");

/** The dev16 workload (model of ../shared/groundtruth/h100/workloads/dev16-rand-t4-d16-b4096.json, measured block dropped). */
const dev16 = Workload.parse({
  name: "dev16-rand-t4-d16-b4096",
  model: {
    kind: "dlrm", bottomMlp: [64, 16], topMlp: [256, 1], interaction: "dot", embeddingDim: 16,
    tables: [{ rows: 577225, pooling: 1 }, { rows: 33831, pooling: 10 }, { rows: 249997, pooling: 80 }, { rows: 39833, pooling: 40 }],
    indexDistribution: { kind: "uniform" },
  },
  training: { batchSize: 4096, optimizer: "sgd", precision: "fp32", loss: "bce" },
  hardware: { gpu: "h100-sxm-80gb", count: 1 },
});

describe("re-timing traced kernels for another GPU", () => {
  it("finds backward GEMM shapes from the aten::mm under the autograd node", async () => {
    const loaded = await loadTrace(DEV16);
    const bwd = stepOps(loaded.steps[1]!).filter((o) => o.name === "autograd::engine::evaluate_function: AddmmBackward0");
    expect(bwd.length).toBeGreaterThan(0);
    const shapes = bwd.flatMap((o) => o.launches.filter((l) => /gemm|cutlass/i.test(l.gpu?.name ?? "")).map((l) =>
      tracedGemmShape({ name: l.gpu!.name, durationUs: l.gpu!.dur, op: "bwd:AddmmBackward0", inputDims: o.inputDims, innerOp: l.inner?.name, innerDims: l.inner?.inputDims })));
    expect(shapes.length).toBeGreaterThanOrEqual(4);
    expect(shapes.every((s) => s !== undefined)).toBe(true);
    // Top MLP layer 1 (26 -> 256) backward: grad input 4096x256 @ 256x26 and grad weight 256x4096 @ 4096x26.
    expect(shapes).toContainEqual({ kind: "gemm", batch: 1, m: 4096, n: 26, k: 256 });
    expect(shapes).toContainEqual({ kind: "gemm", batch: 1, m: 256, n: 26, k: 4096 });
  });

  it("reads GEMM shapes of mm, addmm, linear and bmm in PyTorch's argument order", () => {
    expect(gemmShapeOf("aten::mm", [[4096, 256], [256, 26]])).toEqual({ kind: "gemm", batch: 1, m: 4096, n: 26, k: 256 });
    expect(gemmShapeOf("aten::addmm", [[256], [4096, 26], [26, 256], [], []])).toEqual({ kind: "gemm", batch: 1, m: 4096, n: 256, k: 26 });
    expect(gemmShapeOf("aten::linear", [[4096, 26], [256, 26], [256]])).toEqual({ kind: "gemm", batch: 1, m: 4096, n: 256, k: 26 });
    expect(gemmShapeOf("aten::bmm", [[4096, 5, 16], [4096, 16, 5]])).toEqual({ kind: "bmm", batch: 4096, m: 5, n: 5, k: 16 });
    expect(gemmShapeOf("bwd:AddmmBackward0", [[4096, 1]])).toBeUndefined();
  });

  it("scales a backward GEMM with the GEMM model only", () => {
    const r = retimer(h100, getGpu("a100-sxm-80gb"));
    const k = { name: "sm80_xmma_gemm_f32f32_f32f32_f32_nn_n_tilesize32x32x8", durationUs: 50, op: "bwd:AddmmBackward0", innerOp: "aten::mm", innerDims: [[8192, 1024], [1024, 1024]] };
    const a100 = getGpu("a100-sxm-80gb");
    expect(r(k)).toBeCloseTo(50 * (gemmUs(a100, 8192, 1024, 1024, 1, "fp32") / gemmUs(h100, 8192, 1024, 1024, 1, "fp32")), 6);
  });

  it("does not scale embedding gathers or atomic scatters by the peak HBM bandwidth ratio", () => {
    const r = retimer(h100, h200);
    const peak = h100.hbmBandwidthBytesPerSec / h200.hbmBandwidthBytesPerSec; // 3350 / 4800
    const gather = { name: "void at::native::(anonymous namespace)::EmbeddingBag_updateOutputKernel_sum_mean<float, long>", durationUs: 29.2, op: "aten::embedding_bag", inputDims: [[249997, 16], [327680], [4096], [], [], [], [], [], []], innerOp: "aten::_embedding_bag", innerDims: [[249997, 16], [327680], [4096], [], [], [], [], [], []] };
    const scatter = { name: "void at::native::indexFuncLargeIndex<float, long, unsigned int, 2, 2, -2, true>", durationUs: 42.7, op: "aten::add_", innerOp: "aten::index_add_", innerDims: [[249997, 16], [], [327680], [327680, 16], []] };
    const backward = { name: "void at::native::vectorized_gather_kernel<16, long>", durationUs: 198.2, op: "aten::_embedding_bag_sparse_backward", innerOp: "aten::gather", innerDims: [[4096, 16], [], [327680, 16], [], [327680, 16]] };
    for (const k of [gather, scatter, backward]) {
      // Same SMs, clock and DRAM latency on H200: a latency- or issue-bound kernel gains (almost) nothing.
      expect(r(k)).toBeGreaterThan(k.durationUs * peak * 1.2);
      expect(r(k)).toBeLessThanOrEqual(k.durationUs * 1.0001);
    }
    // A streaming elementwise kernel still scales with bandwidth; a kernel shorter than a launch stays as traced.
    expect(r({ name: "void at::native::vectorized_elementwise_kernel<4>", durationUs: 20, op: "aten::add_" })).toBeCloseTo(20 * peak, 6);
    expect(r({ name: "void at::native::vectorized_elementwise_kernel<4>", durationUs: 2, op: "aten::add_" })).toBe(2);
  });

  it("is the identity from a GPU to itself", async () => {
    const loaded = await loadTrace(DEV16);
    const r = retimer(h100, h100);
    for (const op of stepOps(loaded.steps[1]!)) for (const l of op.launches) {
      if (!l.gpu) continue;
      const d = r({ name: l.gpu.name, durationUs: l.gpu.dur, op: op.name, inputDims: op.inputDims, innerOp: l.inner?.name, innerDims: l.inner?.inputDims });
      expect(d).toBeCloseTo(l.gpu.dur, 9);
    }
  });

  // predict --gpu X (kernel models) and trace predict --gpu X (traced kernels re-timed with the
  // same models) should move a workload's GPU time alike. Tolerance: 10% on the GPU-time ratio,
  // 5% on the step ratio (dev16 is host-bound: its step moves little on any GPU).
  it.each(["a100-sxm-80gb", "h200-sxm-141gb", "b200"])("predict --gpu %s and trace predict --gpu agree on dev16", async (gpu) => {
    const loaded = await loadTrace(DEV16);
    const base = predictFromTrace(loaded);
    const moved = predictFromTrace(loaded, { gpu });
    const p0 = predictWorkload(dev16).train;
    const p1 = predictWorkload(dev16, { gpu }).train;
    const traceGpu = moved.gpuActiveMs / base.gpuActiveMs;
    const modelGpu = p1.gpuActiveUs / p0.gpuActiveUs;
    expect(Math.abs(Math.log(traceGpu / modelGpu))).toBeLessThan(Math.log(1.1));
    expect(Math.abs(Math.log(moved.stepMs / base.stepMs / (p1.stepUs / p0.stepUs)))).toBeLessThan(Math.log(1.05));
  });
});
