/**
 * The marginal allocator: spend a byte budget over items (tables' caches) where a byte removes
 * the most cost. Each item's cost curve (cost at x units, decreasing) is sampled, replaced by its
 * lower convex hull, and the hulls' segments are taken steepest first: optimal for convex curves
 * (the greedy of Stone's "optimal partitioning of cache memory", IEEE ToC 1992; Qureshi and Patt's
 * utility-based partitioning, MICRO 2006, on miss curves), and within the sampling error
 * otherwise. The last segment taken may be partial.
 */

export interface CostCurve {
  /** Units (rows) the item can use at most. */
  maxUnits: number;
  /** Bytes one unit takes. */
  unitBytes: number;
  /** Cost (e.g. miss-seconds per step) with x units; non-increasing in x. */
  cost(x: number): number;
}

export interface Allocation {
  units: number[];
  bytes: number;
  cost: number;
}

/** 0, then `points` sizes spread geometrically up to max (integers, ascending, unique). */
export function samplePoints(max: number, points = 48): number[] {
  const out = new Set<number>([0]);
  if (max >= 1) for (let i = 0; i < points; i++) out.add(Math.max(1, Math.round(max ** (i / (points - 1)))));
  out.add(Math.floor(max));
  return [...out].sort((a, b) => a - b);
}

interface Segment {
  item: number;
  x0: number;
  x1: number;
  /** cost change per byte (negative) */
  slope: number;
}

/** Lower convex hull of (x, cost) points, x ascending (Andrew's monotone chain, lower half). */
function lowerHull(xs: number[], cs: number[]): number[] {
  const h: number[] = [];
  for (let i = 0; i < xs.length; i++) {
    while (h.length >= 2) {
      const a = h[h.length - 2]!;
      const b = h[h.length - 1]!;
      // drop b when it lies on or above the chord a -> i
      if ((cs[b]! - cs[a]!) * (xs[i]! - xs[a]!) >= (cs[i]! - cs[a]!) * (xs[b]! - xs[a]!)) h.pop();
      else break;
    }
    h.push(i);
  }
  return h;
}

export function allocate(items: CostCurve[], budgetBytes: number, points = 48): Allocation {
  const segs: Segment[] = [];
  items.forEach((it, item) => {
    if (it.maxUnits <= 0) return;
    const xs = samplePoints(it.maxUnits, points);
    const cs = xs.map((x) => it.cost(x));
    const h = lowerHull(xs, cs);
    for (let k = 1; k < h.length; k++) {
      const a = h[k - 1]!;
      const b = h[k]!;
      const slope = (cs[b]! - cs[a]!) / ((xs[b]! - xs[a]!) * it.unitBytes);
      if (slope < 0) segs.push({ item, x0: xs[a]!, x1: xs[b]!, slope });
    }
  });
  segs.sort((a, b) => a.slope - b.slope || a.item - b.item);
  const units = items.map(() => 0);
  let left = Math.max(0, budgetBytes);
  for (const s of segs) {
    if (left <= 0) break;
    // Segments of one item come in hull order (slopes increase along a convex hull).
    if (units[s.item] !== s.x0) continue;
    const bytes = (s.x1 - s.x0) * items[s.item]!.unitBytes;
    if (bytes <= left) {
      units[s.item] = s.x1;
      left -= bytes;
    } else {
      units[s.item] = s.x0 + Math.floor(left / items[s.item]!.unitBytes);
      left -= (units[s.item]! - s.x0) * items[s.item]!.unitBytes;
      // a partial segment ends this item's share; smaller items further down may still fit
    }
  }
  const bytes = units.reduce((s, u, i) => s + u * items[i]!.unitBytes, 0);
  const cost = units.reduce((s, u, i) => s + items[i]!.cost(u), 0);
  return { units, bytes, cost };
}
