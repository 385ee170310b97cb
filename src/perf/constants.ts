/**
 * Fitted constants of the kernel models. Each names the data it was fitted on; the fits are
 * reproduced by `npm run calibrate` (bench/calibrate.ts) and explained in docs/perf-model.md.
 * They are global (one value for every workload), expressed relative to catalog figures so that
 * other GPUs follow from their own peak FLOP/s, bandwidth and SM count.
 */
export const KERNEL_CONSTANTS = {
  /** Fixed cost of any kernel on the GPU (launch-to-first-instruction and tail), us. */
  kernelFixedUs: 2.0,
  gemm: {
    /** Fraction of dtype peak reached by a 128x128 tile at full waves (micro.json gemm_fp32 + trace GEMMs). */
    efficiency: 0.687,
    /** Fixed cost per GEMM kernel, us (same fit). */
    fixedUs: 3.48,
    /** Fraction of HBM bandwidth reached when memory bound (same fit). */
    bandwidthEfficiency: 0.726,
    /** Extra cost of a split-K reduction kernel, us (same fit). */
    splitKUs: 1.09,
    /** Tile efficiency = (arithmetic intensity of the tile / that of 128x128) ^ exponent (same fit). */
    tileExponent: 0.894,
    /** Tensor-core dtypes reach a lower fraction of their much higher peak (micro.json llm_bf16 fit). */
    tensorCoreEfficiency: 0.7,
    /**
     * Tensor-core GEMMs on Hopper+ run persistent stream-K kernels (no partial last wave) and
     * stream weights at this fraction of HBM bandwidth when memory bound (micro.json llm_bf16:
     * 30 Llama 4 shaped bf16 GEMMs, M = 1 to 8192; fitted with tensorCoreEfficiency held at 0.7).
     */
    tensorCoreBandwidthEfficiency: 0.82,
  },
  attention: {
    /** Flash attention prefill (SDPA, causal): fraction of bf16 peak (micro.json llm_bf16 attn_prefill, T = 1K-16K). */
    prefillEfficiency: 0.73,
    prefillFixedUs: 10,
    /** Pipeline fill per wave of 128-query tiles over the SMs, us (same fit). */
    prefillWaveUs: 8.5,
    /** Decode (one query per sequence): KV streamed at this fraction of HBM bandwidth (attn_decode, 5 points). */
    decodeBandwidthEfficiency: 0.92,
    decodeFixedUs: 23,
  },
  bmm: {
    /** Batched small matrices (dot interaction): micro.json bmm_interaction + trace aten::bmm fit. */
    efficiency: 0.226,
    bandwidthEfficiency: 0.549,
    fixedUs: 3.81,
  },
  embedding: {
    /** Forward (EmbeddingBag_updateOutputKernel): fixed us, from the 21 H100 traces' forward kernels. */
    forwardFixedUs: 4.61,
    /** Random-row gather reaches this fraction of HBM bandwidth (same fit). */
    forwardBandwidthEfficiency: 0.41,
    /** Dependent-load latency per lookup per wave of warps, us (same fit). */
    forwardLatencyUs: 0.2227,
    /** Warps the PyTorch kernel launches: grid 1024 x block (32, 8). */
    forwardWarps: 8192,
    /** Reused rows in a batch cost this fraction of a DRAM access (served by L2). Lin et al. Sec. IV-B. */
    l2ReuseCost: 0.3,
    /** Backward gather: one 32-thread block per lookup; per-block cost on one SM, us (traces fit). */
    backwardBlockUs: 0.0791,
    backwardFixedUs: 1.5,
    /** Sparse update (index_add_ with atomics): elements per second per HBM byte/s (traces fit). */
    updateElementsPerByte: 0.0374,
    updateFixedUs: 2.58,
    /** Serialized atomic adds on one hot row, us per hit (traces: tables of 3-4 rows). */
    updateSerialUsPerHit: 0.008,
  },
  tbe: {
    /**
     * FBGEMM / HugeCTR table-batched embedding kernels: fraction of HBM bandwidth reached. Set
     * on the MLPerf Training v4.0 NVIDIA 1 x 8 H100 DLRM-DCNv2 development point
     * (../shared/reference/mlperf-dcnv2-dev.json), a round value (with the default planner that point
     * is predicted -5.4%, the 8 x 8 one +7%: BENCHMARKS.md); no
     * public FBGEMM figure names its GPU (docs/implementations-sources.md). One value for every
     * GPU, batch and cluster.
     */
    bandwidthEfficiency: 0.7,
    /** Radix sort of (row, position) pairs by row: int64 keys and int32 values, read and written in two passes. */
    sortBytesPerLookup: 48,
    /** Fixed cost of a TBE kernel launch and its tail, us (as the PyTorch embedding kernels' fits). */
    forwardFixedUs: 4.61,
    backwardFixedUs: 4.1,
  },
  elementwise: {
    /** Streaming kernels reach this fraction of HBM bandwidth (PyTorch vectorized kernels). */
    bandwidthEfficiency: 0.92,
    fixedUs: 1.6,
    /** indexing_backward_kernel: per element per SM, ns; B x pairs elements (21 H100 traces: 0.20-0.24 ns/element on 132 SMs). */
    indexBackwardSmNs: 29,
    indexBackwardFixedUs: 1.9,
  },
  memcpy: {
    /** micro.json overheads_per_run: pageable H2D reaches ~16-21 GB/s plus ~50 us staging for 1 MiB. */
    pageableFixedUs: 0.8,
    pageableBandwidthFraction: 0.28,
    pinnedBandwidthFraction: 0.85,
    /** micro.json: d2d copy moves ~2960 GB/s read+write on a 3350 GB/s part. */
    d2dBandwidthFraction: 0.88,
  },
  sort: { fixedUs: 4.0, keysPerUs: 2000 },
} as const;
