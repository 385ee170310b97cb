/** Why a table got its sharding type, in the planner's own terms (memory, heat, size). */
import type { PlanContext } from "./context.js";
import { DP_MAX_BYTES } from "./shards.js";
import { shardBytes } from "./table-costs.js";
import type { Shard } from "./types.js";

/** Heat above which the search splits a table: its table-wise cost over a rank's fair share. */
export const HOT_FACTOR = 1.5;

export function explainShard(ctx: PlanContext, s: Shard): string {
  const t = ctx.tables[s.table]!;
  const gb = (b: number): string => `${(b / 1e9).toFixed(1)} GB`;
  const need = shardBytes(ctx.w, t, t.rows, t.dim);
  const room = ctx.capacity - ctx.dense.memoryBytes;
  const heat = ctx.fairUs > 0 ? ctx.twUs[t.index]! / ctx.fairUs : 0;
  switch (s.type) {
    case "data-parallel":
      return t.bytes <= DP_MAX_BYTES ? `${(t.bytes / 1024).toFixed(0)} KiB: replicas cost one gradient all-reduce, no lookup round trip` : "replicated on every rank";
    case "table-wise":
      return `fits one GPU (${gb(need)} with optimizer state, ${gb(room)} free); ${heat.toFixed(2)}x a rank's fair share of lookup time`;
    case "row-wise":
    case "table-row-wise": {
      const where = s.type === "table-row-wise" ? "inside one host" : "over all ranks";
      if (need > room) return `needs ${gb(need)} with optimizer state, more than one GPU's ${gb(room)}: rows split ${where}`;
      if (heat > HOT_FACTOR) return `hot: ${heat.toFixed(1)}x a rank's fair share of lookup time: rows split ${where}`;
      return `rows split ${where}: no rank had room left for the whole table, or the plan balances better so`;
    }
    default: {
      const widths = [...new Set(s.cols.map(([a, b]) => b - a))].sort((a, b) => a - b);
      if (s.ranks.length === 1) return `one column shard of all ${t.dim} columns on rank ${s.ranks[0]}: too narrow to split further (shards keep >= 32 columns)`;
      return `columns split over ${s.ranks.length} ranks (${widths.join(" or ")} each) to spread its lookups and all-to-all volume`;
    }
  }
}
