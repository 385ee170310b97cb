/**
 * `strata cache gen|mrc|simulate` as library calls: generated traces from the generator flags,
 * the miss-ratio curve and the simulations of a trace source, as the commands print them.
 * Light on purpose (no zod, no workload schema): `strata cache` is timed whole, start-up
 * included; the API's schemas for these are in cache-body.ts.
 */
import { dlrmMixTrace, workloadTrace, zipfTrace, type MixTable } from "../cache/generate.js";
import { lruMrc, reportSizes, type Mrc, type MrcPoint } from "../cache/mrc.js";
import { LIBCACHESIM_POLICIES, POLICIES, type PolicyId } from "../cache/policies/index.js";
import { simulate, type SimResult } from "../cache/simulate.js";
import type { TraceSource } from "../cache/trace.js";
import { UserError } from "../spec/errors.js";
import type { DlrmWorkload } from "../spec/workload.js";

export const U32 = 2 ** 32 - 1;

/** Progress of a pass over a trace: requests (or bytes) done of a total. */
export type Progress = (done: number, total: number) => void;

const UNITS: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40 };

/** "10000,100000" or "64MiB,1GB": capacities, and whether any had a byte unit. */
export function parseSizes(list: string): { sizes: number[]; bytes: boolean } {
  let bytes = false;
  const sizes = list.split(",").map((raw) => {
    const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(raw);
    const unit = m?.[2]?.toLowerCase() ?? "";
    if (!m || (unit !== "" && !(unit in UNITS))) throw new UserError(`--size: expected numbers of objects or sizes like 64MiB, 1GB, found "${raw}"`);
    if (unit) bytes = true;
    const v = Math.floor(Number(m[1]) * (unit ? UNITS[unit]! : 1));
    if (!(v >= 1)) throw new UserError(`--size: expected a size of at least 1, found "${raw}"`);
    return v;
  });
  return { sizes, bytes };
}

export function parsePolicies(list: string): PolicyId[] {
  return list.split(",").map((p) => {
    const id = p.trim().toLowerCase();
    if (!(POLICIES as readonly string[]).includes(id)) {
      throw new UserError(`--policy: expected some of ${LIBCACHESIM_POLICIES.join(", ")}, found "${p}" (or set-lru: FBGEMM's 32-way set-associative LRU, sizes in objects)`);
    }
    return id as PolicyId;
  });
}

/** `--tables rows:alpha:weight,...` of the dlrm-mix generator. */
export function parseMixTables(spec: string): MixTable[] {
  return spec.split(",").map((t) => {
    const [rows, alpha, weight] = t.split(":").map(Number);
    if (!(Number.isInteger(rows) && rows! >= 1 && rows! <= U32 && alpha! > 0 && weight! > 0 && Number.isFinite(alpha) && Number.isFinite(weight))) {
      throw new UserError(`--tables: expected rows:alpha:weight with 1 to 2^32-1 rows and a positive alpha and weight, found "${t}"`);
    }
    return { rows: rows!, alpha: alpha!, weight: weight! };
  });
}

/** The flags of `strata cache gen` (defaults applied), the workload already read. */
export interface GeneratorSpec {
  kind: string;
  requests: number;
  keys: number;
  alpha: number;
  objSize: number;
  tables: MixTable[];
  rowBytes: number;
  driftEvery?: number;
  /** dlrm-mix: id = table * 2^tableShift + row (default 32). */
  tableShift?: number;
  workload?: DlrmWorkload;
  steps: number;
  seed: number;
}

/** The trace `strata cache gen` writes, as a source. */
export function generatedTrace(g: GeneratorSpec): TraceSource {
  if (g.kind === "zipf") return zipfTrace({ keys: g.keys, alpha: g.alpha, requests: g.requests, seed: g.seed, objectSize: g.objSize });
  if (g.kind === "dlrm-mix") return dlrmMixTrace({ tables: g.tables, requests: g.requests, seed: g.seed, rowBytes: g.rowBytes, driftEvery: g.driftEvery, tableShift: g.tableShift });
  if (g.kind === "workload") {
    if (!g.workload) throw new UserError("--workload: required with --kind workload");
    return workloadTrace(g.workload, { steps: g.steps, seed: g.seed });
  }
  throw new UserError(`--kind: expected zipf, dlrm-mix or workload, found "${g.kind}"`);
}

export interface MrcRequest {
  /** SHARDS at a fixed rate in (0, 1]. */
  sample?: number;
  /** SHARDS at a fixed number of sampled objects. */
  maxObjects?: number;
  seed?: number;
  /** `--size`: the sizes to report (default: 100 spread geometrically). */
  size?: string;
  bytes?: boolean;
}

/** `strata cache mrc`: the LRU curve of a trace at the sizes asked for (or the default ones); the trace is opened after the flags are checked. */
export function mrcCurve(open: () => TraceSource, o: MrcRequest, progress?: Progress): { mrc: Mrc; points: MrcPoint[]; bytes: boolean } {
  if (o.sample !== undefined && o.sample > 1) throw new UserError(`--sample: expected a rate in (0, 1], found ${o.sample}`);
  if (o.sample !== undefined && o.maxObjects !== undefined) {
    throw new UserError(`--sample and --max-objects: expected one of them (a fixed sampling rate, or a fixed number of sampled objects whose rate adapts), found both (--sample ${o.sample} --max-objects ${o.maxObjects})`);
  }
  const given = o.size ? parseSizes(o.size) : undefined;
  const bytes = Boolean(o.bytes || given?.bytes);
  const mrc = lruMrc(open(), { bytes, rate: o.sample, maxObjects: o.maxObjects, seed: o.seed, progress });
  const sizes = given ? [...given.sizes].sort((a, b) => a - b) : reportSizes(mrc);
  return { mrc, points: mrc.at(sizes), bytes };
}

/** `strata cache simulate`: every policy at every size over one pass (the trace opened after the flags are checked); `timing` keeps the seconds (`--no-timing` leaves them out); `threads` 1 or 2 overrides the choice of a mapping thread. */
export function simulateRuns(open: () => TraceSource, o: { policy: string; size: string; bytes?: boolean; timing: boolean; threads?: 1 | 2 }, progress?: Progress): SimResult[] | Omit<SimResult, "seconds">[] {
  const policies = parsePolicies(o.policy);
  const { sizes, bytes } = parseSizes(o.size);
  const mapThread = o.threads === undefined ? undefined : o.threads === 2;
  const results = simulate(open(), policies.flatMap((policy) => sizes.map((size) => ({ policy, size }))), { bytes: bytes || o.bytes, progress, mapThread });
  return o.timing ? results : results.map(({ seconds: _, ...r }) => r);
}
