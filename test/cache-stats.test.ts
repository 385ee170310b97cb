import { describe, expect, it } from "vitest";
import { arraySource } from "../src/cache/array-source.js";
import { blockSource, readAmplification, type BlockCounter } from "../src/cache/blocks.js";
import { dlrmMixTrace, workloadTrace, zipfTrace } from "../src/cache/generate.js";
import { simulate } from "../src/cache/simulate.js";
import { traceStats } from "../src/cache/stats.js";
import { ID_HI, ID_LO } from "../src/cache/trace.js";
import { expectedDistinct } from "../src/perf/index-stats.js";
import { Workload, type DlrmWorkload } from "../src/spec/workload.js";

describe("trace statistics and the block view", () => {
  it("counts requests, objects, one-hit wonders, reuse distances and the working set", () => {
    // a b a c a b d: reuse distances a:2, a:2, b:3 (distinct objects since, itself included)
    const s = traceStats(arraySource([1, 2, 1, 3, 1, 2, 4], [10, 20, 10, 30, 10, 20, 40]), 4);
    expect(s).toMatchObject({ requests: 7, uniqueObjects: 4, requestedBytes: 140, uniqueBytes: 100, oneHitWonders: 2, coldRequests: 4 });
    expect(s.reuseDistance).toEqual([{ from: 2, to: 4, requests: 3 }]);
    expect(s.workingSet).toEqual([
      { start: 0, objects: 3, cumulativeObjects: 3 },
      { start: 4, objects: 3, cumulativeObjects: 4 },
    ]);
  });

  it("rows map to their blocks per table; read amplification is block bytes over row bytes", () => {
    const counter: BlockCounter = { rowRequests: 0, rowBytes: 0, blockRequests: 0, blockBytes: 0 };
    // 1 KiB rows in 4 KiB blocks: rows 0-3 share block 0, row 4 is in block 1; a 6 KiB row spans 2 blocks.
    const blocks = blockSource(arraySource([0, 1, 3, 4]), { rowBytes: 1024 }, counter);
    const ids: number[] = [];
    for (const b of blocks.batches()) for (let i = 0; i < b.n; i++) ids.push(b.rec[i * 6 + ID_LO]!);
    expect(ids).toEqual([0, 0, 0, 1]);
    expect(readAmplification(counter)).toBe(4);
    const wide = blockSource(arraySource([1]), { rowBytes: 6144 }, counter);
    for (const b of wide.batches()) expect(b.n).toBe(2);
    expect(counter.blockRequests).toBe(2);
    // an LRU of 1 block hits the three rows that share block 0 after the first
    expect(simulate(blockSource(arraySource([0, 1, 3, 4]), { rowBytes: 1024 }), [{ policy: "lru", size: 1 }])[0]!.misses).toBe(2);
  });

  it("generators are deterministic per seed, and the DLRM mix keeps rows inside their tables", () => {
    const collect = (s: ReturnType<typeof zipfTrace>) => {
      const out: number[] = [];
      for (const b of s.batches()) for (let i = 0; i < b.n; i++) out.push(b.rec[i * 6 + ID_LO]!, b.rec[i * 6 + ID_HI]!);
      return out;
    };
    const z = zipfTrace({ keys: 1000, alpha: 1.1, requests: 5000, seed: 7 });
    expect(collect(z)).toEqual(collect(z));
    expect(collect(z)).not.toEqual(collect(zipfTrace({ keys: 1000, alpha: 1.1, requests: 5000, seed: 8 })));
    const mix = collect(dlrmMixTrace({ tables: [{ rows: 100, alpha: 1, weight: 1 }, { rows: 10, alpha: 0.5, weight: 3 }], requests: 4000, seed: 1, driftEvery: 500 }));
    for (let i = 0; i < mix.length; i += 2) expect(mix[i]!).toBeLessThan(mix[i + 1] === 0 ? 100 : 10);
    const share = mix.filter((_, i) => i % 2 === 1 && mix[i] === 1).length / (mix.length / 2);
    expect(share).toBeGreaterThan(0.7);
    expect(share).toBeLessThan(0.8);
  });
});

describe("workload access streams", () => {
  it("a workload's lookups have the distinct rows per batch that the perf model expects (index-stats)", () => {
    for (const indexDistribution of [{ kind: "uniform" as const }, { kind: "zipf" as const, alpha: 1.05 }]) {
      const w = Workload.parse({
        name: "t",
        model: { kind: "dlrm", bottomMlp: [13, 16], topMlp: [1], embeddingDim: 16, indexDistribution, tables: [{ rows: 1000, pooling: 2 }, { rows: 200_000, pooling: 3 }] },
        training: { batchSize: 4096 },
      }) as DlrmWorkload;
      const seen = [new Set<number>(), new Set<number>()];
      for (const b of workloadTrace(w, { steps: 1, seed: 3 }).batches()) for (let i = 0; i < b.n; i++) seen[b.rec[i * 6 + ID_HI]!]!.add(b.rec[i * 6 + ID_LO]!);
      w.model.tables.forEach((t, i) => {
        const expected = expectedDistinct(indexDistribution, t.rows, 4096 * t.pooling);
        expect(Math.abs(seen[i]!.size / expected - 1)).toBeLessThan(0.03);
      });
    }
  });
});
