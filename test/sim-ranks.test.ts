import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ExecutionGraph, HostOp, Launch } from "../src/graph/types.js";
import { simulateRanks } from "../src/sim/simulate.js";

const zero = { t1: 0, t2: 0, t3: 0, t4: 0, t5: 0 };
const k = (name: string, durationUs: number, stream = 0, extra: object = {}): Launch => ({ kind: "kernel", kernel: { name, work: { kind: "elementwise", bytes: 0, flops: 0 }, stream, durationUs, ...extra } });
const op = (name: string, launches: Launch[]): HostOp => ({ name, category: "framework", phase: "forward", overheads: zero, launches });

/** lookups (stream 0) -> all-to-all (stream 1, waits for 0) -> bottom MLP (stream 0) -> interaction (waits for 1). */
function rank(lookupUs: number, a2aUs: number, bottomUs: number): ExecutionGraph {
  return {
    name: "rank", streams: 2,
    ops: [
      op("lookup", [k("lookup", lookupUs)]),
      op("a2a", [k("a2a", a2aUs, 1, { collective: "a2a", waitStreams: [0] })]),
      op("bottom", [k("bottom", bottomUs)]),
      op("interaction", [k("interaction", 10, 0, { waitStreams: [1] })]),
    ],
  };
}

describe("simulator over ranks with collectives", () => {
  it("a collective starts when its slowest member is ready and ends on all together", () => {
    const r = simulateRanks([rank(400, 50, 100), rank(0, 50, 100)], { recordTimeline: true });
    const starts = r.ranks.map((x) => x.timeline.find((e) => e.name === "a2a")!.startUs);
    expect(starts).toEqual([400, 400]);
    expect(r.stepUs).toBeCloseTo(400 + Math.max(50, 100) + 10, 9);
  });

  it("an all-to-all shorter than the bottom MLP is hidden; a longer one is exposed by the difference", () => {
    expect(simulateRanks([rank(100, 80, 100), rank(100, 80, 100)]).stepUs).toBeCloseTo(210, 9);
    expect(simulateRanks([rank(100, 150, 100), rank(100, 150, 100)]).stepUs).toBeCloseTo(260, 9);
  });

  it("the longest member's duration holds for every member", () => {
    const r = simulateRanks([rank(0, 300, 10), rank(0, 20, 10)]);
    expect(r.ranks[1]!.stepUs).toBeCloseTo(310, 9);
  });

  it("property: more communication never shortens any rank's step", () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.double({ min: 0, max: 1e4, noNaN: true }), fc.double({ min: 0, max: 1e4, noNaN: true })), { minLength: 1, maxLength: 6 }),
      fc.double({ min: 0, max: 1e4, noNaN: true }), fc.double({ min: 0, max: 1e4, noNaN: true }), (ranks, a2a, extra) => {
        const a = simulateRanks(ranks.map(([l, b]) => rank(l, a2a, b)));
        const b = simulateRanks(ranks.map(([l, bt]) => rank(l, a2a + extra, bt)));
        a.ranks.forEach((x, i) => expect(b.ranks[i]!.stepUs).toBeGreaterThanOrEqual(x.stepUs - 1e-6));
      }));
  });
});
