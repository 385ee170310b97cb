/**
 * The largest context per sequence with every layer holding full KV against a hybrid cache
 * (chunked layers bounded by their window): from `strata llm fit --json` (one batch) or
 * `strata llm context --json` (one pair of bars per batch size).
 */
import * as Plot from "@observablehq/plot";
import { drawPlot, emptyChart, type Chart, type ChartOptions } from "./svg.js";

export type ContextJson =
  | { maxContextTokens: number; maxContextTokensHybrid: number }
  | { rows: Array<{ batch: number; maxContextTokens: number; maxContextTokensHybrid: number }> };

export function llmContextSvg(doc: ContextJson, o: ChartOptions): Chart {
  const label = "Largest context per sequence: full KV against hybrid KV, tokens";
  const rows = ("rows" in doc ? doc.rows : [{ batch: 1, ...doc }]).flatMap((r) => [
    { row: `batch ${r.batch} · full`, kv: "full KV (every layer)", tokens: r.maxContextTokens },
    { row: `batch ${r.batch} · hybrid`, kv: "hybrid KV (chunked layers windowed)", tokens: r.maxContextTokensHybrid },
  ]);
  if (!rows.length) return emptyChart(o, label, "no rows");
  return drawPlot(o, label, {
    height: 60 + rows.length * 22,
    marginLeft: 110,
    x: { label: "tokens per sequence", grid: true, tickFormat: "s" },
    y: { label: null, domain: rows.map((r) => r.row) },
    color: { domain: ["full KV (every layer)", "hybrid KV (chunked layers windowed)"], range: ["#4e79a7", "#f28e2c"], legend: true },
    marks: [
      Plot.barX(rows, { x: "tokens", y: "row", fill: "kv", title: (r: (typeof rows)[number]) => `${r.row}: ${r.kv}: ${r.tokens.toLocaleString("en-US")} tokens` }),
      Plot.ruleX([0]),
    ],
  });
}
