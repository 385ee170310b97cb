/**
 * Analytic hit ratios of a cache of C rows in front of one embedding table of R rows whose
 * lookups are independent draws from its IndexDistribution (the independent reference model),
 * for the tier planner. Pure functions; `tableCurve(dist, rows)` does the per-table work once
 * (the rows as buckets of equal probability, ../perf/index-stats.ts) and is memoised, so a
 * hit ratio costs a few microseconds after that.
 *
 * - "lru": Che's approximation (Che, Tung and Wang, IEEE JSAC 2002; justified by Fricker,
 *   Robert and Roberts, ITC 2012): the characteristic time T solves sum_i (1 - e^(-p_i T)) = C
 *   and hit = sum_i p_i (1 - e^(-p_i T)).
 * - "lfu": a perfect-frequency LFU (counts kept for every row, as FBGEMM's LFU cache keeps
 *   them) holds the C most popular rows under IRM: hit = mass of ranks [0, C). Our simulator's
 *   "lfu" is libCacheSim's in-cache LFU, whose counts are forgotten on eviction: its cache
 *   freezes on the rows that got counts early and does worse (0.01 to 0.06 below at 1% to 50%
 *   of a Zipf table, test/tier-curves.test.ts); this curve is not a model of that one.
 * - "set-lru": FBGEMM's 32-way set-associative LRU (../cache/policies/set-lru.ts) with S =
 *   floor(C / 32) sets and random hashing. Mean field: each set sees the distribution thinned
 *   by 1/S with 32 ways, i.e. Che's T of a full LRU of 32 S rows. Plus the second-order
 *   correction for the random make-up of each set (which rows hash to it: a set with more or
 *   hotter rows than its share has a shorter T): a set's occupancy and hit mass at fixed T are
 *   sums over a Bernoulli(1/S) thinning; expanding its T to second order in their fluctuations
 *   and taking the expectation gives the (negative) correction, a few thousandths of hit
 *   ratio. A cache under 32 rows is one set, i.e. a full LRU.
 * - uniform tables: p_i = 1/R, hit = C/R for lru and lfu; for set-lru the exact
 *   S E[min(n, 32)] / R over the Poisson number n of rows per set (32 S / R unless the cache
 *   nears the table's size).
 *
 * Hit ratios are steady-state (warm cache: no first-touch misses) and per lookup. Checked
 * against simulation at 1% to 50% of the rows (test/tier-curves.test.ts, within 0.002 for
 * lru and set-lru); set-lru over a Zipf table is optimistic once 32 S nears R (the second-order
 * correction does not see sets overflowing: 0.007 high at 90%, and 1 instead of 0.976 at
 * C = R for zipf 0.8).
 */
import type { CachePolicy, IndexDistribution } from "../spec/workload.js";
import { setLruShape } from "../cache/policies/set-lru.js";
import { rankBuckets, zipfMass } from "../perf/index-stats.js";

export interface TableCurve {
  readonly dist: IndexDistribution;
  readonly rows: number;
  /** Steady-state hit ratio of a cache of `cacheRows` rows (fractions allowed for lru and lfu). */
  hitRatio(cacheRows: number, policy: CachePolicy): number;
  /** 1 - hitRatio at each size. */
  missRatios(sizes: readonly number[], policy: CachePolicy): number[];
  /** Che's characteristic time (in lookups) of a full LRU of `cacheRows` rows: Infinity when it holds the table. */
  characteristicTime(cacheRows: number): number;
}

class Curve implements TableCurve {
  private readonly count: Float64Array;
  private readonly p: Float64Array;

  constructor(
    readonly dist: IndexDistribution,
    readonly rows: number,
  ) {
    const b = rankBuckets(dist, rows);
    this.count = b.count;
    this.p = b.p;
  }

  characteristicTime(cacheRows: number): number {
    const C = cacheRows;
    if (C <= 0) return 0;
    if (C >= this.rows) return Infinity;
    const { count, p } = this;
    const n = p.length;
    if (n === 1) return -Math.log1p(-C / this.rows) / p[0]!;
    // f(T) = sum c (1 - e^(-pT)) is increasing and concave with f(T) <= T: Newton from T = C
    // climbs to the root from below, monotonically.
    let T = C;
    for (let it = 0; it < 200; it++) {
      let f = 0;
      let df = 0;
      for (let j = 0; j < n; j++) {
        const e = Math.exp(-p[j]! * T);
        f += count[j]! * (1 - e);
        df += count[j]! * p[j]! * e;
      }
      const step = (C - f) / df;
      T += step;
      if (!(step > T * 1e-12) || df === 0) break;
    }
    return T;
  }

  /** sum_i p_i (1 - e^(-p_i T)) */
  private cheHit(T: number): number {
    if (T === Infinity) return 1;
    const { count, p } = this;
    let h = 0;
    for (let j = 0; j < p.length; j++) h += count[j]! * p[j]! * -Math.expm1(-p[j]! * T);
    return Math.min(1, h);
  }

