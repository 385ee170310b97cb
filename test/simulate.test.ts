import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ExecutionGraph, HostOp } from "../src/graph/types.js";
import { simulate } from "../src/sim/simulate.js";

/** A random graph: ops with host overheads and kernels, some syncs. */
const opArb = fc.record({
  t: fc.array(fc.double({ min: 0, max: 50, noNaN: true }), { minLength: 5, maxLength: 5 }),
  kernels: fc.array(fc.double({ min: 0.5, max: 200, noNaN: true }), { maxLength: 3 }),
  sync: fc.boolean(),
});

function graphOf(ops: Array<{ t: number[]; kernels: number[]; sync: boolean }>): ExecutionGraph {
  return {
    name: "random",
    streams: 1,
    ops: ops.map(
      (o, i): HostOp => ({
        name: `op${i}`,
        category: "framework",
        phase: "forward",
        overheads: { t1: o.t[0]!, t2: o.t[1]!, t3: o.t[2]!, t4: o.t[3]!, t5: o.t[4]! },
        launches: [
          ...o.kernels.map((d) => ({ kind: "kernel" as const, kernel: { name: "k", work: { kind: "elementwise" as const, bytes: 0, flops: 0 }, stream: 0, durationUs: d } })),
          ...(o.sync ? [{ kind: "sync" as const, reason: "test" }] : []),
        ],
      }),
    ),
  };
}

describe("critical-path simulator", () => {
  it("the step covers both the host's busy time and the GPU's active time", () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 30 }), (ops) => {
        const r = simulate(graphOf(ops));
        expect(r.stepUs).toBeGreaterThanOrEqual(r.gpuActiveUs - 1e-6);
        expect(r.stepUs).toBeGreaterThanOrEqual(r.hostBusyUs - 1e-6);
        expect(r.stepUs).toBeLessThanOrEqual(r.hostBusyUs + r.gpuActiveUs + 1e-6);
      }),
    );
  });

  it("more work never shortens a step (longer kernel or larger overhead)", () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 30 }), fc.nat(), fc.double({ min: 0, max: 500, noNaN: true }), fc.boolean(), (ops, pick, extra, onKernel) => {
        const base = simulate(graphOf(ops)).stepUs;
        const more = structuredClone(ops);
        const op = more[pick % more.length]!;
        if (onKernel && op.kernels.length) op.kernels[pick % op.kernels.length]! += extra;
        else op.t[pick % 5]! += extra;
        expect(simulate(graphOf(more)).stepUs).toBeGreaterThanOrEqual(base - 1e-6);
      }),
    );
  });

  it("a step with large host overheads is CPU-bound, one with long kernels GPU-bound", () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 20 }), (ops) => {
        const slowHost = ops.map((o) => ({ ...o, t: o.t.map((x) => x + 1000) }));
        expect(simulate(graphOf(slowHost)).bound).toBe("cpu");
        const bigKernels = ops.map((o) => ({ t: o.t, sync: false, kernels: [...o.kernels, 1e5] }));
        expect(simulate(graphOf(bigKernels)).bound).toBe("gpu");
      }),
    );
  });

  it("a sync makes the host wait for the GPU", () => {
    const g = graphOf([{ t: [0, 0, 0, 1, 0], kernels: [100], sync: true }, { t: [0, 0, 0, 1, 0], kernels: [1], sync: false }]);
    const r = simulate(g);
    expect(r.syncWaitUs).toBeCloseTo(101 - 1, 6); // the kernel ends at 1 + 100; the host reached the sync at 1
    expect(r.stepUs).toBeCloseTo(101 + 1 + 1 + 1, 6); // the sync's own 1 us, one launch (1 us) and its 1 us kernel
  });

  it("pipelined iterations overlap the host of one with the GPU of the previous", () => {
    const g = graphOf([{ t: [10, 0, 0, 1, 0], kernels: [50], sync: false }]);
    expect(simulate(g).stepUs).toBeCloseTo(61, 6);
    expect(simulate(g, { iterations: 4 }).stepUs).toBeCloseTo(50, 6);
  });

  it("a host-speed factor scales the host side", () => {
    const g = graphOf([{ t: [10, 10, 10, 10, 10], kernels: [1], sync: false }]);
    expect(simulate(g, { host: { dispatch: 2, sync: 2 } }).hostBusyUs).toBeCloseTo(2 * simulate(g).hostBusyUs, 6);
  });

  it("dispatch and synchronisation scale apart: T1-T5 and launch calls with dispatch, a sync's own cost with sync", () => {
    // T1 10, T2 10, T3 10, launch call (T4) 10 and a sync whose own cost is T4 too (10): 50 us of host work, 10 of it the sync.
    const g = graphOf([{ t: [10, 10, 10, 10, 0], kernels: [1], sync: true }]);
    const base = simulate(g).hostBusyUs;
    expect(simulate(g, { host: { dispatch: 1, sync: 3 } }).hostBusyUs).toBeCloseTo(base + 2 * 10, 6);
    expect(simulate(g, { host: { dispatch: 2, sync: 1 } }).hostBusyUs).toBeCloseTo(base + (base - 10), 6);
  });
});
