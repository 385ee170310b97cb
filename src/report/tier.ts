/** The readable view of a tier plan: per table its home, caches, hit rate and bytes; per node devices, utilisation and power. */
import type { DlrmWorkload } from "../spec/workload.js";
import type { TierResult } from "../tier/run.js";
import { table } from "./format.js";

const gb = (b: number | undefined): string => (b ? (b / 1e9).toFixed(1) : "-");

export function tierText(w: DlrmWorkload, r: TierResult): string {
  const target = r.mode === "train" ? `step ${r.stepMs?.toFixed(2)} ms (baseline ${r.baselineStepMs?.toFixed(2)} ms)` : `p99 ${r.p99Ms?.toFixed(2)} ms (baseline ${r.baselineP99Ms?.toFixed(2)} ms)`;
  const homes = new Map<string, number>();
  for (const t of r.tables) homes.set(t.home, (homes.get(t.home) ?? 0) + 1);
  const lines = [
    `${w.name} on ${r.node} (${r.mode}): ${r.feasible ? "feasible" : "INFEASIBLE"}, ${r.nodes} node(s), ${target}, ${(r.powerW / 1000).toFixed(1)} kW`,
    r.reason ? `  ${r.reason}` : "",
    `  baseline ${r.baselineNode}: ${r.baselineFeasible ? `${r.baselineNodes} node(s), ${(r.baselinePowerW / 1000).toFixed(1)} kW` : `infeasible: ${r.baselineReason ?? ""}`}; power saving ${r.powerSavingPercent.toFixed(1)}%`,
    `  homes: ${[...homes].map(([k, v]) => `${v} ${k}`).join(", ")}; hit rates from the ${r.access} access model`,
    r.torchrec ? `  HBM misses per step, same HBM bytes: Strata ${(r.torchrec.missUsPerStep.strata / 1000).toFixed(2)} ms of miss time (${gb(r.torchrec.missBytesPerStep.strata)} GB), TorchRec one load factor ${r.torchrec.loadFactor.toFixed(3)}: ${(r.torchrec.missUsPerStep.oneLoadFactor / 1000).toFixed(2)} ms (${gb(r.torchrec.missBytesPerStep.oneLoadFactor)} GB), ScaleupProposer-style: ${(r.torchrec.missUsPerStep.proportional / 1000).toFixed(2)} ms (${gb(r.torchrec.missBytesPerStep.proportional)} GB)` : "",
    "",
    "Per node:",
    table(["tier", "device", "count", "capacity GB", "used GB", "utilisation"], r.perNode.devices.map((d) => [d.kind, d.device, String(d.count), gb(d.capacityBytes), gb(d.usedBytes), `${((r.perNode.utilisation[d.kind] ?? 0) * 100).toFixed(1)}%`]), [false, false, true, true, true, true]),
    `  ${Object.entries(r.perNode.utilisation).filter(([k]) => !r.perNode.devices.some((d) => d.kind === k)).map(([k, v]) => `${k} ${(v * 100).toFixed(1)}%`).join(", ")}; ${r.perNode.powerW} W per node`,
    "",
    "Tables (largest first):",
    table(["table", "rows", "home", "HBM cache rows", "DRAM cache rows", "HBM hit", "DRAM hit", "HBM GB", "DRAM GB", "home GB"],
      [...r.tables].sort((a, b) => b.rows - a.rows).slice(0, 20).map((t) => [String(t.table), String(t.rows), t.home, String(t.hbmCacheRows), String(t.dramCacheRows), t.hitRate.toFixed(3), t.dramHitRate.toFixed(3), gb(t.bytes.hbm), gb(t.bytes.dram), gb(t.bytes[t.home])]),
      [true, true, false, true, true, true, true, true, true, true]),
    r.tables.length > 20 ? `  (${r.tables.length - 20} more tables; --json for all)` : "",
  ];
  return lines.filter((l, i, a) => l !== "" || a[i - 1] !== "").join("\n") + "\n";
}
