/**
 * `strata tier` as a library call: plan the node (and its baseline: by default the same node
 * with only HBM and DRAM) for a training step target or an inference QPS and p99 target, with
 * power at equal targets, TorchRec's rules on the same tables, and the exports a user runs.
 */
import { hbmDramOnly, type Node, type TierKind } from "../catalog/tiers.js";
import { embeddingBytes } from "../graph/dlrm.js";
import { tableDim, type CachePolicy, type DlrmWorkload } from "../spec/workload.js";
import { UserError } from "../spec/errors.js";
import type { TableAccess } from "./access.js";
import { exportFbgemm, exportTorchrec } from "./export.js";
import { planInferenceTiers } from "./plan-infer.js";
import { planTrainingTiers, tableFacts, type Allocation, type TableFacts } from "./plan-train.js";
import { nodePowerW } from "./power.js";
import { oneLoadFactor, proportionalLoadFactors } from "./torchrec.js";
import type { Decision, Traffic } from "./traffic.js";

export interface TierRequest {
  node: Node;
  baseline?: Node;
  mode: "train" | "infer";
  targetStepMs?: number;
  qps?: number;
  p99Ms?: number;
  access: TableAccess[];
  policy?: CachePolicy;
}

export interface TierTable {
  table: number;
  rows: number;
  home: Decision["home"];
  hbmCacheRows: number;
  dramCacheRows: number;
  hitRate: number;
  dramHitRate: number;
  policy: CachePolicy;
  bytes: Partial<Record<"hbm" | TierKind, number>>;
}

export interface RuleScores {
  strata: number;
  oneLoadFactor: number;
  proportional: number;
}

export interface TierResult {
  mode: "train" | "infer";
  feasible: boolean;
  reason?: string;
  nodes: number;
  baselineNodes: number;
  stepMs?: number;
  p99Ms?: number;
  powerW: number;
  baselinePowerW: number;
  baselineFeasible: boolean;
  baselineReason?: string;
  baselineStepMs?: number;
  baselineP99Ms?: number;
  /** (baseline - this) / baseline at the same target, percent. */
  powerSavingPercent: number;
  node: string;
  baselineNode: string;
  access: "analytic" | "trace";
  tables: TierTable[];
  perNode: { powerW: number; utilisation: Record<string, number>; devices: Array<{ kind: TierKind; device: string; count: number; capacityBytes: number; usedBytes: number }> };
  torchrec?: { loadFactor: number; missUsPerStep: RuleScores; missBytesPerStep: RuleScores };
  exports: { torchrec: Record<string, unknown>; fbgemm: Record<string, unknown> };
}

const r4 = (x: number): number => (Number.isFinite(x) ? Number(x.toFixed(4)) : 0);

function tablesOf(w: DlrmWorkload, decisions: Decision[], traffic: Traffic[], rowBytes: (i: number) => number): TierTable[] {
  return decisions.map((d, i) => {
    const rows = w.model.tables[i]!.rows;
    const t = traffic[i];
    const bytes: TierTable["bytes"] = d.home === "hbm" ? { hbm: rows * rowBytes(i) } : { [d.home]: rows * rowBytes(i), ...(d.hbmCacheRows ? { hbm: d.hbmCacheRows * rowBytes(i) } : {}) };
    if (d.dramCacheRows) bytes.dram = (bytes.dram ?? 0) + d.dramCacheRows * rowBytes(i);
    return { table: i, rows, home: d.home, hbmCacheRows: Math.floor(d.hbmCacheRows), dramCacheRows: Math.floor(d.dramCacheRows), hitRate: r4(t?.hbmHitRate ?? 0), dramHitRate: r4(t?.dramHitRate ?? 0), policy: d.policy, bytes };
  });
}

function devicesOf(node: Node, tables: TierTable[], nodes: number): TierResult["perNode"]["devices"] {
  return node.tiers.map((t) => ({ kind: t.kind, device: t.device.id, count: t.count, capacityBytes: Math.round(t.capacityBytes), usedBytes: Math.round(tables.reduce((s, x) => s + (x.bytes[t.kind] ?? 0), 0) / Math.max(1, nodes)) }));
}

interface Side {
  feasible: boolean;
  reason?: string;
  nodes: number;
  utilisation: Partial<Record<string, number>>;
}

const sidePower = (node: Node, s: Side): number => (s.feasible ? s.nodes * nodePowerW(node, s.utilisation) : 0);

