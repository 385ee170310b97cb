/**
 * The tables beside the charts, as plain data (headers, rows of text, which columns are
 * numbers): `strata report` writes them as HTML, the dashboard draws them with its own
 * component, so both show the same figures.
 */
import type { ResultOf } from "./kinds.js";

export interface TableModel {
  caption: string;
  head: string[];
  rows: string[][];
  /** Right-aligned (numeric) columns. */
  numeric: boolean[];
}

const f = (x: number, d = 3): string => x.toFixed(d);
const gb = (b: number): string => (b / 1e9).toFixed(2);

export function predictTable(d: ResultOf<"predict">): TableModel {
  return {
    caption: "Predicted steps",
    head: ["workload", "GPU", "implementation", "host", "train ms", "inference ms", "GPU active ms", "host busy ms", "peak GB", "fits", "bound"],
    rows: d.results.map((r) => [r.name, r.gpu, r.implementation, String(r.host ?? ""), f(r.trainStepMs), f(r.inferenceMs), f(r.gpuActiveMs), f(r.hostBusyMs), gb(r.peakMemoryBytes), r.fits ? "yes" : `NO: ${String(r.fitReason ?? "")}`, r.bound]),
    numeric: [false, false, false, false, true, true, true, true, true, false, false],
  };
}

export function planRankTable(d: ResultOf<"plan">): TableModel {
  return {
    caption: "Per rank",
    head: ["rank", "HBM GB", "embedding ms", "dense ms", "compute ms", "exposed comm ms", "a2a send MB"],
    rows: d.perRank.map((r) => [String(r.rank), gb(r.hbmBytes), f(r.embeddingMs), f(r.denseMs), f(r.computeMs), f(r.commMs), (r.a2aSendBytes / 1e6).toFixed(1)]),
    numeric: [true, true, true, true, true, true, true],
  };
}

/** Each table's sharding and, where the plan carries them, the reasons. */
export function planShardTable(d: ResultOf<"plan">): TableModel {
  const why = d.why ?? [];
  return {
    caption: "Sharding per table",
    head: ["table", "type", "ranks", ...(why.length ? ["why"] : [])],
    rows: d.shards.map((s, i) => ({ s, i })).sort((a, b) => a.s.table - b.s.table).map(({ s, i }) => [String(s.table), s.type, s.ranks.length > 6 ? `${s.ranks.length} ranks` : s.ranks.join(", "), ...(why.length ? [why[i] ?? ""] : [])]),
    numeric: [true, false, false, false],
  };
}

export function tierTable(d: ResultOf<"tier">): TableModel {
  return {
    caption: "Tables: home tier, caches and hit rates",
    head: ["table", "rows", "home", "HBM cache rows", "DRAM cache rows", "HBM hit", "DRAM hit", "policy"],
    rows: [...d.tables].sort((a, b) => a.table - b.table).map((t) => [String(t.table), t.rows.toLocaleString("en-US"), t.home, t.hbmCacheRows.toLocaleString("en-US"), t.dramCacheRows.toLocaleString("en-US"), f(t.hitRate), f(t.dramHitRate), String(t.policy ?? "")]),
    numeric: [true, true, false, true, true, true, true, false],
  };
}

export function traceStepTable(d: ResultOf<"trace analyze">): TableModel {
  return {
    caption: "Steps (ms)",
    head: ["step", "ms", "host busy", "GPU active", "GPU idle", "idle: host in ops", "idle: between ops", "sync wait"],
    rows: d.steps.map((s) => [s.name, f(s.ms), f(s.hostBusyMs), f(s.gpuActiveMs), f(s.gpuIdleMs), f(s.idleCauses.hostInOpsMs), f(s.idleCauses.hostBetweenOpsMs), f(s.syncWaitMs)]),
    numeric: [false, true, true, true, true, true, true, true],
  };
}

/** T1-T5: the host-overhead types of Lin et al. (HiPC 2022), us. */
export function overheadTable(d: ResultOf<"trace analyze">): TableModel {
  return {
    caption: "Host overheads T1-T5 (us)",
    head: ["type", "mean", "std", "count"],
    rows: ["T1", "T2", "T3", "T4", "T5"].filter((t) => d.overheads[t]).map((t) => [t, f(d.overheads[t]!.mean, 2), f(d.overheads[t]!.std, 2), String(d.overheads[t]!.count)]),
    numeric: [false, true, true, true],
  };
}

type PerfRow = Extract<ResultOf<"llm perf">, { batch: number }>;

export function llmPerfTable(d: ResultOf<"llm perf">): TableModel {
  const flat: PerfRow[] = "rows" in d ? (d.rows as PerfRow[]) : [d as PerfRow];
  return {
    caption: "Prefill and decode",
    head: ["batch", "fits", "TTFT ms", "prefill tok/s", "prefill tok/s/GPU", "decode step ms", "decode tok/s", "decode tok/s/GPU", "request ms"],
    rows: flat.map((r) => [String(r.batch), r.fits ? "yes" : "NO", f(r.prefill.latencyMs, 1), r.prefill.tokensPerSec.toLocaleString("en-US"), r.prefill.tokensPerSecPerGpu.toLocaleString("en-US"), f(r.decode.stepMs, 2), r.decode.tokensPerSec.toLocaleString("en-US"), r.decode.tokensPerSecPerGpu.toLocaleString("en-US"), f(r.requestMs, 1)]),
    numeric: [true, false, true, true, true, true, true, true, true],
  };
}
