/** Issue 13's defects, each pinned by a test: bad input is refused clearly, nothing is lost, one command line. */
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveCluster } from "../src/catalog/clusters.js";
import { assertNotInput, writeTextAtomic } from "../src/io/output.js";
import { UserError } from "../src/spec/errors.js";
import { loadWorkload } from "../src/spec/load.js";
import { collectSamples } from "../src/trace/calibrate.js";
import { readKinetoTrace } from "../src/trace/read-kineto.js";
import { example, strata } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "strata-defects-"));
const kaggle = JSON.parse(readFileSync(example("dlrm-kaggle-b2048"), "utf8"));
const file = (name: string, doc: unknown): string => {
  const f = join(dir, name);
  writeFileSync(f, typeof doc === "string" ? doc : JSON.stringify(doc));
  return f;
};
const withEdit = (edit: (w: typeof kaggle) => void) => {
  const w = structuredClone(kaggle);
  edit(w);
  return w;
};

describe("outputs are never lost (1)", () => {
  it("an output that is an input, under another spelling or through a link, is refused before writing", () => {
    const input = file("in.json", kaggle);
    const link = join(dir, "link.json");
    symlinkSync(input, link);
    expect(() => assertNotInput(join(dir, ".", "in.json"), [input])).toThrow(/is the input/);
    expect(() => assertNotInput(link, [input])).toThrow(UserError);
    expect(() => assertNotInput(join(dir, "other.json"), [input])).not.toThrow();
    const r = strata(["timeline", input, "-o", link]);
    expect(r.code).toBe(2);
    expect(readFileSync(input, "utf8")).toBe(JSON.stringify(kaggle));
  });

  it("writes replace the file whole (temporary file and rename)", () => {
    const out = join(dir, "atomic.txt");
    writeTextAtomic(out, "first");
    writeTextAtomic(out, "second");
    expect(readFileSync(out, "utf8")).toBe("second");
  });
});

