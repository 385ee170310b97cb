/** Charts drawn in Node (linkedom) from the CLI's JSON, held against golden SVGs (test/golden/charts). */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { llmContextSvg } from "../src/report/charts/llm-context.js";
import { llmThroughputSvg } from "../src/report/charts/llm-throughput.js";
import { memoryBarSvg } from "../src/report/charts/memory-bar.js";
import { missRatioAt, mrcSeries, mrcSvg } from "../src/report/charts/mrc.js";
import { nodeDocument } from "../src/report/charts/node-document.js";
import { inferParetoObjectives, paretoSvg, sweepCommandOf, sweepObjectives } from "../src/report/charts/pareto.js";
import { rankBarsSvg } from "../src/report/charts/rank-bars.js";
import { stepBarSvg, stepPartsFromPrediction, stepPartsFromTimeline, stepPartsWithPrediction } from "../src/report/charts/step-bar.js";
import { chartMarkup, type Chart } from "../src/report/charts/svg.js";
import { tableHeatmapSvg, tableLoads } from "../src/report/charts/table-heatmap.js";
import { tierBaselineSvg } from "../src/report/charts/tier-baseline.js";
import { tierTablesSvg } from "../src/report/charts/tier-tables.js";
import { timelineSvg } from "../src/report/charts/timeline.js";
import { traceCompareSvg } from "../src/report/charts/trace-compare.js";
import { traceStepsSvg } from "../src/report/charts/trace-steps.js";
import { golden, ROOT } from "./helpers.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const fixture = (name: string): any => JSON.parse(readFileSync(`${ROOT}test/fixtures/charts/${name}.json`, "utf8"));
const document = nodeDocument();
const o = { document };

/** Every chart: markup held by its golden, no NaN, labelled for a screen reader. */
function check(name: string, chart: Chart): string {
  const markup = chartMarkup(chart);
  expect(markup).not.toMatch(/NaN|Infinity|undefined/);
  expect(chart.getAttribute("aria-label")).toBeTruthy();
  golden(`charts/${name}.svg`, markup + "\n");
  return markup;
}

