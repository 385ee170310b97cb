import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyzeTrace, loadTrace, predictFromTrace, replayTrace } from "../src/predict-trace.js";
import { UserError } from "../src/spec/errors.js";
import { uniformProfilerCost } from "../src/trace/overheads.js";
import { ROOT, strata } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "strata-trace-"));
const write = (name: string, content: string | Buffer): string => {
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
};

/**
 * A hand-made step: main thread (tid 1) runs op A (one kernel) and op B (a copy, a sync, a
 * kernel); the autograd thread (tid 2) runs op C whose launch lost its kernel (no correlation
 * match) and op D with one kernel.
 */
function handMade(): object {
  const X = (o: object) => ({ ph: "X", pid: 1, ...o });
  return {
    deviceProperties: [{ name: "NVIDIA H100 80GB HBM3" }],
    traceEvents: [
      X({ cat: "user_annotation", name: "ProfilerStep#1", tid: 1, ts: 0, dur: 200 }),
      X({ cat: "cpu_op", name: "aten::A", tid: 1, ts: 10, dur: 20 }),
      X({ cat: "cpu_op", name: "aten::A_inner", tid: 1, ts: 12, dur: 5 }),
      X({ cat: "cuda_runtime", name: "cudaLaunchKernel", tid: 1, ts: 20, dur: 5, args: { correlation: 1 } }),
      X({ cat: "kernel", name: "kA", pid: 0, tid: 7, ts: 26, dur: 30, args: { correlation: 1, stream: 7 } }),
      X({ cat: "cpu_op", name: "aten::B", tid: 1, ts: 35, dur: 40 }),
      X({ cat: "cuda_runtime", name: "cudaMemcpyAsync", tid: 1, ts: 37, dur: 3, args: { correlation: 2 } }),
      X({ cat: "gpu_memcpy", name: "Memcpy HtoD (Pageable -> Device)", pid: 0, tid: 7, ts: 56, dur: 1, args: { correlation: 2, stream: 7 } }),
      X({ cat: "cuda_runtime", name: "cudaStreamSynchronize", tid: 1, ts: 41, dur: 18, args: { correlation: 3 } }),
      X({ cat: "cuda_runtime", name: "cudaLaunchKernel", tid: 1, ts: 65, dur: 5, args: { correlation: 4 } }),
      X({ cat: "kernel", name: "kB", pid: 0, tid: 7, ts: 71, dur: 10, args: { correlation: 4, stream: 7 } }),
      X({ cat: "cpu_op", name: "autograd::engine::evaluate_function: CBackward0", tid: 2, ts: 90, dur: 20 }),
      X({ cat: "cuda_runtime", name: "cudaLaunchKernel", tid: 2, ts: 95, dur: 5, args: { correlation: 5 } }),
      X({ cat: "cpu_op", name: "autograd::engine::evaluate_function: DBackward0", tid: 2, ts: 120, dur: 20 }),
      X({ cat: "cuda_runtime", name: "cudaLaunchKernel", tid: 2, ts: 125, dur: 5, args: { correlation: 6 } }),
      X({ cat: "kernel", name: "kD", pid: 0, tid: 7, ts: 131, dur: 50, args: { correlation: 6, stream: 7 } }),
      { ph: "i", name: "instant", pid: 1, tid: 1, ts: 5 },
    ],
  };
}