describe("numbers with no sane meaning are refused (2, 4, 7)", () => {
  it("pooling of 1.7e308, rows beyond 1e12, a batch of 2^31 are schema errors naming the field", () => {
    const r = strata(["predict", file("pool.json", withEdit((w) => (w.model.tables[0].pooling = 1.7e308))), "--json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/model\.tables\[0\]\.pooling/);
    expect(() => loadWorkload(file("rows.json", withEdit((w) => (w.model.tables[0].rows = 1e13))))).toThrow(/rows/);
    expect(() => loadWorkload(file("batch.json", withEdit((w) => (w.training.batchSize = 2 ** 31))))).toThrow(/batchSize/);
  });

  it("a cluster of 20,000 hosts is refused with the bound, not a stack overflow", () => {
    expect(() => resolveCluster("20000x8-h100-sxm-80gb")).toThrow(/1 to 4096/);
    expect(() => resolveCluster("1024x8-h100-sxm-80gb")).toThrow(/at most 4096 ranks/);
  });

  it("unknown fields are typos with a suggestion; embeddingDim must match the bottom MLP; predict does not ignore hardware.count", () => {
    expect(() => loadWorkload(file("typo.json", withEdit((w) => (w.training.optimiser = "sgd"))))).toThrow(/training\.optimiser: unknown field; did you mean "optimizer"\?/);
    expect(() => loadWorkload(file("dim.json", withEdit((w) => (w.model.embeddingDim = 32))))).toThrow(/bottomMlp\[4\]: the bottom MLP's last width must equal embeddingDim \(32\)/);
    const r = strata(["predict", file("count.json", withEdit((w) => (w.hardware = { gpu: "h100-sxm-80gb", count: 8 })))]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/hardware\.count.*strata plan FILE --cluster 1x8-h100-sxm-80gb/);
  });

  it("an unknown GPU inside a workload names the file and the field", () => {
    const f = file("gpu.json", withEdit((w) => (w.hardware = { gpu: "h900" })));
    const r = strata(["predict", f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${f}: at hardware.gpu: unknown GPU "h900"`);
  });
});

describe("traces (5, 6, 11)", () => {
  const step = { ph: "X", name: "ProfilerStep#1", cat: "user_annotation", pid: 1, tid: 1, ts: 0, dur: 100 };
  it("calibrating on a trace without ProfilerStep is an error, not an all-zero table", async () => {
    const f = file("nostep.json", { traceEvents: [{ ph: "X", name: "aten::add", cat: "cpu_op", pid: 1, tid: 1, ts: 0, dur: 5 }] });
    await expect(collectSamples([f])).rejects.toThrow(/no ProfilerStep#N/);
  });

  it("negative durations are refused", async () => {
    const f = file("neg.json", { traceEvents: [step, { ph: "X", name: "aten::add", cat: "cpu_op", pid: 1, tid: 1, ts: 1, dur: -5 }] });
    await expect(readKinetoTrace(f)).rejects.toThrow(/traceEvents\[1\]\.dur: expected a duration >= 0 us, found -5/);
  });

  it("random bytes named .kineto.json.gz say they are not gzip; plain non-JSON says so", async () => {
    await expect(readKinetoTrace(file("r.kineto.json.gz", "MZ\u0090random bytes"))).rejects.toThrow(/not gzip-compressed/);
    await expect(readKinetoTrace(file("r.kineto.json", "MZ random"))).rejects.toThrow(/not a JSON document/);
    const gz = join(dir, "ok.json.gz");
    writeFileSync(gz, gzipSync(JSON.stringify({ traceEvents: [step] })));
    expect((await readKinetoTrace(gz)).events).toHaveLength(1);
  });
});

describe("one command line (11-17)", () => {
  it("preset --tables 2.5 is refused; preset lists with --json; -o/--out writes the file", () => {
    expect(strata(["preset", "random", "--tables", "2.5"]).code).toBe(2);
    expect(JSON.parse(strata(["preset", "--json"]).stdout).presets).toContain("random");
    const out = join(dir, "preset.json");
    expect(strata(["preset", "random", "--tables", "4", "-o", out]).code).toBe(0);
    expect(JSON.parse(readFileSync(out, "utf8")).model.tables).toHaveLength(4);
    expect(strata(["preset", "random", "--tables", "4", "--out", join(dir, "p2.json")]).code).toBe(0);
  });

  it("import dlrm-args says which defaults it filled in, and writes -o", () => {
    const out = join(dir, "imp.json");
    const r = strata(["import", "dlrm-args", "--arch-sparse-feature-size=16 --arch-embedding-size=100-100 --arch-mlp-bot=13-16 --arch-mlp-top=8-1", "-o", out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/filled in the reference's defaults: --num-indices-per-lookup=10, --mini-batch-size=1/);
    expect(JSON.parse(readFileSync(out, "utf8")).model.tables).toHaveLength(2);
  });

  it("clusters and demo print JSON; the catalog labels GiB; usage errors start with strata:", () => {
    expect(JSON.parse(strata(["clusters", "--json"]).stdout).clusters.length).toBeGreaterThan(3);
    expect(strata(["catalog"]).stdout).toMatch(/HBM GiB/);
    const bad = strata(["predict", "--no-such-flag", example("dlrm-kaggle-b2048")]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^strata: /);
  });

  it("plan: a narrow table's reason, host-bound verdict, no step for an infeasible plan, --timeline checked first, per-rank JSON columns", () => {
    const ex = example("dlrm-kaggle-b2048");
    const text = strata(["plan", ex, "--cluster", "1x2-h100-sxm-80gb", "--strategy", "column-wise"]).stdout;
    expect(text).not.toMatch(/split over 1 ranks/);
    expect(text).toMatch(/host-bound/);
    const bad = strata(["plan", ex, "--cluster", "1x2-h100-sxm-80gb", "--timeline", join(dir, "no", "such", "t.json")]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--timeline .*cannot write there/);
    const j = JSON.parse(strata(["plan", ex, "--cluster", "1x2-h100-sxm-80gb", "--json"]).stdout);
    expect(j.hostBound).toBe(true);
    expect(Object.keys(j.perRank[0])).toEqual(expect.arrayContaining(["embeddingMs", "denseMs", "computeMs", "commMs", "a2aSendBytes", "hbmBytes"]));
    const huge = file("huge.json", withEdit((w) => (w.model.tables = Array.from({ length: 26 }, () => ({ rows: 4e9, pooling: 1 })))));
    const inf = strata(["plan", huge, "--cluster", "1x2-h100-sxm-80gb", "--strategy", "greedy"]);
    expect(inf.stdout).toMatch(/INFEASIBLE, no step time/);
    expect(inf.stdout).not.toMatch(/step \d/);
  });
});
