/**
 * Exact sharding by mixed-integer programming (HiGHS, Huangfu and Hall, Math. Prog. Comp. 2018),
 * for small models. Each table picks one option: table-wise on one rank, row-wise over all
 * ranks, row-wise inside one host (hierarchical, Neo Sec. 5.1), or replicated if tiny. The
 * objective is the predicted step's two sharding-dependent terms: the slowest rank's embedding
 * time (z >= each rank's load) plus the forward and backward all-to-all of the busiest sender
 * (s >= each rank's send time), under each rank's HBM capacity. Column-wise splits are left
 * to the search: choosing their ranks would multiply the variables.
 */
import type highsModule from "highs";
import type { PlanContext } from "./context.js";
import { all, DP_MAX_BYTES, dataParallel, hostRanks, rowWise, tableWise } from "./shards.js";
import { shardBytes, shardUs } from "./table-costs.js";
import type { Shard } from "./types.js";

/**
 * Without a time limit from the user the solve is bounded by branch-and-bound nodes, not by
 * the clock, so the same input gives the same plan on any machine (a wall-clock cap remains
 * as a guard).
 */
export const MILP_NODES = 1000;
export const MILP_NODES_IN_BEST = 100;
const GUARD_SECONDS = 60;
/** Binary variables up to which the default strategy also tries the MILP. */
const SMALL_BINARIES = 1000;

type LoadHighs = typeof highsModule.default;
/** HiGHS, loaded on the first solve: plans without the MILP (and every other command) never load it. */
let highs: ReturnType<LoadHighs> | undefined;

interface Option {
  name: string;
  shard: () => Shard;
  /** Per rank: embedding us, HBM bytes, all-to-all send bytes. */
  ranks: number[];
  us: number;
  bytes: number;
  send: number;
}

function binaries(ctx: PlanContext): number {
  return ctx.tables.length * (ctx.c.ranks + ctx.c.hosts + 2);
}

export function milpIsSmall(ctx: PlanContext): boolean {
  return binaries(ctx) <= SMALL_BINARIES;
}

/** Beyond this the LP relaxations alone take minutes. */
export function milpIsTractable(ctx: PlanContext): boolean {
  return binaries(ctx) <= 20 * SMALL_BINARIES;
}

function options(ctx: PlanContext): Option[][] {
  const { w, c } = ctx;
  const B = w.training.batchSize;
  const n = c.ranks;
  const g = c.gpusPerHost;
  return ctx.tables.map((t) => {
    const send = ctx.sendBytes[t.index]!;
    const opts: Option[] = all(n).map((r) => ({ name: `t${t.index}_r${r}`, shard: () => tableWise(t, r), ranks: [r], us: ctx.twUs[t.index]!, bytes: shardBytes(w, t, t.rows, t.dim), send }));
    if (n > 1) {
      const rows = Math.ceil(t.rows / n);
      // Its partial sums are reduce-scattered, cheaper per byte than the all-to-all (in a2a-equivalent bytes).
      const rwSend = ctx.a2aUsPerByte > 0 ? (send * ctx.rowWiseUsPerByte) / ctx.a2aUsPerByte : 0;
      opts.push({ name: `rw${t.index}`, shard: () => rowWise(t, all(n)), ranks: all(n), us: shardUs(c.gpuSpec, w, B, t.pooling / n, rows, t.dim), bytes: shardBytes(w, t, rows, t.dim), send: rwSend });
    }
    if (c.hosts > 1) {
      const rows = Math.ceil(t.rows / g);
      for (let h = 0; h < c.hosts; h++) {
        // Reduce-scattered in the host, then 1/g of it exchanged (in a2a-equivalent bytes).
        const trwSend = send / g + (ctx.a2aUsPerByte > 0 ? (send * ctx.hostRowWiseUsPerByte) / ctx.a2aUsPerByte : 0);
        opts.push({ name: `trw${t.index}_h${h}`, shard: () => rowWise(t, hostRanks(g, h), "table-row-wise"), ranks: hostRanks(g, h), us: shardUs(c.gpuSpec, w, B, t.pooling / g, rows, t.dim), bytes: shardBytes(w, t, rows, t.dim), send: trwSend });
      }
    }
    if (n > 1 && t.bytes <= DP_MAX_BYTES) {
      opts.push({ name: `dp${t.index}`, shard: () => dataParallel(t, n), ranks: all(n), us: shardUs(c.gpuSpec, w, B / n, t.pooling, t.rows, t.dim), bytes: shardBytes(w, t, t.rows, t.dim), send: 0 });
    }
    return opts;
  });
}