  private lfu(C: number): number {
    if (C >= this.rows) return 1;
    if (this.dist.kind === "uniform") return C / this.rows;
    const k = Math.floor(C);
    const a = this.dist.alpha;
    // a fractional row holds that share of the next rank
    return zipfMass(this.rows, a, 0, k) + (C - k) * zipfMass(this.rows, a, k, k + 1);
  }

  private setLru(capacity: number): number {
    const { sets, ways } = setLruShape(capacity);
    const C = sets * ways;
    if (C >= this.rows && sets === 1) return 1;
    if (this.dist.kind === "uniform") return uniformSetLru(this.rows, sets, ways);
    const T = this.characteristicTime(C);
    if (sets === 1 || T === Infinity) return this.cheHit(T);
    // Per set at the mean-field T: occupancy a(T) = q sum f_i (= ways), hit mass b(T) = q sum p_i f_i,
    // f_i = 1 - e_i, e_i = e^(-p_i T), q = 1/S. The set's own sums fluctuate around them by
    // Bernoulli(q) thinning: Cov(sum_s g_i, sum_s h_i) = q (1 - q) sum g_i h_i.
    const { count, p } = this;
    const q = 1 / sets;
    let a1 = 0; // sum p e      (a' / q)
    let a2 = 0; // sum p^2 e    (-a'' / q, b' / q)
    let b2 = 0; // sum p^3 e    (-b'' / q)
    let xx = 0; // sum f^2
    let xa = 0; // sum f p e    (Cov X, X')
    let xb = 0; // sum f p^2 e  (Cov X, Y')
    let hit = 0;
    for (let j = 0; j < p.length; j++) {
      const c = count[j]!;
      const pj = p[j]!;
      const e = Math.exp(-pj * T);
      const f = -Math.expm1(-pj * T);
      hit += c * pj * f;
      a1 += c * pj * e;
      a2 += c * pj * pj * e;
      b2 += c * pj * pj * pj * e;
      xx += c * f * f;
      xa += c * f * pj * e;
      xb += c * f * pj * pj * e;
    }
    if (a1 <= 0) return Math.min(1, hit);
    const v = q * (1 - q);
    const da = q * a1; // a'
    const dda = -q * a2; // a''
    const db = q * a2; // b'
    const ddb = -q * b2; // b''
    const varX = v * xx;
    // T_s = T + d: X + (a' + X') d + a'' d^2 / 2 = 0, d1 = -X / a'.
    const ed = (v * xa) / (da * da) - (0.5 * dda * varX) / (da * da * da);
    const ed1sq = varX / (da * da);
    const eyd = -(v * xb) / da;
    // E[B(T + d)] = b + b' E[d] + E[Y' d1] + b'' E[d1^2] / 2, summed over the S sets
    const corr = sets * (db * ed + eyd + 0.5 * ddb * ed1sq);
    return Math.min(1, Math.max(0, hit + corr));
  }

  hitRatio(cacheRows: number, policy: CachePolicy): number {
    if (!(cacheRows > 0)) return 0;
    switch (policy) {
      case "lru":
        return this.cheHit(this.characteristicTime(cacheRows));
      case "lfu":
        return this.lfu(cacheRows);
      case "set-lru":
        return this.setLru(cacheRows);
    }
  }

  missRatios(sizes: readonly number[], policy: CachePolicy): number[] {
    return sizes.map((s) => 1 - this.hitRatio(s, policy));
  }
}

/**
 * Set-associative LRU over a uniform table: a set that `n` rows hash to (n ~ Poisson(R / S))
 * hits min(n, W) / n of its lookups (LRU under uniform IRM holds W of its n rows), so
 * hit = S E[min(n, W)] / R = (S / R) (W - sum_{n < W} P(n) (W - n)).
 */
function uniformSetLru(rows: number, sets: number, ways: number): number {
  if (sets === 1) return Math.min(1, ways / rows);
  const lambda = rows / sets;
  let short = 0;
  let logP = -lambda; // log P(n = 0)
  for (let n = 0; n < ways; n++) {
    short += Math.exp(logP) * (ways - n);
    logP += Math.log(lambda) - Math.log(n + 1);
  }
  return Math.min(1, ((ways - short) * sets) / rows);
}

const curves = new Map<string, Curve>();

/** The curve of one table (memoised by distribution and rows). */
export function tableCurve(dist: IndexDistribution, rows: number): TableCurve {
  const key = `${dist.kind === "zipf" ? dist.alpha : "u"}:${rows}`;
  let c = curves.get(key);
  if (!c) {
    c = new Curve(dist, rows);
    if (curves.size > 10_000) curves.clear();
    curves.set(key, c);
  }
  return c;
}

/** Steady-state hit ratio of a `policy` cache of `cacheRows` rows in front of a table of `rows` rows. */
export function hitRatio(dist: IndexDistribution, rows: number, cacheRows: number, policy: CachePolicy): number {
  return tableCurve(dist, rows).hitRatio(cacheRows, policy);
}

export function missRatio(dist: IndexDistribution, rows: number, cacheRows: number, policy: CachePolicy): number {
  return 1 - hitRatio(dist, rows, cacheRows, policy);
}
