/** Constructors of one table's shard for each sharding type (the rows/cols ranges in the order of `ranks`). */
import { splitRange } from "./evaluate.js";
import type { TableInfo } from "./table-costs.js";
import type { Shard } from "./types.js";

/** Tables this small may be replicated (data-parallel): an all-reduce beats a lookup round trip. */
export const DP_MAX_BYTES = 256 * 1024;

export const all = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

export function tableWise(t: TableInfo, rank: number): Shard {
  return { table: t.index, type: "table-wise", ranks: [rank], rows: [[0, t.rows]], cols: [[0, t.dim]] };
}

export function rowWise(t: TableInfo, ranks: number[], type: "row-wise" | "table-row-wise" = "row-wise"): Shard {
  return { table: t.index, type, ranks, rows: splitRange(t.rows, ranks.length), cols: ranks.map(() => [0, t.dim] as [number, number]) };
}

export function columnWise(t: TableInfo, ranks: number[], type: "column-wise" | "table-column-wise" = "column-wise"): Shard {
  return { table: t.index, type, ranks, rows: ranks.map(() => [0, t.rows] as [number, number]), cols: splitRange(t.dim, ranks.length) };
}

export function dataParallel(t: TableInfo, n: number): Shard {
  return { table: t.index, type: "data-parallel", ranks: all(n), rows: all(n).map(() => [0, t.rows] as [number, number]), cols: all(n).map(() => [0, t.dim] as [number, number]) };
}

/** The ranks of host h. */
export function hostRanks(gpusPerHost: number, h: number): number[] {
  return all(gpusPerHost).map((g) => h * gpusPerHost + g);
}