describe("charts from the CLI's JSON", () => {
  it("step: predictions side by side, GPU and host lanes", () => {
    const steps = [...fixture("predict").results, ...fixture("predict-b200").results].map(stepPartsFromPrediction);
    const idle = steps[0]!.gpu.find((p) => p.part === "idle")!;
    expect(idle.ms).toBeCloseTo(fixture("predict").results[0].trainStepMs - fixture("predict").results[0].gpuActiveMs, 6);
    const m = check("step-predictions", stepBarSvg(steps, o));
    expect(m).toContain("b200");
  });

  it("step: parts of the model from the timeline, host and GPU busy time match the trace's spans", () => {
    const t = fixture("timeline");
    const s = stepPartsFromTimeline(t, "kaggle");
    expect(s.stepMs).toBeCloseTo(t.metadata.stepMs, 6);
    expect(s.gpu.map((p) => p.part)).toContain("embedding");
    // The host lane adds up to the step: busy parts plus idle.
    expect(s.host.reduce((a, p) => a + p.ms, 0)).toBeCloseTo(s.stepMs, 3);
    check("step-timeline", stepBarSvg([s], o));
    // With its prediction: host time between the timeline's ops is its own part, and the lanes add up to the step.
    const p = fixture("predict").results[0];
    const both = stepPartsWithPrediction(s, p);
    expect(both.host.reduce((a, x) => a + x.ms, 0)).toBeCloseTo(p.trainStepMs, 6);
    expect(both.gpu.reduce((a, x) => a + x.ms, 0)).toBeCloseTo(p.trainStepMs, 3);
    expect(both.host.find((x) => x.part === "host, between ops")!.ms).toBeGreaterThan(0);
    check("step-timeline-predicted", stepBarSvg([both], o));
  });

  it("timeline: every track, and a zoomed window holds only the spans inside it", () => {
    const t = fixture("timeline");
    const all = check("timeline", timelineSvg(t, o));
    expect(all).toContain("host thread");
    expect(all).toContain("GPU stream 0");
    const zoom = timelineSvg(t, { ...o, domainMs: [1, 1.5] });
    expect(zoom.querySelectorAll("rect").length).toBeLessThan(timelineSvg(t, o).querySelectorAll("rect").length);
    check("timeline-zoom", zoom);
  });

  it("plan: per-rank time and HBM bars, the rank x table heatmap", () => {
    const p = fixture("plan");
    check("plan-rank-time", rankBarsSvg(p, { ...o, metric: "time" }));
    check("plan-rank-hbm", rankBarsSvg(p, { ...o, metric: "hbm", capacityBytes: 80e9 }));
    const loads = tableLoads(p);
    // Every table's work adds up to one, whatever its sharding.
    const byTable = new Map<number, number>();
    for (const l of loads) byTable.set(l.table, (byTable.get(l.table) ?? 0) + l.share);
    for (const v of byTable.values()) expect(v).toBeCloseTo(1, 9);
    check("plan-heatmap", tableHeatmapSvg(p, o));
  });

  it("heatmap: row-wise and data-parallel shares", () => {
    const loads = tableLoads({
      perRank: [0, 1].map((rank) => ({ rank, hbmBytes: 0, embeddingMs: 0, denseMs: 0, computeMs: 0, commMs: 0, a2aSendBytes: 0 })),
      shards: [
        { table: 0, type: "row-wise", ranks: [0, 1], rows: [[0, 300], [300, 400]], cols: [[0, 8], [0, 8]] },
        { table: 1, type: "data-parallel", ranks: [0, 1], rows: [[0, 10], [0, 10]], cols: [[0, 8], [0, 8]] },
      ],
    });
    expect(loads.map((l) => [l.rank, l.table, l.share])).toEqual([[0, 0, 0.75], [0, 1, 0.5], [1, 0, 0.25], [1, 1, 0.5]]);
  });

  it("tier: bytes per table in each tier, plan against baseline", () => {
    const t = fixture("tier");
    check("tier-tables", tierTablesSvg(t, o));
    const b = check("tier-baseline", tierBaselineSvg(t, o));
    expect(b).toContain(t.baselineNode);
  });

  it("cache: LRU curve and simulated policies on a log axis, markers at chosen sizes", () => {
    const series = mrcSeries([fixture("mrc"), fixture("sim")]);
    expect(series.map((s) => s.policy)).toEqual(["lru", "s3fifo", "belady", "fifo"]);
    const lru = series[0]!.points;
    // A simulated size that is also on the exact curve: the simulation's value (the later document) wins.
    expect(missRatioAt(lru, 1000)).toBe(fixture("sim").results.find((r: { policy: string; size: number }) => r.policy === "lru" && r.size === 1000).missRatio);
    const m = check("mrc", mrcSvg(series, { ...o, markSizes: [1000, 10000] }));
    expect(m).toContain("s3fifo");
  });

  it("llm: memory bar with and without the per-GPU detail, context, throughput", () => {
    const fit = fixture("fit");
    check("llm-memory-totals", memoryBarSvg([{ ...fit, label: "scout 8 x H100" }], o));
    const detail = { usableBytesPerGpu: 72e9, weightsBytesPerGpu: 27e9, freeForKvBytesPerGpu: 38e9, batch: 1, reserve: { activations: 3e9, sampler: 1e9, ropeCache: 0.5e9, engine: 2.5e9, total: 7e9 } };
    check("llm-memory-per-gpu", memoryBarSvg([{ ...fit, detail, capacityBytes: 80e9, label: "scout 8 x H100" }], o));
    check("llm-context", llmContextSvg(fixture("context"), o));
    check("llm-context-fit", llmContextSvg(fit, o));
    check("llm-throughput", llmThroughputSvg(fixture("perf"), o));
  });

  it("sweep: the Pareto front, objectives found from the document's front", () => {
    const doc = fixture("sweep-llm-perf");
    expect(sweepCommandOf(doc)).toBe("llm perf");
    expect(sweepObjectives(doc)).toContain("decode.stepMs");
    const pair = inferParetoObjectives(doc)!;
    expect(pair).toEqual(["tokensPerSecPerGpu", "tokensPerSecPerUser"]);
    const svg = paretoSvg(doc, { ...o, x: pair[0], y: pair[1] });
    const m = check("pareto", svg);
    for (const i of doc.pareto) expect(m).toContain(`configuration ${i}\n`);
    check("pareto-other-axes", paretoSvg(doc, { ...o, x: "prefill.latencyMs", y: "decode.stepMs" }));
  });

  it("trace: steps with idle causes, measured against replayed and predicted", () => {
    check("trace-steps", traceStepsSvg(fixture("analyze"), o));
    check("trace-compare", traceCompareSvg({ replay: fixture("replay"), predicted: fixture("tpredict") }, o));
    // Without a replay the measured steps are the analysis's.
    const m = chartMarkup(traceCompareSvg({ analysis: fixture("analyze"), predicted: fixture("tpredict") }, o));
    expect(m).toContain(">measured<");
    expect(m).not.toContain(">replayed<");
  });

  it("empty inputs say so", () => {
    const m = chartMarkup(stepBarSvg([], o));
    expect(m).toContain("no predictions");
    expect(chartMarkup(mrcSvg([], o))).toContain("no miss ratios");
  });

  it("the same input draws the same bytes", () => {
    const t = fixture("tier");
    expect(chartMarkup(tierTablesSvg(t, o))).toBe(chartMarkup(tierTablesSvg(t, { document: nodeDocument() })));
  });
});
