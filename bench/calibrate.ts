/**
 * Fit the host-overhead table (data/calibration/h100-host-overheads.json) from the H100
 * profiler traces: per-op T1-T5 medians with the profiler's instrumentation removed, where
 * the cost per recorded event and the no_grad factor are the two global constants fitted
 * to the measured step and inference times of the development workloads.
 * Run: npm run calibrate
 */
import { writeFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { dataPath } from "../src/catalog/data-path.js";
import type { HostOverheadTable } from "../src/graph/host-overheads.js";
import { loadWorkload } from "../src/spec/load.js";
import { predictWorkload } from "../src/predict.js";
import { readKinetoTrace } from "../src/trace/read-kineto.js";
import { linkTrace } from "../src/trace/link.js";
import { stepOverheadSamples, type OpSample } from "../src/trace/overheads.js";
import { gmae, kinetoTraceFiles, measuredOf, median, workloadFiles } from "./shared.js";

export async function collectSamples(): Promise<Map<string, OpSample[]>> {
  const byName = new Map<string, OpSample[]>();
  for (const file of kinetoTraceFiles()) {
    for (const step of linkTrace(await readKinetoTrace(file))) {
      for (const s of stepOverheadSamples(step)) {
        const list = byName.get(s.name) ?? [];
        list.push(s);
        byName.set(s.name, list);
      }
    }
  }
  return byName;
}

/** Per-op medians after removing `c` us of instrumentation per recorded event. */
export function overheadTable(samples: Map<string, OpSample[]>, c: number, noGradFactor: number): HostOverheadTable {
  const ops: HostOverheadTable["ops"] = {};
  for (const [name, list] of samples) {
    const rows = list.map((s) => {
      const launchCount = s.t4.length;
      const nonLaunch = s.t2 + s.t3 + s.t5.reduce((a, b) => a + b, 0);
      const removable = c * Math.max(0, s.events - launchCount);
      const k = nonLaunch > 0 ? Math.max(0.1, (nonLaunch - removable) / nonLaunch) : 1;
      return {
        t1: Number.isFinite(s.t1) ? Math.max(0.3 * s.t1, s.t1 - c) : NaN,
        t2: s.t2 * k,
        t3: s.t3 * k,
        t4: s.t4.map((x) => Math.max(0.3 * x, x - c)),
        t5: s.t5.map((x) => x * k),
      };
    });
    const round = (x: number): number => Math.round(x * 100) / 100;
    ops[name] = {
      t1: round(median(rows.map((r) => r.t1))),
      t2: round(median(rows.map((r) => r.t2))),
      t3: round(median(rows.map((r) => r.t3))),
      t4: round(median(rows.flatMap((r) => r.t4))),
      t5: round(median(rows.flatMap((r) => r.t5))),
    };
  }
  const all = Object.values(ops);
  const fallback = {
    t1: median(all.map((o) => o.t1)), t2: median(all.map((o) => o.t2)), t3: median(all.map((o) => o.t3)),
    t4: median(all.map((o) => o.t4).filter((x) => x > 0)), t5: median(all.map((o) => o.t5).filter((x) => x > 0)),
  };
  return {
    source: "Fitted by bench/calibrate.ts on ../shared/groundtruth/h100/traces/*.kineto.json.gz (PyTorch 2.11, H100 host with 16 x86-64 cores); medians over 21 traces x 3 steps; profiler instrumentation removed",
    instrumentationUsPerEvent: c,
    noGradFactor,
    ops,
    fallback,
  };
}

function score(table: HostOverheadTable, which: "train" | "inference"): number {
  const ratios = workloadFiles().map((f) => {
    const w = loadWorkload(f);
    const p = predictWorkload(w, { hostOverheads: table });
    const m = measuredOf(w);
    return which === "train" ? p.train.stepUs / 1000 / m.trainStepMs.median : p.inference.stepUs / 1000 / m.inferenceMs.median;
  });
  return gmae(ratios);
}

async function main(): Promise<void> {
  const samples = await collectSamples();
  let best = { c: 0, err: Infinity };
  for (let c = 0; c <= 6.001; c += 0.1) {
    const err = score(overheadTable(samples, c, 1), "train");
    if (err < best.err) best = { c: Math.round(c * 10) / 10, err };
  }
  let bestNoGrad = { f: 1, err: Infinity };
  for (let f = 0.2; f <= 1.2001; f += 0.02) {
    const err = score(overheadTable(samples, best.c, f), "inference");
    if (err < bestNoGrad.err) bestNoGrad = { f: Math.round(f * 100) / 100, err };
  }
  const table = overheadTable(samples, best.c, bestNoGrad.f);
  const out = dataPath("calibration/h100-host-overheads.json");
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(table, null, 1) + "\n");
  console.log(`instrumentation ${best.c} us/event (train GMAE ${(best.err * 100).toFixed(1)}%), noGradFactor ${bestNoGrad.f} (inference GMAE ${(bestNoGrad.err * 100).toFixed(1)}%)`);
  console.log(`wrote ${out}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
