/**
 * Objectives of a sweep's results, their Pareto front and the top k. An objective is a result
 * field (a dot path: "stepMs", "decode.stepMs"), a derived figure (DERIVED), or a parameter.
 */
import type { SweepRow } from "./run.js";
import type { SweepCommand } from "./spec.js";

export type Direction = "min" | "max";

const at = (value: unknown, path: string): unknown => path.split(".").reduce<unknown>((v, k) => (v !== null && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined), value);
const numberOr = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

/** Figures a command's JSON does not print but a sweep may rank by. */
const DERIVED: Record<SweepCommand, Record<string, (result: unknown, flags: Record<string, unknown>) => number | undefined>> = {
  predict: {},
  tier: {},
  plan: { gpus: (r) => (Array.isArray(at(r, "perRank")) ? (at(r, "perRank") as unknown[]).length : undefined) },
  "llm fit": { gpus: (_, f) => numberOr(Number(f["--count"] ?? 1)) },
  "llm bench": { gpus: (_, f) => numberOr(Number(f["--count"] ?? 8)) },
  "llm perf": {
    gpus: (_, f) => numberOr(Number(f["--count"] ?? 8)),
    tokensPerSecPerGpu: (r) => numberOr(at(r, "decode.tokensPerSecPerGpu")),
    /** Decode tokens per second one sequence sees: 1000 / the decode step in ms. */
    tokensPerSecPerUser: (r) => {
      const stepMs = numberOr(at(r, "decode.stepMs"));
      return stepMs && stepMs > 0 ? Number((1000 / stepMs).toFixed(3)) : undefined;
    },
  },
};

/** The default direction: max for throughputs and contexts, min for times, GPUs, bytes and costs. */
export function defaultDirection(name: string): Direction {
  return /perSec|PerSec|tokensPerSec|samplesPerSec|PerGpu|PerUser|maxContext|fits|feasible/.test(name) ? "max" : "min";
}

export function objectiveValue(command: SweepCommand, row: SweepRow, name: string, flags: Record<string, unknown>): number | undefined {
  if (!("result" in row)) return undefined;
  const f = { ...flags, ...Object.fromEntries(Object.entries(row.params).filter(([k]) => k.startsWith("--"))) };
  const derived = DERIVED[command][name];
  if (derived) return derived(row.result, f);
  const v = at(row.result, name);
  if (typeof v === "boolean") return v ? 1 : 0;
  if (v !== undefined) return numberOr(v);
  return numberOr(name in row.params ? row.params[name] : f[name]);
}

/** Whether a row may be ranked: it ran, and fits or is feasible where the command says. */
export function rankable(row: SweepRow): boolean {
  if (!("result" in row)) return false;
  const r = row.result as Record<string, unknown>;
  return r.feasible !== false && r.fits !== false;
}

export interface Scored {
  index: number;
  values: [number, number];
}

/**
 * The non-dominated points: no other point is as good in both objectives and better in one.
 * Points with equal values are all on the front. Returned in index order.
 */
export function paretoFront(points: readonly Scored[], directions: [Direction, Direction]): number[] {
  const sign = directions.map((d) => (d === "min" ? 1 : -1)) as [number, number];
  // Minimise a * sign: sort by the first, then the second objective.
  const s = points.map((p) => ({ index: p.index, a: p.values[0] * sign[0], b: p.values[1] * sign[1] })).sort((x, y) => x.a - y.a || x.b - y.b || x.index - y.index);
  const front: number[] = [];
  let bestB = Infinity;
  for (let i = 0; i < s.length; ) {
    // A group of equal first objectives: only its best second objective can be on the front.
    let j = i;
    while (j < s.length && s[j]!.a === s[i]!.a) j++;
    const groupBest = s[i]!.b;
    if (groupBest < bestB) {
      for (let k = i; k < j && s[k]!.b === groupBest; k++) front.push(s[k]!.index);
      bestB = groupBest;
    }
    i = j;
  }
  return front.sort((x, y) => x - y);
}

/** The k best by the first objective, ties broken by the second and then the index. */
export function topK(points: readonly Scored[], directions: [Direction, Direction], k: number): number[] {
  const sign = directions.map((d) => (d === "min" ? 1 : -1)) as [number, number];
  return [...points].sort((x, y) => x.values[0] * sign[0] - y.values[0] * sign[0] || x.values[1] * sign[1] - y.values[1] * sign[1] || x.index - y.index).slice(0, k).map((p) => p.index);
}

/** Score every rankable row on two objectives (rows missing either are left out). */
export function score(command: SweepCommand, rows: readonly SweepRow[], names: [string, string], flags: Record<string, unknown>): Scored[] {
  return rows.filter(rankable).flatMap((row) => {
    const a = objectiveValue(command, row, names[0], flags);
    const b = objectiveValue(command, row, names[1], flags);
    return a === undefined || b === undefined ? [] : [{ index: row.index, values: [a, b] as [number, number] }];
  });
}
