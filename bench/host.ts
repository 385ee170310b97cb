/**
 * The host as hardware (docs/perf-model.md, "host"): leave-one-regime-out checks of the fitted
 * host costs, and calibrating on three measured steps of one machine to predict the rest.
 */
import { fitHostFactors } from "../src/host/fit.js";
import { trainStepByHost } from "../src/predict.js";
import type { DlrmModel } from "../src/spec/workload.js";
import { devCases, fitHostCosts, score, type DevCase } from "./calibrate.js";
import { gmae, measuredOf } from "./shared.js";

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const tablesOf = (c: DevCase): number => (c.workload.model as DlrmModel).tables.length;

async function leaveOneRegimeOut(cases: DevCase[]) {
  const small = cases.filter((c) => tablesOf(c) <= 26);
  const big = cases.filter((c) => tablesOf(c) > 26);
  const rows = [];
  for (const [fitName, fit, heldName, held] of [["<= 26 tables", small, "> 26 tables", big], ["> 26 tables", big, "<= 26 tables", small]] as const) {
    // Strict: the per-op table from the fitting regime's traces only; then with every trace's per-op structure (the held-out steps' times still unseen).
    for (const traces of ["fit regime", "all"] as const) {
      const r = fitHostCosts(fit, false, traces === "all" ? cases : fit);
      rows.push({ fitName, n: fit.length, heldName, m: held.length, traces, cost: r.table.profilerCost, inSample: r.trainGmae, heldOut: score(r.table, held, "train") });
    }
  }
  return rows;
}

/**
 * The measurements' runs were each on a fresh cloud machine: run k of a campaign (dev01-09 with
 * three runs, dev10-21 with two) is one machine. Calibrate on the run-k times of the three
 * workloads the model finds most host-bound (largest d ln step / d ln host: what a user would
 * time to learn the host), predict the campaign's other workloads on that machine.
 */
function measuredCalibration(cases: DevCase[]) {
  const campaigns = [cases.filter((c) => measuredOf(c.workload).trainStepMs.perRun.length === 3), cases.filter((c) => measuredOf(c.workload).trainStepMs.perRun.length === 2)];
  const rows = [];
  for (const campaign of campaigns) {
    const at = campaign.map((c) => {
      const f = trainStepByHost(c.workload);
      const sensitivity = Math.log(f({ dispatch: 1.1, sync: 1.1 }) / f({ dispatch: 1, sync: 1 })) / Math.log(1.1);
      return { name: c.workload.name, predictMs: (h: Parameters<typeof f>[0]) => f(h) / 1000, runs: measuredOf(c.workload).trainStepMs.perRun, sensitivity };
    }).sort((a, b) => b.sensitivity - a.sensitivity);
    for (let k = 0; k < at[0]!.runs.length; k++) {
      const steps = at.map((a) => ({ name: a.name, measuredMs: a.runs[k]!, predictMs: a.predictMs }));
      const fit = fitHostFactors(steps.slice(0, 3));
      const rest = steps.slice(3);
      const err = (h: typeof fit.factors): number => gmae(rest.map((s) => s.predictMs(h) / s.measuredMs));
      rows.push({ machine: `${campaign[0]!.workload.name.slice(0, 5)}-${campaign[campaign.length - 1]!.workload.name.slice(0, 5)} run ${k + 1}`, calibratedOn: steps.slice(0, 3).map((s) => s.name.slice(0, 5)).join(", "), factors: fit.factors, before: err({ dispatch: 1, sync: 1 }), after: err(fit.factors), n: rest.length });
    }
  }
  return rows;
}

export async function hostSection(): Promise<string[]> {
  const cases = await devCases();
  const loo = await leaveOneRegimeOut(cases);
  const cal = measuredCalibration(cases);
  const lines = ["## The host as hardware", ""];
  lines.push("Host costs per op class (docs/perf-model.md): per-op T1-T5 from the traces, with lines over the model size where the traces show growth (parameters, cat inputs, index pairs), and the profiler's cost per event class (gap, launch call, nested event) fitted to the unprofiled trainStepMs medians. Leave one regime out: fit on one side of 26 tables, score the other (every workload with more than 26 tables is GPU-bound, so its step times say little about host costs).", "");
  lines.push("| fit on | traces for the per-op table | fitted profiler cost (gap / launch / nested, us) | in-sample GMAE | held out | held-out GMAE | target |", "|---|---|---|---|---|---|---|");
  for (const r of loo) lines.push(`| ${r.fitName} (${r.n}) | ${r.traces} | ${r.cost.gapUs} / ${r.cost.launchUs} / ${r.cost.nestedUsPerEvent} | ${pct(r.inSample)} | ${r.heldName} (${r.m}) | ${pct(r.heldOut)} | <= 10% |`);
  lines.push("", "`strata calibrate --measured` on three timed steps of one machine, then the rest of that machine's workloads (each run of the ground truth was a fresh cloud machine; run k of a campaign is taken as one machine):", "");
  lines.push("| machine | calibrated on | fitted dispatch / sync factor | others | GMAE with the bundled host | GMAE after calibration |", "|---|---|---|---|---|---|");
  for (const r of cal) lines.push(`| ${r.machine} | ${r.calibratedOn} | ${r.factors.dispatch} / ${r.factors.sync} | ${r.n} | ${pct(r.before)} | ${pct(r.after)} |`);
  const pooled = (k: "before" | "after"): number => Math.exp(cal.reduce((s, r) => s + Math.log(1 + r[k]) * r.n, 0) / cal.reduce((s, r) => s + r.n, 0)) - 1;
  lines.push("", `Pooled over the machines: ${pct(pooled("before"))} with the bundled host, ${pct(pooled("after"))} after calibrating on three steps.`);
  return lines;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log((await hostSection()).join("\n"));
