/**
 * The one DLRM step model (src/dlrm-step.ts) behind `strata predict` and `strata plan`: plan on
 * one GPU equals predict, the planner's surrogate against the evaluator on random plans, golden
 * timelines per implementation profile, and the CLI's contracts for fit, presets and bad input.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { resolveCluster, type Cluster } from "../src/catalog/clusters.js";
import { getImplementation } from "../src/catalog/implementations.js";
import { randomDlrm } from "../src/catalog/dlrm-presets.js";
import { predictWorkload } from "../src/predict.js";
import { planContext } from "../src/shard/context.js";
import { evaluatePlan } from "../src/shard/evaluate.js";
import { planSharding } from "../src/shard/planner.js";
import { all, DP_MAX_BYTES, dataParallel, hostRanks, rowWise, tableWise } from "../src/shard/shards.js";
import { tableInfos, type TableInfo } from "../src/shard/table-costs.js";
import type { Shard } from "../src/shard/types.js";
import type { TimelineEvent } from "../src/sim/simulate.js";
import { Workload, type DlrmWorkload } from "../src/spec/workload.js";
import { example, golden, ROOT } from "./helpers.js";

const PROFILES = ["reference", "torchrec", "hugectr"] as const;
const EXAMPLES = ["dlrm-benchmark-b2048", "dlrm-kaggle-b2048", "dlrm-terabyte-b8192"] as const;

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** helpers.ts's `strata`, asynchronous: each CLI start-up costs ~1-2 s, so they all run at once. */
function strataAsync(args: string[]): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", `${ROOT}src/cli/main.ts`, ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const tmp = mkdtempSync(join(tmpdir(), "strata-step-model-"));
const dcnv2File = join(tmp, "dcnv2.json");
const kaggle = example("dlrm-kaggle-b2048");
/** Every command line this file runs, started before the first test (they overlap the in-process tests). */
let cli: Record<"plan" | "predict" | "fits" | "preset" | "presetPredict" | "nopePredict" | "nopePlan" | "batch0", Promise<CliRun>>;
beforeAll(() => {
  const preset = strataAsync(["preset", "mlperf-dlrm-dcnv2", "--batch", "55296"]);
  cli = {
    plan: strataAsync(["plan", kaggle, "--cluster", "1x1-h100-sxm-80gb", "--implementation", "torchrec", "--json"]),
    predict: strataAsync(["predict", kaggle, "--implementation", "torchrec", "--json"]),
    fits: strataAsync(["predict", kaggle, "--json"]),
    preset,
    // The preset names a cluster: predict it on one GPU from a file.
    presetPredict: preset.then((r) => {
      writeFileSync(dcnv2File, r.stdout);
      return strataAsync(["predict", dcnv2File, "--gpu", "h100-sxm-80gb", "--json"]);
    }),
    nopePredict: strataAsync(["predict", kaggle, "--implementation", "nope", "--json"]),
    nopePlan: strataAsync(["plan", kaggle, "--cluster", "1x1-h100-sxm-80gb", "--implementation", "nope", "--json"]),
    batch0: strataAsync(["preset", "mlperf-dlrm-dcnv2", "--batch", "0"]),
  };
  // Settle them all before the temporary folder goes, whatever the tests saw.
  return async () => {
    await Promise.allSettled(Object.values(cli));
    rmSync(tmp, { recursive: true, force: true });
  };
});

const loadExample = (name: string): DlrmWorkload => Workload.parse(JSON.parse(readFileSync(example(name), "utf8"))) as DlrmWorkload;

