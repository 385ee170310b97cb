import type { TimelineEvent } from "../sim/simulate.js";

/** Sharding plans: how each embedding table is split over ranks (TorchRec's vocabulary). */
export type ShardingType = "data-parallel" | "table-wise" | "row-wise" | "column-wise" | "table-row-wise" | "table-column-wise";

export interface Shard {
  table: number;
  type: ShardingType;
  ranks: number[];
  /** Half-open row ranges, in the order of `ranks`. */
  rows: Array<[number, number]>;
  /** Half-open column ranges, in the order of `ranks`. */
  cols: Array<[number, number]>;
}

export interface RankStats {
  rank: number;
  hbmBytes: number;
  /** Embedding kernels of this rank's shards (fwd + bwd + update), us. */
  embeddingUs: number;
  /** The other compute kernels: dense layers, interaction, loss, optimizer with this rank's slice of the batch, us. */
  denseUs: number;
  /** The rank's compute: its compute kernels, or its host overheads if larger, us. */
  computeUs: number;
  /** Communication left exposed after overlap, us. */
  commUs: number;
  /** Pooled-embedding bytes this rank sends in the forward all-to-all. */
  a2aSendBytes: number;
}

export interface PlanResult {
  strategy: string;
  feasible: boolean;
  /** Why not, and what would fix it. */
  infeasibleReason?: string;
  stepUs: number;
  /** The slowest rank's host overheads take longer than its kernels: more GPUs will not shrink the step. */
  hostBound: boolean;
  samplesPerSec: number;
  shards: Shard[];
  perRank: RankStats[];
  imbalance: number;
  /** Every rank's simulated timeline (host, compute and communication streams), when asked for. */
  timelines?: TimelineEvent[][];
  /** Why each shard (same order) got its sharding type. */
  why?: string[];
}
