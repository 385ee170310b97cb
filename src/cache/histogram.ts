/**
 * Histograms of stack (reuse) distances and the miss counts they imply: an LRU cache of size c
 * hits a request exactly when its stack distance is at most c.
 */
import { doubledLength, grown } from "./grow.js";

/** Exact: one bin per integer distance (object-counted curves); u32 counts (half the cache footprint), widened to f64 if one overflows. */
export class ExactHistogram {
  counts: Uint32Array | Float64Array = new Uint32Array(1024);
  /** largest distance seen */
  max = 0;

  add(d: number, count = 1): void {
    if (d >= this.counts.length) {
      this.counts = grown(this.counts, doubledLength(this.counts.length, d + 1));
    }
    const v = this.counts[d]! + count;
    if (v > 0xffffffff && this.counts instanceof Uint32Array) this.counts = Float64Array.from(this.counts);
    this.counts[d] = v;
    if (d > this.max) this.max = d;
  }

  /** Hits of a cache of each size (ascending sizes): the counts of distances <= size. */
  hitsAt(sizes: number[]): number[] {
    const out: number[] = [];
    let acc = 0;
    let d = 0;
    for (const c of sizes) {
      const lim = Math.min(Math.floor(c), this.max);
      for (; d <= lim; d++) acc += this.counts[d]!;
      out.push(acc);
    }
    return out;
  }

}

const LINEAR = 1024;
const PER_OCTAVE = 128;

/**
 * Binned: exact integer bins up to 1024, then 128 bins per octave (0.5% wide), for byte-counted
 * and sampled (scaled, fractional) distances. Within a bin, distances count as spread evenly.
 */
export class BinnedHistogram {
  counts = new Float64Array(LINEAR + 1 + PER_OCTAVE * 64);
  max = 0;

  static bin(d: number): number {
    return d <= LINEAR ? Math.ceil(d) : LINEAR + Math.ceil(Math.log2(d / LINEAR) * PER_OCTAVE);
  }

  /** Upper edge of bin b (bin b holds distances in (edge(b-1), edge(b)]). */
  static edge(b: number): number {
    return b <= LINEAR ? b : LINEAR * 2 ** ((b - LINEAR) / PER_OCTAVE);
  }

  add(d: number, count = 1): void {
    const b = BinnedHistogram.bin(d);
    this.counts[b]! += count;
    if (b > this.max) this.max = b;
  }

  hitsAt(sizes: number[]): number[] {
    return sizes.map((c) => {
      let acc = 0;
      for (let b = 0; b <= this.max; b++) {
        const hi = BinnedHistogram.edge(b);
        if (hi <= c) acc += this.counts[b]!;
        else {
          const lo = b === 0 ? 0 : BinnedHistogram.edge(b - 1);
          if (c > lo) acc += (this.counts[b]! * (c - lo)) / (hi - lo);
          break;
        }
      }
      return acc;
    });
  }

  /** The largest distance seen (an upper bound: the top edge of its bin). */
  get maxDistance(): number {
    return BinnedHistogram.edge(this.max);
  }

  scale(f: number): void {
    for (let i = 0; i <= this.max; i++) this.counts[i]! *= f;
  }
}

/** Miss ratio = (total - hits at or below the size) / total. */
export function curve(total: number, hist: ExactHistogram | BinnedHistogram): (sizes: number[]) => { size: number; missRatio: number }[] {
  return (sizes) => {
    const hits = hist.hitsAt(sizes);
    return sizes.map((size, i) => ({ size, missRatio: total <= 0 ? 0 : Math.min(1, Math.max(0, (total - hits[i]!) / total)) }));
  };
}