/** The fields both modes share: the plan and its baseline side by side, power, devices and exports. */
function assemble(w: DlrmWorkload, req: TierRequest, baseline: Node, side: Side, base: Side, tables: TierTable[], nodesPerReplica: number) {
  const powerW = sidePower(req.node, side);
  const baselinePowerW = sidePower(baseline, base);
  return {
    feasible: side.feasible, ...(side.reason && !side.feasible ? { reason: side.reason } : {}),
    nodes: side.nodes, baselineNodes: base.nodes, powerW: Math.round(powerW), baselinePowerW: Math.round(baselinePowerW),
    baselineFeasible: base.feasible, ...(base.reason && !base.feasible ? { baselineReason: base.reason } : {}),
    powerSavingPercent: baselinePowerW > 0 && powerW > 0 ? r4((100 * (baselinePowerW - powerW)) / baselinePowerW) : 0,
    node: req.node.spec.id, baselineNode: baseline.spec.id, access: req.access[0]?.source ?? "analytic",
    tables,
    perNode: { powerW: side.feasible ? Math.round(nodePowerW(req.node, side.utilisation)) : 0, utilisation: Object.fromEntries(Object.entries(side.utilisation).map(([k, v]) => [k, r4(v ?? 0)])), devices: devicesOf(req.node, tables, nodesPerReplica) },
    exports: { torchrec: exportTorchrec(w, tables), fbgemm: exportFbgemm(w, tables) },
  };
}

export async function runTier(w: DlrmWorkload, req: TierRequest): Promise<TierResult> {
  const baseline = req.baseline ?? hbmDramOnly(req.node);
  const policy = req.policy ?? (req.mode === "train" ? "set-lru" : "lru");
  if (req.mode === "train") {
    if (!(req.targetStepMs! > 0)) throw new UserError("--target-step-ms: expected a positive number of milliseconds");
    const target = req.targetStepMs! * 1000;
    const [side, base] = [await planTrainingTiers(w, req.node, target, req.access, policy), await planTrainingTiers(w, baseline, target, req.access, policy)];
    const facts = tableFacts(w, req.access, policy);
    const a = side.allocation;
    const tables = a ? tablesOf(w, a.decisions, a.traffic, (i) => facts[i]!.rowBytes) : [];
    return {
      mode: "train", stepMs: r4(side.stepUs / 1000), baselineStepMs: r4(base.stepUs / 1000),
      ...assemble(w, req, baseline, side, base, tables, side.nodes),
      ...(a ? { torchrec: torchrecComparison(facts, a) } : {}),
    };
  }
  if (!(req.qps! > 0) || !(req.p99Ms! > 0)) throw new UserError("--mode infer needs --qps Q and --p99-ms L (positive numbers)");
  const target = req.p99Ms! * 1000;
  const side = planInferenceTiers(w, req.node, req.qps!, target, req.access, policy, (s) => sidePower(req.node, s));
  const base = planInferenceTiers(w, baseline, req.qps!, target, req.access, policy, (s) => sidePower(baseline, s));
  const rowBytes = (i: number): number => tableDim(w.model, w.model.tables[i]!) * embeddingBytes(w.training.embeddingPrecision);
  const tables = tablesOf(w, side.decisions, side.traffic, rowBytes);
  return { mode: "infer", p99Ms: r4(side.p99Us / 1000), baselineP99Ms: r4(base.p99Us / 1000), ...assemble(w, req, baseline, side, base, tables, side.group) };
}

/**
 * The same HBM bytes spent by TorchRec's rules on the same homes, scored by the allocator's
 * objective (miss-us per step: each table's misses x what one costs) and by host-link miss bytes:
 * Strata's marginal split, one load factor, and the ScaleupProposer's proportional split
 * (priority: expected lookups x cacheability, cacheability = the miss ratio at TorchRec's default 0.2).
 */
function torchrecComparison(facts: ReturnType<typeof tableFacts>, a: Allocation): NonNullable<TierResult["torchrec"]> {
  const cached = (t: TableFacts): number => (a.decisions[t.index]!.home === "hbm" ? t.rows : a.decisions[t.index]!.hbmCacheRows);
  const budget = facts.reduce((s, t) => s + cached(t) * t.rowBytes, 0);
  const clf = oneLoadFactor(facts.map((t) => t.bytes), budget);
  const clfs = proportionalLoadFactors(facts.map((t) => t.bytes), facts.map((t) => t.access.lookupsPerStep * (1 - t.hit(0.2 * t.rows))), budget);
  const rules: Record<"strata" | "oneLoadFactor" | "proportional", (t: TableFacts) => number> = {
    strata: cached,
    oneLoadFactor: (t) => Math.floor(clf * t.rows),
    proportional: (t) => Math.floor(clfs[t.index]! * t.rows),
  };
  const score = (weight: (t: TableFacts) => number) => Object.fromEntries(Object.entries(rules).map(([k, rows]) => [k, Math.round(facts.reduce((s, t) => s + t.access.lookupsPerStep * (1 - t.hit(rows(t))) * weight(t), 0) * 1000) / 1000])) as Record<keyof typeof rules, number>;
  return { loadFactor: r4(clf), missUsPerStep: score((t) => a.perMissUs[t.index]!), missBytesPerStep: score((t) => t.rowBytes) };
}
