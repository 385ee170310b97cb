/**
 * Statistics of a table's index stream within one batch: the expected fraction of unique rows
 * (Lin et al., HiPC 2022, Sec. IV-B use it for L2 reuse) and the share of the hottest row.
 * Distributions follow ../shared/groundtruth/README.md (uniform; bounded continuous Zipf).
 */
import type { IndexDistribution } from "../spec/workload.js";

/** Probability mass of Zipf ranks [lo, hi) under x = ((R^(1-a)-1)u+1)^(1/(1-a)), rank = floor(x)-1. */
export function zipfMass(rows: number, alpha: number, lo: number, hi: number): number {
  // CDF of x at value v: u(v) = (v^(1-a) - 1) / (R^(1-a) - 1); a = 1 is the log limit.
  const cdf = (v: number): number => {
    const x = Math.min(Math.max(v, 1), rows);
    if (Math.abs(alpha - 1) < 1e-9) return Math.log(x) / Math.log(rows);
    return (x ** (1 - alpha) - 1) / (rows ** (1 - alpha) - 1);
  };
  // rank k <=> x in [k+1, k+2); the last rank also takes x = R.
  return cdf(hi + 1) - cdf(lo + 1);
}

/** Ranks grouped for sums over a table: `count[j]` ranks of probability `p[j]` each, hottest first. */
export interface RankBuckets {
  count: Float64Array;
  p: Float64Array;
}

/**
 * The rows of a table as buckets of equal probability: exact for the `head` hottest ranks,
 * geometric buckets (each `growth` times the last) for the Zipf tail, where the mass varies
 * slowly; one bucket for a uniform table.
 */
export function rankBuckets(dist: IndexDistribution, rows: number, head = 256, growth = 1.05): RankBuckets {
  if (dist.kind === "uniform" || rows <= 1) return { count: Float64Array.of(rows), p: Float64Array.of(1 / rows) };
  const count: number[] = [];
  const p: number[] = [];
  const h = Math.min(rows, head);
  for (let k = 0; k < h; k++) {
    count.push(1);
    p.push(zipfMass(rows, dist.alpha, k, k + 1));
  }
  for (let lo = h; lo < rows; ) {
    const hi = Math.min(rows, Math.ceil(lo * growth));
    count.push(hi - lo);
    p.push(zipfMass(rows, dist.alpha, lo, hi) / (hi - lo));
    lo = hi;
  }
  return { count: Float64Array.from(count), p: Float64Array.from(p) };
}

/** Expected number of distinct rows hit by `lookups` draws. */
export function expectedDistinct(dist: IndexDistribution, rows: number, lookups: number): number {
  if (rows <= 1) return Math.min(rows, lookups);
  if (dist.kind === "uniform") return rows * -Math.expm1(lookups * Math.log1p(-1 / rows));
  // Exact for the head, geometric buckets for the tail (mass varies slowly there).
  const b = rankBuckets(dist, rows);
  let distinct = 0;
  for (let j = 0; j < b.p.length; j++) distinct += b.count[j]! * -Math.expm1(lookups * Math.log1p(-Math.min(b.p[j]!, 1 - 1e-15)));
  return distinct;
}

const memo = new Map<string, number>();

export function uniqueFraction(dist: IndexDistribution, rows: number, lookups: number): number {
  if (lookups <= 0) return 1;
  // Memoised: a sweep asks for the same tables over and over (a few hundred us per Zipf table).
  const key = `${dist.kind === "zipf" ? dist.alpha : "u"}:${rows}:${lookups}`;
  let u = memo.get(key);
  if (u === undefined) {
    u = Math.min(1, expectedDistinct(dist, rows, lookups) / lookups);
    if (memo.size > 100_000) memo.clear();
    memo.set(key, u);
  }
  return u;
}

export function hottestRowShare(dist: IndexDistribution, rows: number): number {
  if (rows <= 1) return 1;
  return dist.kind === "uniform" ? 1 / rows : zipfMass(rows, dist.alpha, 0, 1);
}
