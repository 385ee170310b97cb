/**
 * Learn a host-overhead table (Lin et al.'s T1-T5 per op) from profiler traces: per-op medians
 * over every step, with the profiler's instrumentation removed. `strata calibrate` and
 * `npm run calibrate` (which also fits the two global constants) both use it.
 */
import { HOST_DRIVERS, type HostDriver, type HostOverheadTable, type ProfilerCost } from "../graph/host-overheads.js";
import { UserError } from "../spec/errors.js";
import { readKinetoTrace } from "./read-kineto.js";
import { linkTrace, type LinkedStep } from "./link.js";
import { canonicalOpName, stepOverheadSamples, withoutInstrumentation, type OpSample } from "./overheads.js";

const DEFAULT_SOURCE =
  "Fitted by bench/calibrate.ts on ../shared/groundtruth/h100/traces/*.kineto.json.gz (PyTorch 2.11, H100 host with 16 x86-64 cores); medians over 21 traces x 3 steps, scaling with model size fitted across the traces; profiler cost per event class fitted to the unprofiled trainStepMs";

export const median = (xs: number[]): number => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return 0;
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export async function collectSamples(files: string[]): Promise<Map<string, OpSample[]>> {
  const byName = new Map<string, OpSample[]>();
  for (const file of files) {
    const steps = linkTrace(await readKinetoTrace(file));
    // No steps would give an all-zero table that silently makes every host free.
    if (!steps.length) throw new UserError(`${file}: no ProfilerStep#N annotations to calibrate from: record with torch.profiler and call prof.step() each iteration`);
    for (const step of steps) {
      for (const s of stepOverheadSamples(step)) {
        const list = byName.get(s.name) ?? [];
        list.push(s);
        byName.set(s.name, list);
      }
    }
  }
  return byName;
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

/**
 * How one component of an op grows with the model across traces of different sizes: a least-
 * squares line through the per-trace medians on the driver that explains them best, kept when
 * it explains most of their spread (R^2 > 0.5), grows (slope > 0) and rests on at least six
 * traces of three sizes. Python loops over parameters, cat inputs and index lists do so.
 */
function scalingOf(points: Array<{ y: number; drivers: Record<HostDriver, number> }>): { driver: HostDriver; base: number; usPerUnit: number } | undefined {
  if (points.length < 6) return undefined;
  let best: { driver: HostDriver; base: number; usPerUnit: number; r2: number } | undefined;
  const my = points.reduce((a, p) => a + p.y, 0) / points.length;
  for (const driver of HOST_DRIVERS) {
    const xs = points.map((p) => p.drivers[driver]);
    if (new Set(xs).size < 3) continue;
    const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
    let sxy = 0, sxx = 0, syy = 0;
    points.forEach((p, i) => { sxy += (xs[i]! - mx) * (p.y - my); sxx += (xs[i]! - mx) ** 2; syy += (p.y - my) ** 2; });
    if (sxx <= 0 || syy <= 0) continue;
    const r2 = (sxy * sxy) / (sxx * syy);
    const slope = sxy / sxx;
    if (r2 > 0.5 && slope > 0 && r2 > (best?.r2 ?? 0)) best = { driver, base: my - slope * mx, usPerUnit: slope, r2 };
  }
  return best && { driver: best.driver, base: best.base, usPerUnit: best.usPerUnit };
}

/** Per-op medians after removing the profiler's cost per event class; components that grow with the model get a line over the traces' sizes. */
export function overheadTable(samples: Map<string, OpSample[]>, cost: ProfilerCost, noGradFactor: number, source = DEFAULT_SOURCE): HostOverheadTable {
  const ops: HostOverheadTable["ops"] = {};
  for (const [name, list] of samples) {
    const rows = list.map((s) => ({ ...withoutInstrumentation(s, cost), drivers: s.drivers }));
    const entry: HostOverheadTable["ops"][string] = {
      t1: round(median(rows.map((r) => r.t1))),
      t2: round(median(rows.map((r) => r.t2))),
      t3: round(median(rows.map((r) => r.t3))),
      t4: round(median(rows.flatMap((r) => r.t4))),
      t5: round(median(rows.flatMap((r) => r.t5))),
    };
    // One point per model size (the traces' medians), so a size traced more often weighs no more.
    const bySize = new Map<string, typeof rows>();
    for (const r of rows) {
      const key = `${r.drivers.tables}/${r.drivers.params}`;
      bySize.set(key, [...(bySize.get(key) ?? []), r]);
    }
    for (const k of ["t1", "t2", "t3"] as const) {
      const points = [...bySize.values()].map((g) => ({ y: median(g.map((r) => r[k])), drivers: g[0]!.drivers })).filter((p) => Number.isFinite(p.y));
      const s = scalingOf(points);
      if (!s) continue;
      entry[k] = round(s.base);
      entry.scaling = { ...entry.scaling, [k]: { driver: s.driver, usPerUnit: round(s.usPerUnit) } };
    }
    ops[name] = entry;
  }
  const all = Object.values(ops);
  const fallback = {
    t1: median(all.map((o) => o.t1)), t2: median(all.map((o) => o.t2)), t3: median(all.map((o) => o.t3)),
    t4: median(all.map((o) => o.t4).filter((x) => x > 0)), t5: median(all.map((o) => o.t5).filter((x) => x > 0)),
  };
  return { source, profilerCost: cost, noGradFactor, ops, fallback };
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