describe("Kineto traces", () => {
  it("links kernels by correlation and runtime calls to the enclosing op, across threads", async () => {
    const loaded = await loadTrace(write("hand.json", JSON.stringify(handMade())));
    expect(loaded.steps).toHaveLength(1);
    const step = loaded.steps[0]!;
    expect([...step.threads.keys()]).toEqual([1, 2]);
    const [a, b] = step.threads.get(1)!;
    expect(a!.name).toBe("aten::A");
    expect(a!.children).toBe(1);
    expect(a!.launches[0]!.gpu?.name).toBe("kA");
    expect(b!.launches.map((l) => (l.isSync ? "sync" : l.gpu?.name))).toEqual(["Memcpy HtoD (Pageable -> Device)", "sync", "kB"]);
    const [c, d] = step.threads.get(2)!;
    expect(c!.launches[0]!.gpu).toBeUndefined(); // its kernel was never recorded
    expect(d!.launches[0]!.gpu?.name).toBe("kD");
  });

  it("analyses host, GPU and overheads; replays the step exactly; the sync waits", async () => {
    const loaded = await loadTrace(write("hand2.json.gz", gzipSync(JSON.stringify(handMade()))));
    const a = analyzeTrace(loaded);
    expect(a.steps[0]!.ms).toBeCloseTo(0.2, 6);
    expect(a.gpuActiveMs).toBeCloseTo((30 + 1 + 10 + 50) / 1000, 6);
    expect(a.overheads.T4.count).toBe(5); // four launches and a memcpy, not the sync
    expect(a.overheads.T2.byOp["aten::A"]!.mean).toBe(10);
    expect(a.overheads.T3.byOp["aten::A"]!.mean).toBe(5);
    expect(a.overheads.T5.byOp["aten::B"]!.count).toBe(2);
    const r = replayTrace(loaded);
    expect(r.replayedStepMs).toBeCloseTo(r.measuredStepMs, 3);
    expect(predictFromTrace(loaded, { profilerCost: uniformProfilerCost(1) }).stepMs).toBeLessThan(r.measuredStepMs);
  });

  it("a truncated file names the file and where it stopped", async () => {
    const text = JSON.stringify(handMade());
    const file = write("cut.json", text.slice(0, Math.floor(text.length * 0.6)));
    await expect(loadTrace(file)).rejects.toThrow(/cut\.json: truncated/);
    const gz = gzipSync(text);
    await expect(loadTrace(write("cut.json.gz", gz.subarray(0, gz.length - 20)))).rejects.toThrow(UserError);
  });

  it("a malformed event names its index", async () => {
    const file = write("bad.json", '{"traceEvents": [{"ph": "X", "name": "a", "ts": 1}, {"ph": "X", "name": 5, "ts": 2}]}');
    await expect(loadTrace(file)).rejects.toThrow(/traceEvents\[1\]/);
    await expect(loadTrace(write("notrace.json", '{"x": 1}'))).rejects.toThrow(/traceEvents/);
  });

  it("fuzz: the streaming reader agrees with JSON.parse on arbitrary event arrays", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ ph: fc.constant("X"), name: fc.string(), ts: fc.integer(), dur: fc.nat(), tid: fc.nat(), pid: fc.nat(), cat: fc.constantFrom("cpu_op", "kernel"), args: fc.dictionary(fc.string(), fc.jsonValue()) }), { maxLength: 20 }), async (events) => {
        const file = write("fuzz.json", JSON.stringify({ schemaVersion: 1, traceEvents: events, tail: { a: [1, "}"] } }));
        const loaded = await import("../src/trace/read-kineto.js").then((m) => m.readKinetoTrace(file));
        expect(loaded.events.map((e) => e.name)).toEqual(events.map((e) => e.name));
      }),
      { numRuns: 60 },
    );
  });

  it("fuzz: truncating a trace anywhere never crashes with anything but a UserError", async () => {
    const text = JSON.stringify(handMade());
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: text.length - 1 }), async (cut) => {
        const file = write("trunc.json", text.slice(0, cut));
        try {
          await loadTrace(file);
        } catch (err) {
          expect(err).toBeInstanceOf(UserError);
        }
      }),
      { numRuns: 60 },
    );
  });

  for (const name of ["dev16-rand-t4-d16-b4096", "dev19-rand-t4-d16-b512"]) {
    it(`golden analysis and replay of ${name}`, async () => {
      const file = join(ROOT, "test/fixtures", `${name}.kineto.json.gz`);
      const loaded = await loadTrace(file);
      const a = analyzeTrace(loaded);
      const golden = { steps: a.steps, stepMs: a.stepMs, gpuActiveMs: a.gpuActiveMs, bound: a.bound, T: Object.fromEntries(Object.entries(a.overheads).map(([k, v]) => [k, { mean: v.mean, std: v.std, count: v.count }])), topOps: a.topOps.slice(0, 5), topKernels: a.topKernels.slice(0, 5) };
      const actual = JSON.stringify(golden, null, 1) + "\n";
      const goldenFile = join(ROOT, "test/golden", `${name}.analysis.json`);
      if (process.env.UPDATE_GOLDEN || !existsSync(goldenFile)) writeFileSync(goldenFile, actual);
      expect(actual).toBe(readFileSync(goldenFile, "utf8"));
      const r = replayTrace(loaded);
      expect(Math.abs(r.replayedStepMs / r.measuredStepMs - 1)).toBeLessThan(0.03);
    });
  }

  it("the CLI prints the contract JSON", () => {
    const file = join(ROOT, "test/fixtures", "dev19-rand-t4-d16-b512.kineto.json.gz");
    const a = JSON.parse(strata(["trace", "analyze", file, "--json"]).stdout);
    expect(a.steps.length).toBe(3);
    expect(typeof a.steps[0].name).toBe("string");
    expect(typeof a.stepMs).toBe("number");
    expect(typeof a.gpuActiveMs).toBe("number");
    expect(Object.keys(a.overheads)).toEqual(["T1", "T2", "T3", "T4", "T5"]);
    const r = JSON.parse(strata(["trace", "replay", file, "--json"]).stdout);
    expect(typeof r.measuredStepMs).toBe("number");
    expect(typeof r.replayedStepMs).toBe("number");
    const p = JSON.parse(strata(["trace", "predict", file, "--gpu", "b200", "--json"]).stdout);
    expect(p.stepMs).toBeGreaterThan(0);
    const bad = strata(["trace", "analyze", join(ROOT, "package.json")]);
    expect(bad.code).toBe(2);
  });

  it("strata calibrate writes a calibration that strata predict accepts", () => {
    const out = join(dir, "cal.json");
    const r = strata(["calibrate", join(ROOT, "test/fixtures", "dev16-rand-t4-d16-b4096.kineto.json.gz"), "-o", out]);
    expect(r.code).toBe(0);
    const p = strata(["predict", join(ROOT, "data/examples/dlrm-kaggle-b2048.json"), "--calibration", out, "--json"]);
    expect(p.code).toBe(0);
    expect(JSON.parse(p.stdout).results[0].trainStepMs).toBeGreaterThan(0);
  });
});

