/**
 * Learn a host-overhead table (Lin et al.'s T1-T5 per op) from profiler traces: per-op medians
 * over every step, with the profiler's instrumentation removed. `strata calibrate` and
 * `npm run calibrate` (which also fits the two global constants) both use it.
 */
import type { HostOverheadTable } from "../graph/host-overheads.js";
import { readKinetoTrace } from "./read-kineto.js";
import { linkTrace, type LinkedStep } from "./link.js";
import { canonicalOpName, stepOverheadSamples, withoutInstrumentation, type OpSample } from "./overheads.js";

const DEFAULT_SOURCE =
  "Fitted by bench/calibrate.ts on ../shared/groundtruth/h100/traces/*.kineto.json.gz (PyTorch 2.11, H100 host with 16 x86-64 cores); medians over 21 traces x 3 steps; profiler instrumentation removed";

export const median = (xs: number[]): number => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return 0;
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export async function collectSamples(files: string[]): Promise<Map<string, OpSample[]>> {
  const byName = new Map<string, OpSample[]>();
  for (const file of files) {
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
export function overheadTable(samples: Map<string, OpSample[]>, c: number, noGradFactor: number, source = DEFAULT_SOURCE): HostOverheadTable {
  const ops: HostOverheadTable["ops"] = {};
  for (const [name, list] of samples) {
    const rows = list.map((s) => withoutInstrumentation(s, c));
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
    source,
    instrumentationUsPerEvent: c,
    noGradFactor,
    ops,
    fallback,
  };
}


/**
 * Kernel-model corrections per op name: the traced GPU time of an op over the modelled one,
 * summed over traces whose workloads are known (`predictedGpuUs` per op name per trace).
 */
export function kernelCorrections(pairs: Array<{ traced: Map<string, number>; predicted: Map<string, number> }>): Record<string, number> {
  const sums = new Map<string, { t: number; p: number }>();
  for (const { traced, predicted } of pairs) {
    for (const [name, p] of predicted) {
      const t = traced.get(name);
      if (t === undefined || p <= 0) continue;
      const e = sums.get(name) ?? { t: 0, p: 0 };
      e.t += t;
      e.p += p;
      sums.set(name, e);
    }
  }
  return Object.fromEntries([...sums].filter(([, e]) => e.t > 0).map(([name, e]) => [name, Math.round((e.t / e.p) * 1000) / 1000]));
}

/** GPU time per canonical op name, mean per step (kernels linked to the op's launches). */
export function tracedGpuByOp(steps: LinkedStep[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of steps) {
    for (const ops of s.threads.values()) {
      ops.forEach((op, i) => {
        const name = canonicalOpName(op, ops[i - 1]);
        const gpu = op.launches.reduce((a, l) => a + (l.gpu?.dur ?? 0), 0);
        out.set(name, (out.get(name) ?? 0) + gpu / steps.length);
      });
    }
  }
  return out;
}
