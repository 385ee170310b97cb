/**
 * `strata report`: result JSON files as one self-contained HTML page (inline SVG charts, inline
 * CSS, no script, no external URL), the same charts the dashboard draws.
 */
import { llmContextSvg } from "./llm-context.js";
import { llmThroughputSvg } from "./llm-throughput.js";
import { memoryBarSvg } from "./memory-bar.js";
import { mrcSeries, mrcSvg } from "./mrc.js";
import { inferParetoObjectives, paretoSvg, sweepObjectives, type SweepDocLike } from "./pareto.js";
import { rankBarsSvg } from "./rank-bars.js";
import { stepBarSvg, stepPartsFromPrediction, stepPartsFromTimeline } from "./step-bar.js";
import { chartMarkup, type Chart, type ChartOptions } from "./svg.js";
import { tableHeatmapSvg } from "./table-heatmap.js";
import { llmPerfTable, overheadTable, planRankTable, planShardTable, predictTable, tierTable, traceStepTable, type TableModel } from "./tables.js";
import { tierBaselineSvg } from "./tier-baseline.js";
import { tierTablesSvg } from "./tier-tables.js";
import { timelineSvg } from "./timeline.js";
import { traceCompareSvg } from "./trace-compare.js";
import { traceStepsSvg } from "./trace-steps.js";
import { KIND_COMMAND, type KindedResult } from "./kinds.js";

