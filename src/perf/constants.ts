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
    /**
     * Fraction of fp32 peak reached by large GEMMs (128x128 tiles, many waves): micro.json
     * gemm_fp32 reaches ~51 TFLOP/s = 0.76 x 67 TFLOP/s at 32768x4096x4096 and 8192x4096x4096
     * (grid fit with the next three on the 52 points above 60 us; was one size-independent 0.687).
     */
    efficiency: 0.76,
    /** fp32 efficiency of a GEMM of a few tiles (well under one wave), same fit; see sizeEfficiency in perf/gemm.ts. */
    smallEfficiency: 0.55,
    /** Waves of tiles (tiles x split / SMs) at which fp32 efficiency is halfway between the two, same fit. */
    halfWaves: 0.25,
    /** Fixed cost per GEMM kernel, us (same fit). */
    fixedUs: 3.48,
    /** Fraction of HBM bandwidth reached when memory bound (same fit). */
    bandwidthEfficiency: 0.726,
    /** Extra cost of a split-K reduction kernel, us (same fit). */
    splitKUs: 1.09,
    /** Tile efficiency = (arithmetic intensity of the tile / that of 128x128) ^ exponent (same fit; 0.894 before the size term). */
    tileExponent: 0.7,
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
    /**
     * Forward (EmbeddingBag_updateOutputKernel_sum_mean, perf/embedding.ts embeddingForwardUs).
     * The forward constants below are one joint fit (Nelder-Mead on the mean |ln| error) on
     * every forward kernel of the 21 H100 traces (1416 kernels; each table's median of its three
     * steps) plus 0.3 x the error on micro.json embedding_bag (35 points >= 60 us, 37 us event
     * floor): per traced kernel GMAE 23.9% -> 5.0%, micro 18.7% -> 12.7%.
     * Fixed cost of a forward kernel, us.
     */
    forwardFixedUs: 2.23,
    /**
     * Random-row gathers are latency-bound, not peak-bandwidth-bound: by Little's law a GPU
     * sustains (SMs x bytes in flight per SM) / DRAM latency, capped by streaming bandwidth.
     * Same fit: 59.6 row misses of one 128-byte line in flight per SM (7635 B; about the 62
     * warps an SM holds, each waiting on one row), 1.95 TB/s of lines on H100 (132 SMs, the
     * catalog's 500 ns). Was 5200 B (1.37 TB/s) when every lookup paid its row bytes.
     */
    gatherBytesInFlightPerSm: 7635,
    /** Dependent index + row load per lookup of one warp, in DRAM latencies (0.262 us on H100; same fit; was 0.4454). */
    forwardLatencyDramLatencies: 0.524,
    /** A chunk's prologue before its first lookup (offsets loads, 64-bit div/mod of the chunk index), in DRAM latencies (0.671 us on H100; same fit). */
    forwardChunkDramLatencies: 1.34,
    /** SM issue cycles per chunk (bag x 32 columns) when the GPU is full: the prologue's instructions (0.372 ns per chunk on 132 SMs at 1980 MHz; same fit). */
    forwardChunkCycles: 97.2,
    /** SM issue cycles per chunk-lookup when full, whatever the lanes used (39 ps per warp-lookup on H100: dim 16 costs as dim 32; same fit). */
    forwardLookupCycles: 10.2,
    /** Effective L2 capacity for a table's random rows, fraction of the catalog L2 (5.2 MB of H100's 50 MiB; same fit). */
    forwardL2Fraction: 0.1,
    /** Smooth maximum of the latency and throughput bounds: (lat^p + thr^p)^(1/p), p = 2 (same fit: 2.0). */
    forwardBoundExponent: 2,
    /** Warps the PyTorch kernel launches: grid 1024 x block (32, 8). */
    forwardWarps: 8192,
    /** Reused rows in a batch cost this fraction of a DRAM access (served by L2). Lin et al. Sec. IV-B. Used by the TBE models. */
    l2ReuseCost: 0.3,
    /** Backward gather (index_select): one 32-thread block per lookup; per-block cost on one SM in SM cycles (0.0791 us at 1980 MHz, traces fit). */
    backwardBlockCycles: 156.6,
    backwardFixedUs: 1.5,
    /**
     * Sparse update (index_add_ with atomicAdd): bound by atomic throughput, which scales with
     * SMs x SM clock (atomics issued per SM cycle), not with HBM bandwidth; 0.479 per SM cycle
     * is the earlier traces fit (0.0374 elements per HBM byte x 3.35 TB/s) on 132 SMs at 1980 MHz.
     */
    updateAtomicsPerSmCycle: 0.479,
    updateFixedUs: 2.58,
    /** Serialized atomic adds on one hot row, SM cycles per hit (0.008 us at 1980 MHz; traces: tables of 3-4 rows). */
    updateSerialCyclesPerHit: 15.84,
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
    /**
     * TBE row gathers follow the same Little's law bound as the PyTorch gather (embedding above)
     * with FBGEMM's deeper pipelining: bytes in flight per SM set so that H100 (132 SMs, 500 ns)
     * reaches exactly bandwidthEfficiency x 3.35 TB/s, i.e. H100 predictions are unchanged.
     */
    gatherBytesInFlightPerSm: 8883,
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