/** CPLEX LP text of the model (the format HiGHS reads). Memory in GB and times in us keep the coefficients well scaled. */
function lpText(ctx: PlanContext, opts: Option[][]): string {
  const n = ctx.c.ranks;
  const usPerByte = ctx.a2aUsPerByte;
  const num = (x: number): string => Number(x.toPrecision(9)).toString();
  const load: string[][] = all(n).map(() => []);
  const mem: string[][] = all(n).map(() => []);
  const send: string[][] = all(n).map(() => []);
  const lines = ["Minimize", " obj: z + s", "Subject To"];
  opts.forEach((os, t) => {
    lines.push(` one${t}: ${os.map((o) => o.name).join(" + ")} = 1`);
    for (const o of os) {
      for (const r of o.ranks) {
        if (o.us > 0) load[r]!.push(`${num(o.us)} ${o.name}`);
        mem[r]!.push(`${num(o.bytes / 1e9)} ${o.name}`);
        if (o.send > 0 && usPerByte > 0) send[r]!.push(`${num(o.send * usPerByte)} ${o.name}`);
      }
    }
  });
  const capacityGb = (ctx.capacity - ctx.dense.memoryBytes) / 1e9;
  for (let r = 0; r < n; r++) {
    if (load[r]!.length) lines.push(` load${r}: ${load[r]!.join(" + ")} - z <= 0`);
    lines.push(` mem${r}: ${mem[r]!.join(" + ")} <= ${num(capacityGb)}`);
    if (send[r]!.length) lines.push(` send${r}: ${send[r]!.join(" + ")} - s <= 0`);
  }
  lines.push("Bounds", " z >= 0", " s >= 0", "Binary", ...opts.flat().map((o) => ` ${o.name}`), "End");
  return lines.join("\n");
}

/** The name of the MILP variable that chooses shard `s`, when the MILP has that option. */
function variableOf(ctx: PlanContext, s: Shard): string | undefined {
  const t = s.table;
  if (s.type === "table-wise") return `t${t}_r${s.ranks[0]}`;
  if (s.type === "row-wise" && s.ranks.length === ctx.c.ranks) return `rw${t}`;
  if (s.type === "table-row-wise" && s.ranks.length === ctx.c.gpusPerHost) return `trw${t}_h${Math.floor(s.ranks[0]! / ctx.c.gpusPerHost)}`;
  if (s.type === "data-parallel") return `dp${t}`;
  return undefined;
}

/**
 * The MILP's plan, or undefined when HiGHS proves it infeasible or finds no solution within
 * the limit (a limited solve keeps its best incumbent). `start` (the search's plan) seeds
 * the incumbent where its shards are among the MILP's options.
 */
export async function solveMilp(ctx: PlanContext, limit: { seconds?: number; nodes: number }, start?: Shard[]): Promise<Shard[] | undefined> {
  // highs types its ES build as CommonJS: at run time the default import is the loader itself.
  highs ??= import("highs").then((m) => (m.default as unknown as LoadHighs)());
  const solver = await highs;
  const opts = options(ctx);
  const model = solver.createModel({ format: "lp", data: lpText(ctx, opts) });
  try {
    model.options.set({
      output_flag: false,
      mip_rel_gap: 0.005,
      ...(limit.seconds ? { time_limit: limit.seconds } : { mip_max_nodes: limit.nodes, time_limit: GUARD_SECONDS }),
    });
    const names = new Set(opts.flat().map((o) => o.name));
    const seed = start?.map((s) => variableOf(ctx, s));
    if (seed?.every((v) => v !== undefined && names.has(v))) {
      // A partial start: HiGHS completes z and s, and ignores the start if it breaks a constraint.
      const indices = seed.map((v) => model.getColByName(v!));
      model.setSolution({ indices, values: indices.map(() => 1) });
    }
    const status = model.run().modelStatus;
    if (status === solver.constants.modelStatus.infeasible || Number(model.info.get("primal_solution_status")) !== 2) return undefined;
    const x = model.getSolution().colValue;
    const shards: Shard[] = [];
    for (const os of opts) {
      const chosen = os.find((o) => x[model.getColByName(o.name)]! > 0.5);
      if (!chosen) return undefined;
      shards.push(chosen.shard());
    }
    return shards;
  } finally {
    model.dispose();
  }
}
