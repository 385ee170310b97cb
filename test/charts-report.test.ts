/** strata report: result JSON files as one self-contained HTML page; the kind told from each file's shape. */
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { classifyResult, guessKind } from "../src/report/charts/kinds.js";
import { nodeDocument } from "../src/report/charts/node-document.js";
import { reportHtml } from "../src/report/charts/report-html.js";
import { UserError } from "../src/spec/errors.js";
import { expectUserError, ROOT, strata } from "./helpers.js";

const DIR = `${ROOT}test/fixtures/charts`;
const read = (name: string): unknown => JSON.parse(readFileSync(`${DIR}/${name}`, "utf8"));

describe("strata report", () => {
  it("tells every CLI output in the fixtures apart by its shape", () => {
    const kinds = Object.fromEntries(readdirSync(DIR).map((f) => [f, guessKind(read(f))]));
    expect(kinds).toEqual({
      "analyze.json": "trace analyze", "context.json": "llm context", "fit.json": "llm fit", "mrc.json": "cache mrc", "perf.json": "llm perf", "plan.json": "plan",
      "predict-b200.json": "predict", "predict.json": "predict", "replay.json": "trace replay", "sim.json": "cache simulate", "sweep-llm-perf.json": "sweep",
      "tier.json": "tier", "timeline.json": "timeline", "tpredict.json": "trace predict",
    });
    // One row of llm perf (a single batch) is an llm perf result too.
    expect(guessKind((read("perf.json") as { rows: unknown[] }).rows[0])).toBe("llm perf");
  });

  it("draws every kind into one page with no script and no URL", () => {
    const results = readdirSync(DIR).sort().map((f) => classifyResult(read(f), f));
    const html = reportHtml(results, { document: nodeDocument() });
    expect(html).not.toMatch(/<script|https?:\/\/|src=|<link/i);
    expect(html).not.toMatch(/NaN|Infinity/);
    expect(html.match(/<section>/g)).toHaveLength(results.length);
    // Every section draws at least one chart, with its CLI command beside it.
    for (const s of html.split("<section>").slice(1)) {
      expect(s).toContain("<svg");
      expect(s).toContain("Same answer on the command line: <code>strata ");
    }
    expect(html).toContain("Host overheads T1-T5");
    expect(html).toContain("tokensPerSecPerUser");
  });

  it("CLI: writes the file atomically from several inputs and names what it read", () => {
    const dir = mkdtempSync(join(tmpdir(), "strata-report-"));
    const out = join(dir, "report.html");
    const r = strata(["report", `${DIR}/plan.json`, `${DIR}/tier.json`, `${DIR}/timeline.json`, "--title", "Kaggle on 4 GPUs", "-o", out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("plan.json (plan)");
    const html = readFileSync(out, "utf8");
    expect(html).toContain("<title>Kaggle on 4 GPUs</title>");
    expect(html).toContain("Share of each table");
    expect(html).toContain("host thread");
  });

  it("a file of another shape and a bad field are the user's errors naming the file and the field", () => {
    const dir = mkdtempSync(join(tmpdir(), "strata-report-"));
    const workload = `${ROOT}data/examples/dlrm-kaggle-b2048.json`;
    expectUserError(strata(["report", workload, "-o", join(dir, "a.html")]), `${workload}: not a Strata result`, "found an object with fields name, model");
    const plan = read("plan.json") as { perRank: Array<Record<string, unknown>> };
    plan.perRank[1]!.computeMs = "fast";
    expect(() => classifyResult(plan, "bad-plan.json")).toThrow(UserError);
    expect(() => classifyResult(plan, "bad-plan.json")).toThrow(/bad-plan.json: invalid plan result[^]*at perRank\[1\]\.computeMs: .*found "fast"/);
    expect(() => classifyResult([1, 2], "list.json")).toThrow(/list.json: not a Strata result: .*found an array/);
  });
});