describe("plan equals predict on one GPU", () => {
  const one = resolveCluster("1x1-h100-sxm-80gb");
  for (const name of EXAMPLES) {
    for (const implementation of PROFILES) {
      it(`${name} under ${implementation}`, async () => {
        const w = loadExample(name);
        const plan = await planSharding(w, one, "best", { implementation });
        const predicted = predictWorkload(w, { gpu: "h100-sxm-80gb", implementation }).train.stepUs;
        expect(predicted).toBeGreaterThan(0);
        expect(Math.abs(plan.stepUs / predicted - 1)).toBeLessThan(0.01);
      });
    }
  }

  it("through the CLI: strata plan --json stepMs matches strata predict --json trainStepMs", async () => {
    const [plan, predict] = await Promise.all([cli.plan, cli.predict]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(predict.code, predict.stderr).toBe(0);
    const planMs: number = JSON.parse(plan.stdout).stepMs;
    const predictMs: number = JSON.parse(predict.stdout).results[0].trainStepMs;
    expect(predictMs).toBeGreaterThan(0);
    expect(Math.abs(planMs / predictMs - 1)).toBeLessThan(0.01);
  });
});

describe("the planner's surrogate against the evaluator", () => {
  const clusters = ["1x8-h100-sxm-80gb", "2x8-h100-sxm-80gb"].map(resolveCluster);
  const PLANS_PER_RUN = 5;
  const MAX_TABLES = 30;

  /** One table's shard from a random choice: table-wise on a rank, row-wise over all, table-row-wise on a host, or replicated if small. */
  function shardOf(c: Cluster, t: TableInfo, kind: number, pick: number): Shard {
    if (kind === 1) return rowWise(t, all(c.ranks));
    if (kind === 2) return rowWise(t, hostRanks(c.gpusPerHost, pick % c.hosts), "table-row-wise");
    if (kind === 3 && t.bytes <= DP_MAX_BYTES) return dataParallel(t, c.ranks);
    return tableWise(t, pick % c.ranks);
  }

  const choice = fc.tuple(fc.integer({ min: 0, max: 3 }), fc.nat());
  const plansArb = fc.array(fc.array(choice, { minLength: MAX_TABLES, maxLength: MAX_TABLES }), { minLength: PLANS_PER_RUN, maxLength: PLANS_PER_RUN });
  interface Case {
    seed: number;
    tables: number;
    cluster: Cluster;
    implementation: string;
    plans: Array<Array<[number, number]>>;
  }
  const caseArb: fc.Arbitrary<Case> = fc.record({
    seed: fc.integer({ min: 1, max: 1e6 }),
    tables: fc.integer({ min: 4, max: MAX_TABLES }),
    cluster: fc.constantFrom(...clusters),
    implementation: fc.constantFrom("torchrec", "hugectr"),
    plans: plansArb,
  });

  /** [surrogate, evaluator] step of each random plan of one case. */
  function steps(k: Case): Array<[number, number]> {
    const w = Workload.parse(randomDlrm(k.seed, k.tables, 4096)) as DlrmWorkload;
    const ctx = planContext(w, k.cluster, { implementation: k.implementation });
    return k.plans.map((choices) => {
      const shards = ctx.tables.map((t, i) => shardOf(k.cluster, t, choices[i]![0], choices[i]![1]));
      return [ctx.surrogateStepUs(shards), ctx.evaluate(shards, "x").stepUs];
    });
  }

  const SEED = 20240611;
  const RUNS = 30;

  it("stays within a stated band of the evaluator and ranks plans like it", () => {
    // Measured with this generator on 16 other fast-check seeds x 30 runs x 5 plans: s/e from
    // 0.82 to 1.29 (this seed: 0.81-1.22). Above 1: the surrogate ignores the overlap of the all-to-all
    // with the bottom MLP and adds embeddings to a host-bound base step. Below 1 (hugectr
    // mostly): it takes the max over ranks of (embedding + all-to-all) where the evaluator's
    // collectives join all ranks, ~max(embedding) + max(all-to-all), when the busiest lookup rank
    // is not the biggest sender. Asserted band, with margin: 0.7 <= s/e <= 1.5.
    const pairs: Array<[[number, number], [number, number]]> = [];
    fc.assert(
      fc.property(caseArb, (k) => {
        const se = steps(k);
        for (const [s, e] of se) {
          expect(e).toBeGreaterThan(0);
          expect(s / e).toBeGreaterThanOrEqual(0.7);
          expect(s / e).toBeLessThanOrEqual(1.5);
        }
        for (let a = 0; a < se.length; a++) for (let b = a + 1; b < se.length; b++) pairs.push([se[a]!, se[b]!]);
      }),
      { seed: SEED, numRuns: RUNS },
    );
    // Kendall-style agreement: of the pairs of plans (same workload and cluster) the evaluator
    // tells apart, the fraction the surrogate orders the same way. Torchrec steps are often
    // host-bound, so the evaluator gives many plans the very same step (ties, ~1/3 of pairs;
    // left out). Measured on the 16 seeds: 0.71-0.86 over all untied pairs (this seed 0.84 of
    // 212), 0.81-1.0 where the evaluator's steps differ by more than 5% (this seed 0.92 of 107).
    // Asserted: >= 0.7 and >= 0.8.
    const agreement = (minGap: number): number => {
      let same = 0;
      let apart = 0;
      for (const [[s1, e1], [s2, e2]] of pairs) {
        if (Math.abs(e1 - e2) <= minGap * Math.max(e1, e2) || e1 === e2) continue;
        apart++;
        if ((s1 - s2) * (e1 - e2) > 0) same++;
      }
      expect(apart).toBeGreaterThan(30);
      return same / apart;
    };
    expect(agreement(0)).toBeGreaterThanOrEqual(0.7);
    expect(agreement(0.05)).toBeGreaterThanOrEqual(0.8);
  });

  // src/shard/context.ts documents surrogateStepUs as "an upper bound that ignores the overlap of
  // the all-to-all with the bottom MLP"; it is not one: hugectr plans on 2x8-h100-sxm-80gb reach
  // s/e ~0.81 (e.g. a random plan of randomDlrm(327002, 14, 4096): surrogate 416.8 us vs
  // evaluator 505.4 us; the rank with the most lookups, 144.6 us + 18.9 us of all-to-all, is not
  // the one sending the most, 100.5 us, and the evaluator's collective waits for both). Fails until the surrogate (or its
  // comment) changes; then make this a plain test or drop it.
  it.fails("is an upper bound of the evaluator (as its comment says)", () => {
    fc.assert(
      fc.property(caseArb, (k) => {
        for (const [s, e] of steps(k)) expect(s).toBeGreaterThanOrEqual(e * 0.999);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
  });
});

describe("golden timelines", () => {
  /** Four tables, batch 2048, on one H100. */
  const small = Workload.parse({
    name: "step-model-4t",
    model: {
      kind: "dlrm",
      bottomMlp: [13, 32],
      topMlp: [32, 1],
      embeddingDim: 32,
      tables: [{ rows: 100_000, pooling: 4 }, { rows: 20_000, pooling: 1 }, { rows: 500_000, pooling: 8 }, { rows: 5_000, pooling: 2 }],
    },
    training: { batchSize: 2048 },
    hardware: { gpu: "h100-sxm-80gb", count: 1 },
  }) as DlrmWorkload;

  const r3 = (x: number): number => Math.round(x * 1000) / 1000;
  type Row = [track: string, name: string, startUs: number, durUs: number];
  const rows = (events: TimelineEvent[]): Row[] => events.filter((e) => e.kind === "kernel" || e.kind === "op").map((e) => [e.track, e.name, r3(e.startUs), r3(e.durUs)]);
  /** One event a line, so a diff shows which moved. */
  const render = (tracks: Row[][]): string =>
    `{"columns": ["track", "name", "startUs", "durUs"], "ranks": [\n${tracks.map((t) => `[\n${t.map((r) => JSON.stringify(r)).join(",\n")}\n]`).join(",\n")}\n]}\n`;

  function goldenTimeline(name: string, actual: string): void {
    golden(name, actual);
    expect(actual.length).toBeLessThan(16_000);
  }

  for (const implementation of PROFILES) {
    it(`single-GPU step under ${implementation}`, () => {
      const timeline = predictWorkload(small, { implementation, recordTimeline: true }).train.timeline;
      const tl = rows(timeline);
      expect(tl.length).toBeGreaterThan(0);
      expect(tl.every(([track]) => track === "host" || track === "stream 0")).toBe(true);
      if (implementation === "hugectr") {
        // One captured CUDA graph: the host launches it once and pays nothing per op.
        const host = timeline.filter((e) => e.track === "host" && e.kind === "op");
        expect(host.filter((e) => e.name === "cudaGraphLaunch")).toHaveLength(1);
        expect(host.filter((e) => e.name !== "cudaGraphLaunch").every((e) => e.durUs === 0)).toBe(true);
      }
      goldenTimeline(`timeline-${implementation}.json`, render([tl]));
    });
  }

  it("two-rank table-wise plan under torchrec: collectives on their own streams", () => {
    const c = resolveCluster("1x2-h100-sxm-80gb");
    const t = tableInfos(small);
    const shards = [tableWise(t[0]!, 0), tableWise(t[1]!, 1), tableWise(t[2]!, 1), tableWise(t[3]!, 0)];
    const p = evaluatePlan(small, c, getImplementation("torchrec"), shards, "fixed", { timeline: true });
    expect(p.timelines).toHaveLength(2);
    for (const tl of p.timelines!) {
      const kernels = tl.filter((e) => e.kind === "kernel");
      expect(kernels.some((e) => e.track === "stream 1" && e.name.includes("all-to-all"))).toBe(true);
      expect(kernels.some((e) => e.track === "stream 2" && e.name.includes("all-reduce"))).toBe(true);
      // Nothing but collectives off the compute stream.
      for (const e of kernels) if (e.track !== "stream 0") expect(e.name).toMatch(/all-to-all|all-reduce/);
    }
    goldenTimeline("timeline-torchrec-2rank.json", render(p.timelines!.map(rows)));
  });
});

describe("CLI contracts", () => {
  it("predict --json says a bundled example fits", async () => {
    const r = await cli.fits;
    expect(r.code, r.stderr).toBe(0);
    const results = JSON.parse(r.stdout).results;
    expect(results).toHaveLength(1);
    expect(results[0].fits).toBe(true);
    expect(results[0]).not.toHaveProperty("fitReason");
  });

  it("the MLPerf DCNv2 preset at NVIDIA's 1 x 8 batch, and on one H100 it does not fit", async () => {
    const r = await cli.preset;
    expect(r.code, r.stderr).toBe(0);
    const w = JSON.parse(r.stdout);
    expect(w.training.batchSize).toBe(55296);
    expect(w.model.interaction).toBe("dcnv2");
    expect(w.model.cross).toEqual({ layers: 3, rank: 512 });
    expect(w.model.tables).toHaveLength(26);
    expect(w.training.implementation).toBe("hugectr");
    expect(w.training.optimizer).toBe("adagrad");
    const p = await cli.presetPredict;
    expect(p.code, p.stderr).toBe(0);
    const result = JSON.parse(p.stdout).results[0];
    expect(result.fits).toBe(false);
    expect(result.fitReason).toMatch(/needs [\d.]+ GB.*h100-sxm-80gb/);
  });

  it("an unknown implementation is a usage error (exit 2) naming the choices", async () => {
    for (const r of await Promise.all([cli.nopePredict, cli.nopePlan])) {
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/unknown implementation "nope".*reference, torchrec, hugectr/);
      expect(r.stdout).toBe("");
    }
  });

  it("--batch 0 is a usage error (exit 2)", async () => {
    const r = await cli.batch0;
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--batch: expected a positive integer, found "0"/);
    expect(r.stdout).toBe("");
  });
});
