/** strata plan WORKLOAD --cluster ID_OR_FILE: shard the tables over a cluster and predict the step. */
import type { Command } from "commander";
import { tracksToChromeTrace } from "../sim/chrome-trace.js";
import type { PlanResult } from "../shard/types.js";
import { readWorkload } from "./inputs.js";
import { STRATEGIES } from "../shard/planner.js";
import { table } from "../report/format.js";
import { SingleBar, Presets } from "cli-progress";
import { assertWritable } from "../io/output.js";
import { parsePositiveNumber, printJson, writeOutput } from "./run.js";
import { COMM_BYTES } from "../perf/collectives.js";
import { tableInfos } from "../shard/table-costs.js";
import { IMPLEMENTATIONS } from "../spec/workload.js";
import { addHostOptions, type HostFlags } from "./host-options.js";
import { planJson } from "../report/plan-json.js";
import { planInputs, runPlan } from "../commands/plan.js";

const ms = (us: number): number => Number((us / 1000).toFixed(4));

export function registerPlan(program: Command): void {
  const command = program
    .command("plan")
    .description("shard a DLRM's embedding tables over a cluster and predict its training step (ZionEX/Neo style)")
    .argument("<workload>", "workload file (hardware.cluster, or give --cluster)")
    .option("--cluster <id-or-file>", "cluster preset (see `strata clusters`) or a cluster file")
    .option("--strategy <name>", `planner: ${STRATEGIES.join(", ")}`, "best")
    .option("--implementation <id>", `software stack (overrides training.implementation): ${IMPLEMENTATIONS.join(", ")}`)
    .option("--comm-precision <dtype>", `embedding all-to-all precision (Neo's reduced-precision communication): ${Object.keys(COMM_BYTES).join(", ")} (default: the implementation's)`)
    .option("--milp-seconds <s>", "time limit of the MILP solver", parsePositiveNumber("--milp-seconds"))
    .option("--timeline <file>", "write every rank's compute and communication as a Chrome trace (ui.perfetto.dev)");
  addHostOptions(command, false)
    .option("--json", "print JSON")
    .action(async (file: string, opts: HostFlags & { cluster?: string; strategy: string; implementation?: string; commPrecision?: string; milpSeconds?: number; timeline?: string; json?: boolean }) => {
      const inputs = planInputs({ ...opts, workload: readWorkload(file), timeline: opts.timeline !== undefined }, file);
      const { workload: w, cluster: c } = inputs;
      if (opts.timeline) assertWritable(opts.timeline, "--timeline");
      const progress = stageProgress();
      const p = await runPlan(inputs, progress.stage).finally(progress.stop);
      if (opts.timeline) writeTimeline(opts.timeline, `${w.name} on ${c.id}`, p);
      if (opts.json) {
        return printJson(planJson(p));
      }
      const tables = tableInfos(w);
      const counts = new Map<string, number>();
      for (const s of p.shards) counts.set(s.type, (counts.get(s.type) ?? 0) + 1);
      const out = [
        p.feasible
          ? `${w.name} on ${c.id} (${c.ranks} x ${c.gpu}): feasible, step ${ms(p.stepUs).toFixed(2)} ms, ${Math.round(p.samplesPerSec).toLocaleString("en-US")} samples/s, embedding imbalance ${(p.imbalance * 100).toFixed(1)}% [${p.strategy}]`
          : `${w.name} on ${c.id} (${c.ranks} x ${c.gpu}): INFEASIBLE, no step time: the best plan found does not fit [${p.strategy}]`,
        ...(p.infeasibleReason ? [`  ${p.infeasibleReason}`] : []),
        ...(p.feasible && p.hostBound ? ["  host-bound: the slowest rank's host overheads take longer than its kernels, so more GPUs will not shrink the step (a faster host, CUDA graphs or a fused stack such as --implementation torchrec would)"] : []),
        `  sharding: ${[...counts].map(([k, v]) => `${v} ${k}`).join(", ")}`,
        "",
        table(["rank", "HBM GB", "embedding ms", "dense ms", "compute ms", "exposed comm ms", "a2a send MB"],
          p.perRank.slice(0, 16).map((r) => [String(r.rank), (r.hbmBytes / 1e9).toFixed(2), ms(r.embeddingUs).toFixed(3), ms(r.denseUs).toFixed(3), ms(r.computeUs).toFixed(3), ms(r.commUs).toFixed(3), (r.a2aSendBytes / 1e6).toFixed(1)]),
          [true, true, true, true, true, true, true]),
        p.perRank.length > 16 ? `  (${p.perRank.length - 16} more ranks; --json for all)` : "",
        "",
        "Largest tables and why they got their sharding:",
        table(["table", "rows", "dim", "pooling", "GB", "type", "ranks", "why"],
          p.shards.map((s, i) => ({ s, why: p.why?.[i] ?? "" })).sort((a, b) => tables[b.s.table]!.bytes - tables[a.s.table]!.bytes).slice(0, 8).map(({ s, why }) => {
            const t = tables[s.table]!;
            return [String(t.index), String(t.rows), String(t.dim), String(t.pooling), (t.bytes / 1e9).toFixed(2), s.type, s.ranks.length > 4 ? `${s.ranks.length} ranks` : s.ranks.join(","), why];
          }), [true, true, true, true, true, false, false, false]),
      ];
      process.stdout.write(out.filter((l, i, a) => l !== "" || a[i - 1] !== "").join("\n") + "\n");
    });
}

/** On a terminal, which strategy (or solver stage) the planner is on, and how many are done. */
function stageProgress(): { stage: (name: string) => void; stop: () => void } {
  if (!process.stderr.isTTY) return { stage: () => {}, stop: () => {} };
  const bar = new SingleBar({ format: "planning | {value} done | now: {stage} | {duration}s", hideCursor: true, stream: process.stderr }, Presets.shades_classic);
  let started = false;
  return {
    stage: (name) => {
      if (!started) bar.start(0, 0, { stage: name });
      else bar.increment(1, { stage: name });
      started = true;
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}

/** Every rank's host thread and streams (compute, embedding communication, all-reduce) as Chrome-trace tracks. */
function writeTimeline(file: string, name: string, p: PlanResult): void {
  const streamName = ["compute", "embedding comm", "all-reduce"];
  const label = (r: number, track: string): string => `rank ${String(r).padStart(3)} ${track === "host" ? "host" : streamName[Number(track.slice(7))] ?? track}`;
  const timelines = p.timelines ?? [];
  const events = timelines.flatMap((events, r) => events.map((e) => ({ track: label(r, e.track), name: e.name, cat: `${e.kind},${e.category}`, startUs: e.startUs, durUs: e.durUs })));
  const order = timelines.flatMap((_, r) => ["host", "stream 0", "stream 1", "stream 2"].map((t) => label(r, t)));
  writeOutput(file, JSON.stringify(tracksToChromeTrace(name, events, { stepMs: p.stepUs / 1000, strategy: p.strategy }, order)) + "\n");
}
