/** strata report INPUT... -o report.html: result JSON files as one self-contained HTML page (the dashboard's charts). */
import type { Command } from "commander";
import { classifyResult } from "../report/charts/kinds.js";
import { parseDocument, readText } from "../spec/load.js";
import { UserError } from "../spec/errors.js";
import { addOutOption, outOf, writeOutput } from "./run.js";

function paretoPair(v: string): [string, string] {
  const names = v.split(",").map((s) => s.trim()).filter(Boolean);
  if (names.length !== 2) throw new UserError(`--pareto: expected two objectives separated by a comma (stepMs,gpus), found ${JSON.stringify(v)}`);
  return names as [string, string];
}

export function registerReport(program: Command): void {
  const command = program
    .command("report")
    .description("one self-contained HTML file (inline SVG charts, no network) from result JSON: predict, plan, tier, llm, cache, sweep, trace --json outputs and timelines")
    .argument("<inputs...>", "result JSON files (the kind is told from each file's shape)")
    .option("--title <text>", "the page's title", "Strata report")
    .option("--pareto <x,y>", "a sweep's two objectives to draw (default: the pair whose front the sweep holds)", paretoPair);
  addOutOption(command, "where to write the HTML").action(async (inputs: string[], opts: { title: string; pareto?: [string, string]; out?: string; output?: string }) => {
    const results = inputs.map((file) => classifyResult(parseDocument(readText(file), file), file));
    // Plot, d3 and linkedom load only for this command (every other command starts without them).
    const [{ reportHtml }, { nodeDocument }] = await Promise.all([import("../report/charts/report-html.js"), import("../report/charts/node-document.js")]);
    const html = reportHtml(results, { document: nodeDocument(), title: opts.title, pareto: opts.pareto, generator: "strata report 0.1.0" });
    const out = outOf(opts);
    writeOutput(out, html, inputs);
    if (out !== "-") process.stderr.write(`wrote ${out}: ${results.map((r) => `${r.file} (${r.kind})`).join(", ")}\n`);
  });
}
