/** The JSON of a sharding plan: what `strata plan --json` prints, and a `plan` sweep's result per configuration. */
import type { PlanResult } from "../shard/types.js";

const ms = (us: number): number => Number((us / 1000).toFixed(4));

export function planJson(p: PlanResult) {
  return {
    feasible: p.feasible,
    stepMs: ms(p.stepUs),
    hostBound: p.hostBound,
    samplesPerSec: Math.round(p.samplesPerSec),
    shards: p.shards.map((s) => ({ table: s.table, type: s.type, ranks: s.ranks, rows: s.rows, cols: s.cols })),
    perRank: p.perRank.map((r) => ({ rank: r.rank, hbmBytes: Math.round(r.hbmBytes), embeddingMs: ms(r.embeddingUs), denseMs: ms(r.denseUs), computeMs: ms(r.computeUs), commMs: ms(r.commUs), a2aSendBytes: Math.round(r.a2aSendBytes) })),
    imbalance: Number(p.imbalance.toFixed(4)),
    strategy: p.strategy,
    ...(p.infeasibleReason ? { infeasibleReason: p.infeasibleReason } : {}),
    // Why each shard (same order as `shards`) got its type: the reasons the text output shows.
    ...(p.why ? { why: p.why } : {}),
  };
}
export type PlanJson = ReturnType<typeof planJson>;
