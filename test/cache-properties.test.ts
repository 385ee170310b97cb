import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { arraySource } from "../src/cache/array-source.js";
import { IdMap } from "../src/cache/id-map.js";
import { lruMrc } from "../src/cache/mrc.js";
import { POLICIES } from "../src/cache/policies/index.js";
import { grownRing } from "../src/cache/policies/ring.js";
import { simulate } from "../src/cache/simulate.js";

/** Traces over a small id space (many re-accesses), sometimes with ids far apart. */
const trace = fc.oneof(
  fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 400 }),
  fc.array(fc.integer({ min: 0, max: 300 }).map((x) => x * 7_000_003), { minLength: 1, maxLength: 400 }),
);

describe("cache properties", () => {
  it("LRU inclusion: a bigger LRU cache never misses more", () => {
    fc.assert(
      fc.property(trace, fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 50 }), (ids, a, b) => {
        const [small, big] = simulate(arraySource(ids, undefined, 64), [{ policy: "lru", size: Math.min(a, b) }, { policy: "lru", size: Math.max(a, b) }]);
        expect(big!.misses).toBeLessThanOrEqual(small!.misses);
      }),
      { numRuns: 200 },
    );
  });

  it("Belady never misses more than any policy", () => {
    fc.assert(
      fc.property(trace, fc.integer({ min: 1, max: 40 }), (ids, size) => {
        const r = simulate(arraySource(ids, undefined, 64), POLICIES.map((policy) => ({ policy, size })));
        const belady = r.find((x) => x.policy === "belady")!.misses;
        for (const x of r) expect(belady).toBeLessThanOrEqual(x.misses);
      }),
      { numRuns: 150 },
    );
  });

  it("the exact MRC equals LRU simulation at every size", () => {
    fc.assert(
      fc.property(trace, (ids) => {
        const m = lruMrc(arraySource(ids, undefined, 64));
        const sizes = Array.from({ length: m.objects + 1 }, (_, i) => i + 1);
        const sim = simulate(arraySource(ids), sizes.map((size) => ({ policy: "lru" as const, size })));
        expect(m.at(sizes).map((p) => p.missRatio)).toEqual(sim.map((s) => s.missRatio));
      }),
      { numRuns: 100 },
    );
  });

  it("the exact MRC equals simulation on traces long enough to compact the stack many times (objects and bytes)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e9 }), fc.integer({ min: 20, max: 3000 }), (seed, universe) => {
        // a skewed stream of 5,000 requests: squares of uniform draws favour small ids
        let x = seed;
        const ids = Array.from({ length: 5000 }, () => {
          x = (Math.imul(x, 1103515245) + 12345) >>> 0;
          return Math.floor(((x / 2 ** 32) ** 2) * universe);
        });
        const sizes = ids.map((id) => 1 + (id % 5));
        const caps = [1, 2, 7, 30, 100, 400, 1000, 3000];
        const m = lruMrc(arraySource(ids, undefined, 512));
        const sim = simulate(arraySource(ids), caps.map((size) => ({ policy: "lru" as const, size })));
        expect(m.at(caps).map((p) => p.missRatio)).toEqual(sim.map((r) => r.missRatio));
        const byteCaps = [5, 40, 300, 1024];
        const mb = lruMrc(arraySource(ids, sizes, 512), { bytes: true });
        const sb = simulate(arraySource(ids, sizes), byteCaps.map((size) => ({ policy: "lru" as const, size })), { bytes: true });
        expect(mb.at(byteCaps).map((p) => p.missRatio)).toEqual(sb.map((r) => r.missRatio));
      }),
      { numRuns: 30 },
    );
  });

  it("the byte-weighted MRC equals byte-mode LRU simulation when every object fits (sizes up to 1,024 bytes are exact bins)", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 40 })), { minLength: 1, maxLength: 300 }), (pairs) => {
        // An object keeps one size (the first seen), as caches that key by id do.
        const first = new Map<number, number>();
        for (const [id, s] of pairs) if (!first.has(id)) first.set(id, s);
        const ids = pairs.map((p) => p[0]);
        const sizes = ids.map((id) => first.get(id)!);
        // (A cache smaller than an object bypasses it; the stack model cannot, so caps start at the largest size.)
        const caps = [40, 41, 64, 100, 250, 600, 1024];
        const m = lruMrc(arraySource(ids, sizes), { bytes: true });
        const sim = simulate(arraySource(ids, sizes), caps.map((size) => ({ policy: "lru" as const, size })), { bytes: true });
        expect(m.at(caps).map((p) => p.missRatio)).toEqual(sim.map((s) => s.missRatio));
      }),
      { numRuns: 100 },
    );
  });

  it("every policy in byte mode keeps misses between Belady-free bounds: hits never exceed requests minus distinct objects", () => {
    fc.assert(
      fc.property(trace, fc.integer({ min: 1, max: 200 }), (ids, cap) => {
        const sizes = ids.map((id) => 1 + (id % 7));
        const distinct = new Set(ids).size;
        // set-lru (FBGEMM's row cache) works in objects only: it rejects byte mode.
        const inBytes = POLICIES.filter((p) => p !== "set-lru");
        for (const r of simulate(arraySource(ids, sizes), inBytes.map((policy) => ({ policy, size: cap })), { bytes: true })) {
          expect(r.misses).toBeGreaterThanOrEqual(distinct);
          expect(r.misses).toBeLessThanOrEqual(ids.length);
        }
      }),
      { numRuns: 100 },
    );
  });

  it("object-mode loops (rings, SIEVE's log, written-out ARC and LRU lists) give the linked lists' results: byte mode with every size 1", () => {
    fc.assert(
      fc.property(trace, fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 97 }), (ids, size, batch) => {
        const runs = (["lru", "fifo", "sieve", "s3fifo", "arc"] as const).map((policy) => ({ policy, size }));
        const objects = simulate(arraySource(ids, undefined, batch), runs).map((r) => r.misses);
        const bytes = simulate(arraySource(ids, ids.map(() => 1), batch), runs, { bytes: true }).map((r) => r.misses);
        expect(objects).toEqual(bytes);
      }),
      { numRuns: 300 },
    );
    // Long skewed traces, so the rings grow, SIEVE's log is squeezed and S3-FIFO's ghost refills.
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e9 }), fc.integer({ min: 50, max: 6000 }), fc.integer({ min: 1, max: 2500 }), (seed, universe, size) => {
        let x = seed;
        const ids = Array.from({ length: 12_000 }, () => {
          x = (Math.imul(x, 1103515245) + 12345) >>> 0;
          return Math.floor((x / 2 ** 32) ** 2 * universe);
        });
        const runs = (["lru", "fifo", "sieve", "s3fifo", "arc"] as const).map((policy) => ({ policy, size }));
        const objects = simulate(arraySource(ids, undefined, 4096), runs).map((r) => r.misses);
        const bytes = simulate(arraySource(ids, ids.map(() => 1), 4096), runs, { bytes: true }).map((r) => r.misses);
        expect(objects).toEqual(bytes);
      }),
      { numRuns: 40 },
    );
  });

  it("a grown ring holds the same queue, oldest first, also when it had wrapped", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 16 }), (head, count) => {
        const ring = new Int32Array(16).map((_, i) => 100 + i);
        const out = grownRing(ring, head, count);
        expect(out.length).toBe(32);
        expect([...out.subarray(0, count)]).toEqual(Array.from({ length: count }, (_, j) => 100 + ((head + j) % 16)));
      }),
    );
  });

  it("the id map gives each distinct 64-bit id one dense index, in order of first appearance, across the direct-to-hash switch", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 60 }), fc.constantFrom(0, 1, 0xffffffff), fc.boolean()), { maxLength: 500 }), (keys) => {
        const m = new IdMap();
        const ref = new Map<string, number>();
        for (const [x, hi, far] of keys) {
          const lo = far ? (x * 2654435761) >>> 0 : x;
          const k = `${lo}:${hi}`;
          if (!ref.has(k)) ref.set(k, ref.size);
          expect(m.get(lo, hi)).toBe(ref.get(k));
        }
        expect(m.size).toBe(ref.size);
        for (const [k, v] of ref) {
          const [lo, hi] = k.split(":").map(Number);
          expect(m.find(lo!, hi!)).toBe(v);
        }
      }),
      { numRuns: 200 },
    );
  });
});