describe("streamed JSON documents", () => {
  it("fuzz: top-level fields around the streamed array equal JSON.parse's", async () => {
    const { streamJsonArray } = await import("../src/trace/json-stream.js");
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.string().filter((k) => k !== "nodes"), fc.jsonValue()), fc.array(fc.jsonValue(), { maxLength: 5 }), async (fields, nodes) => {
        const file = write("doc.json", JSON.stringify({ ...fields, nodes, after: 1.5 }));
        const seen: unknown[] = [];
        const doc = await streamJsonArray(file, "nodes", (v) => seen.push(v));
        expect(doc.fields).toEqual(JSON.parse(JSON.stringify({ ...fields, after: 1.5 })));
        expect(seen).toEqual(JSON.parse(JSON.stringify(nodes)).filter((x: unknown) => typeof x === "object" && x !== null));
      }),
      { numRuns: 80 },
    );
  });

  it("reads an execution trace: shapes, threads and data dependencies", async () => {
    const { readExecutionTrace, summarizeExecutionTrace } = await import("../src/trace/read-et.js");
    const node = (id: number, name: string, ins: Array<[number, number[]]>, outs: Array<[number, number[]]>) => ({
      id, name, ctrl_deps: 1,
      inputs: { values: ins.map(([t]) => [t, 1, 0, 1, 4, "cuda:0"]), shapes: ins.map(([, s]) => s), types: ins.map(() => "Tensor(float)") },
      outputs: { values: outs.map(([t]) => [t, 1, 0, 1, 4, "cuda:0"]), shapes: outs.map(([, s]) => s), types: outs.map(() => "Tensor(float)") },
      attrs: [{ name: "tid", type: "uint64", value: 1 }],
    });
    const file = write("x.et.json", JSON.stringify({ schema: "1.1.1-chakra.0.0.4", nodes: [node(2, "aten::mm", [[10, [64, 32]], [11, [32, 16]]], [[12, [64, 16]]]), node(3, "aten::relu", [[12, [64, 16]]], [[13, [64, 16]]])], finish_ts: 5 }));
    const s = summarizeExecutionTrace(await readExecutionTrace(file));
    expect(s.schema).toBe("1.1.1-chakra.0.0.4");
    expect(s.nodes).toBe(2);
    expect(s.dataDependencies).toBe(1);
    expect(s.gemmFlops).toBe(2 * 64 * 32 * 16);
    await expect(readExecutionTrace(write("y.json", '{"nodes": [{"id": "x"}]}'))).rejects.toThrow(/nodes\[0\]/);
  });
});
