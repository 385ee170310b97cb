/**
 * Host overheads per op name (Lin et al. T1-T5), as learned from profiler traces with the
 * profiler's own instrumentation removed. data/calibration/h100-host-overheads.json holds the
 * defaults (bench/calibrate.ts: per-op medians from ../shared/groundtruth/h100/traces, the
 * profiler's cost per class of recorded event fitted to the unprofiled step times); a user
 * calibration file can replace it (`strata calibrate TRACES`) or scale it to another host
 * (`strata calibrate --measured`, host/calibration.ts).
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { dataPath } from "../catalog/data-path.js";
import type { HostOverheads } from "./types.js";

/** What some host costs grow with: the Python loops over parameters (zero_grad, optimizer), the inputs of a cat, the interaction's index lists. */
export const HOST_DRIVERS = ["tables", "params", "pairs"] as const;
export type HostDriver = (typeof HOST_DRIVERS)[number];
export type HostDrivers = Record<HostDriver, number>;

/** A component that grows with a driver: us per unit, on top of the component's base value. */
const Scaling = z.object({ driver: z.enum(HOST_DRIVERS), usPerUnit: z.number().nonnegative() });
const Overheads = z.object({
  t1: z.number(), t2: z.number(), t3: z.number(), t4: z.number(), t5: z.number(),
  /** Components that scale with the model (fitted across traces of different sizes). */
  scaling: z.object({ t1: Scaling, t2: Scaling, t3: Scaling }).partial().optional(),
});

/** The profiler's cost per class of recorded event, us (trace/overheads.ts withoutInstrumentation). */
export const ProfilerCost = z.object({
  /** Per op boundary: the previous op's record exit and this op's record entry (in T1). */
  gapUs: z.number().nonnegative(),
  /** Per launch call: the CUPTI runtime callback (in T4). */
  launchUs: z.number().nonnegative(),
  /** Per nested event inside an op (child ops, runtime calls), in T2 + T3 + T5. */
  nestedUsPerEvent: z.number().nonnegative(),
});
export type ProfilerCost = z.infer<typeof ProfilerCost>;

export const HostOverheadTable = z.object({
  source: z.string(),
  /** Removed from the traced overheads to get these (fitted on unprofiled step times). */
  profilerCost: ProfilerCost,
  /** Under torch.no_grad(), the share of a forward op's T2 and T3 left without autograd recording (graph/dlrm.ts noGradOp). */
  noGradFactor: z.number().positive(),
  ops: z.record(z.string(), Overheads),
  fallback: Overheads,
  /** Multipliers of the modelled GPU time per op name, learned from traces (`strata calibrate`). */
  kernelCorrections: z.record(z.string(), z.number().positive()).optional(),
});
export type HostOverheadTable = z.infer<typeof HostOverheadTable>;

let cached: HostOverheadTable | undefined;

export function defaultHostOverheads(): HostOverheadTable {
  cached ??= HostOverheadTable.parse(JSON.parse(readFileSync(dataPath("calibration/h100-host-overheads.json"), "utf8")));
  return cached;
}

const NO_DRIVERS: HostDrivers = { tables: 0, params: 0, pairs: 0 };

/** One op's T1-T5 for a model of the given size. */
export function overheadsFor(table: HostOverheadTable, opName: string, drivers: HostDrivers = NO_DRIVERS): HostOverheads {
  return overheadsLookup(table, drivers)(opName);
}

/**
 * Every op's T1-T5 for a model of the given size, computed once per op name and shared
 * (read-only): a plan builds the same ops for every rank of every candidate plan.
 */
export function overheadsLookup(table: HostOverheadTable, drivers: HostDrivers = NO_DRIVERS): (opName: string) => HostOverheads {
  let bySize = computed.get(table);
  // Bounded for long-lived processes (the dashboard's server, `strata worker`) that see many models.
  if (!bySize || bySize.size >= MAX_SIZES) computed.set(table, (bySize = new Map()));
  const key = `${drivers.tables}|${drivers.params}|${drivers.pairs}`;
  let byName = bySize.get(key);
  if (!byName) bySize.set(key, (byName = new Map()));
  const known = byName;
  return (opName) => {
    let o = known.get(opName);
    if (!o) known.set(opName, (o = Object.freeze(scaled(table.ops[opName] ?? table.fallback, drivers))));
    return o;
  };
}

const computed = new WeakMap<HostOverheadTable, Map<string, Map<string, HostOverheads>>>();
const MAX_SIZES = 4096;

function scaled(o: z.infer<typeof Overheads>, drivers: HostDrivers): HostOverheads {
  const at = (k: "t1" | "t2" | "t3"): number => {
    const s = o.scaling?.[k];
    return Math.max(0, o[k] + (s ? s.usPerUnit * drivers[s.driver] : 0));
  };
  return { t1: at("t1"), t2: at("t2"), t3: at("t3"), t4: o.t4, t5: o.t5 };
}
