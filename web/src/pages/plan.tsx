/** Plan: shard a DLRM over a cluster; per-rank bars and table, the rank x table heatmap, imbalance, reasons; infeasible plans say what is missing. */
import { useMemo, useState } from "preact/hooks";
import { rankBarsSvg, type PlanLike } from "../../../src/report/charts/rank-bars.js";
import { tableHeatmapSvg } from "../../../src/report/charts/table-heatmap.js";
import { planRankTable, planShardTable } from "../../../src/report/charts/tables.js";
import { postJson, type Catalog } from "../api.js";
import { Button, ChartBox, Cli, DataTable, ErrorBox, Section, Select, TextInput, useRun, WorkloadEditor } from "../components.js";
import { useWorkload } from "../workload.js";

type Plan = PlanLike & { hostBound: boolean; samplesPerSec: number };

/** The GPU of a cluster id: a catalog preset's, or the tail of `<hosts>x<gpus>-<gpu>`. */
const clusterGpu = (catalog: Catalog, id: string): string | undefined => catalog.clusters.find((c) => c.id === id)?.gpu ?? /^\d+x\d+-(.+)$/.exec(id)?.[1];

export function PlanPage({ catalog }: { catalog: Catalog }) {
  const w = useWorkload("dlrm-kaggle-b2048");
  const [cluster, setCluster] = useState("1x4-h100-sxm-80gb");
  const [strategy, setStrategy] = useState(catalog.strategies.includes("greedy") ? "greedy" : catalog.strategies[0] ?? "best");
  const [impl, setImpl] = useState("");
  const { busy, error, result, run } = useRun<Plan>();
  const go = () => run(() => postJson<Plan>("/api/plan", { workload: w.value(), cluster, strategy, ...(impl ? { implementation: impl } : {}) }));
  const capacity = catalog.gpus.find((g) => g.id === clusterGpu(catalog, cluster))?.hbmBytes;
  const charts = useMemo(() => (result ? {
    time: rankBarsSvg(result, { document, metric: "time" }),
    hbm: rankBarsSvg(result, { document, metric: "hbm", capacityBytes: capacity }),
    heat: tableHeatmapSvg(result, { document }),
  } : undefined), [result, capacity]);
  return (
    <>
      <h1>Plan</h1>
      <p>Shard the embedding tables over a cluster and predict the step of every rank: memory, compute and the communication left exposed.</p>
      <WorkloadEditor id="plan-workload" catalog={catalog} text={w.text} name={w.name} onChange={w.set} kinds="dlrm" />
      <div class="row">
        <TextInput id="plan-cluster" label="Cluster" value={cluster} onChange={setCluster} list={catalog.clusters.map((c) => c.id)} hint="a preset, or <hosts>x<gpus>-<gpu> such as 2x8-h100-sxm-80gb" />
        <Select id="plan-strategy" label="Strategy" value={strategy} onChange={setStrategy} options={catalog.strategies} />
        <Select id="plan-impl" label="Implementation" value={impl} onChange={setImpl} options={[{ id: "", label: "the workload's" }, ...catalog.implementations.map((i) => ({ id: i }))]} />
      </div>
      <Button id="plan-run" onClick={go} busy={busy}>Plan</Button>
      <ErrorBox error={error} />
      {result && charts ? (
        <>
          <Cli command={`strata plan ${w.name} --cluster ${cluster} --strategy ${strategy}${impl ? ` --implementation ${impl}` : ""} --json`} />
          {result.feasible ? (
            <p class="summary" data-testid="plan-summary">Feasible: step {result.stepMs.toFixed(3)} ms, {result.samplesPerSec.toLocaleString("en-US")} samples/s, embedding imbalance {(result.imbalance * 100).toFixed(1)}%{result.hostBound ? "; host-bound: more GPUs will not shrink the step" : ""} [{result.strategy}]</p>
          ) : (
            <div class="error" role="alert" data-testid="plan-summary"><strong>Infeasible</strong> [{result.strategy}]: {result.infeasibleReason ?? "the best plan found does not fit"}</div>
          )}
          <Section title="Per rank">
            <ChartBox chart={charts.time} testId="plan-rank-time" />
            <ChartBox chart={charts.hbm} testId="plan-rank-hbm" />
            <DataTable model={planRankTable(result as Parameters<typeof planRankTable>[0])} />
          </Section>
          <Section title="Tables over ranks">
            <ChartBox chart={charts.heat} testId="plan-heatmap" />
            <DataTable model={planShardTable(result as Parameters<typeof planShardTable>[0])} />
          </Section>
        </>
      ) : null}
    </>
  );
}