export interface ReportOptions extends ChartOptions {
  title?: string;
  /** A sweep's two objectives (default: the pair whose front the document holds). */
  pareto?: [string, string];
  /** What made the report, for the footer (a version string). */
  generator?: string;
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

export function tableHtml(t: TableModel, limit = 200): string {
  const rows = t.rows.slice(0, limit);
  const cell = (tag: string, v: string, i: number) => `<${tag}${t.numeric[i] ? ' class="num"' : ""}>${escapeHtml(v)}</${tag}>`;
  return `<table><caption>${escapeHtml(t.caption)}${t.rows.length > limit ? ` (first ${limit} of ${t.rows.length})` : ""}</caption><thead><tr>${t.head.map((h, i) => cell("th", h, i)).join("")}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((v, i) => cell("td", v, i)).join("")}</tr>`).join("")}</tbody></table>`;
}

const figure = (c: Chart): string => `<div class="chart">${chartMarkup(c)}</div>`;
const p = (s: string): string => `<p>${escapeHtml(s)}</p>`;

/** One input's section: a line of figures, its charts and tables. */
function section(r: KindedResult, o: ReportOptions): string {
  const parts: string[] = [];
  switch (r.kind) {
    case "predict":
      parts.push(figure(stepBarSvg(r.data.results.map(stepPartsFromPrediction), o)), tableHtml(predictTable(r.data)));
      break;
    case "timeline":
      parts.push(figure(stepBarSvg([stepPartsFromTimeline(r.data, r.file.replace(/^.*[\\/]/, ""))], o)), figure(timelineSvg(r.data, o)));
      break;
    case "plan": {
      const d = r.data;
      parts.push(
        p(d.feasible ? `Feasible: step ${d.stepMs.toFixed(3)} ms, ${d.samplesPerSec.toLocaleString("en-US")} samples/s, embedding imbalance ${(d.imbalance * 100).toFixed(1)}%${d.hostBound ? ", host-bound" : ""} [${d.strategy}]` : `INFEASIBLE [${d.strategy}]: ${d.infeasibleReason ?? "the best plan found does not fit"}`),
        figure(rankBarsSvg(d, { ...o, metric: "time" })), figure(rankBarsSvg(d, { ...o, metric: "hbm" })), figure(tableHeatmapSvg(d, o)), tableHtml(planRankTable(d)), tableHtml(planShardTable(d)),
      );
      break;
    }
    case "tier": {
      const d = r.data;
      parts.push(
        p(`${d.node} (${d.mode}): ${d.feasible ? "feasible" : `INFEASIBLE${d.reason ? `: ${String(d.reason)}` : ""}`}, ${d.nodes} node(s), ${(d.powerW / 1000).toFixed(1)} kW; baseline ${d.baselineNode}: ${d.baselineFeasible ? `${d.baselineNodes} node(s), ${(d.baselinePowerW / 1000).toFixed(1)} kW` : "infeasible"}; power saving ${d.powerSavingPercent.toFixed(1)}%`),
        figure(tierBaselineSvg(d, o)), figure(tierTablesSvg(d, o)), tableHtml(tierTable(d)),
      );
      break;
    }
    case "llm fit":
      parts.push(p(`${r.data.fits ? "Fits" : "Does not fit"}: ${(r.data.params.total / 1e9).toFixed(1)}B parameters (${(r.data.params.active / 1e9).toFixed(1)}B active), weights ${(r.data.weightsBytes / 1e9).toFixed(1)} GB, max context ${r.data.maxContextTokens.toLocaleString("en-US")} tokens (hybrid KV ${r.data.maxContextTokensHybrid.toLocaleString("en-US")})`), figure(memoryBarSvg([{ ...r.data, label: "deployment" }], o)), figure(llmContextSvg(r.data, o)));
      break;
    case "llm context":
      parts.push(p(`${r.data.model} on ${r.data.count} x ${r.data.gpu}`), figure(llmContextSvg(r.data, o)));
      break;
    case "llm perf":
      parts.push(figure(llmThroughputSvg(r.data as Parameters<typeof llmThroughputSvg>[0], o)), tableHtml(llmPerfTable(r.data)));
      break;
    case "cache mrc":
    case "cache simulate": {
      const series = mrcSeries([r.data as Parameters<typeof mrcSeries>[0][number]]);
      const sizes = r.kind === "cache simulate" ? [...new Set(r.data.results.map((x) => x.size))] : [];
      parts.push(figure(mrcSvg(series, { ...o, markSizes: sizes })));
      break;
    }
    case "sweep": {
      const doc = r.data as unknown as SweepDocLike;
      const pair = o.pareto ?? inferParetoObjectives(doc) ?? (sweepObjectives(doc).slice(0, 2) as [string, string]);
      parts.push(p(`${doc.runs} configurations, ${doc.pareto.length} on the Pareto front${doc.top ? `; top ${doc.top.length}: ${doc.top.join(", ")}` : ""}`));
      if (pair.length === 2) parts.push(figure(paretoSvg(doc, { ...o, x: pair[0], y: pair[1] })));
      break;
    }
    case "trace analyze":
      parts.push(p(`${r.data.steps.length} steps, mean ${r.data.stepMs.toFixed(3)} ms, GPU active ${r.data.gpuActiveMs.toFixed(3)} ms, ${r.data.bound.toUpperCase()}-bound`), figure(traceStepsSvg(r.data, o)), tableHtml(traceStepTable(r.data)), tableHtml(overheadTable(r.data)));
      break;
    case "trace replay":
      parts.push(p(`mean: measured ${r.data.measuredStepMs.toFixed(3)} ms, replayed ${r.data.replayedStepMs.toFixed(3)} ms`), figure(traceCompareSvg({ replay: r.data }, o)));
      break;
    case "trace predict":
      parts.push(p(`predicted step without the profiler on ${r.data.gpu}: ${r.data.stepMs.toFixed(3)} ms (GPU active ${r.data.gpuActiveMs.toFixed(3)} ms)`), figure(traceCompareSvg({ predicted: r.data }, o)));
      break;
  }
  return `<section><h2>${escapeHtml(r.file)} <small>${escapeHtml(r.kind)}</small></h2><p class="cli">Same answer on the command line: <code>${escapeHtml(KIND_COMMAND[r.kind])}</code></p>${parts.join("\n")}</section>`;
}

const CSS = `body{font:14px/1.45 system-ui,sans-serif;color:#222;max-width:820px;margin:24px auto;padding:0 16px}h1{font-size:22px}h2{font-size:17px;margin-top:32px;border-top:1px solid #ddd;padding-top:12px}h2 small{color:#777;font-weight:normal}.cli{color:#555}code{background:#f3f3f3;padding:1px 4px;border-radius:3px}table{border-collapse:collapse;margin:12px 0;font-size:12px}caption{text-align:left;font-weight:600;padding:4px 0}th,td{padding:2px 8px;border-bottom:1px solid #eee;text-align:left}.num{text-align:right;font-variant-numeric:tabular-nums}.chart{margin:12px 0}footer{margin-top:40px;color:#888;font-size:12px}`;

export function reportHtml(results: KindedResult[], o: ReportOptions): string {
  const title = o.title ?? "Strata report";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title><style>${CSS}</style></head>
<body><h1>${escapeHtml(title)}</h1><p>${results.length} result${results.length === 1 ? "" : "s"}: ${results.map((r) => escapeHtml(r.file)).join(", ")}</p>
${results.map((r) => section(r, o)).join("\n")}
<footer>Made by ${escapeHtml(o.generator ?? "strata report")}: one file, no network needed.</footer></body></html>
`;
}
