/** Tiers: embedding tables over HBM, DRAM, CXL, PMem and SSD behind caches; nodes and power against a baseline. */
import { useMemo, useState } from "preact/hooks";
import { tierBaselineSvg } from "../../../src/report/charts/tier-baseline.js";
import { tierTablesSvg, type TierLike } from "../../../src/report/charts/tier-tables.js";
import { tierTable } from "../../../src/report/charts/tables.js";
import { postJson, type Catalog } from "../api.js";
import { Button, ChartBox, Cli, DataTable, ErrorBox, NumberInput, Section, Select, useRun, WorkloadEditor } from "../components.js";
import { useWorkload } from "../workload.js";

type Tier = TierLike & { mode: string; powerSavingPercent: number; stepMs?: number; p99Ms?: number; baselineStepMs?: number; baselineP99Ms?: number; access: string };

export function TiersPage({ catalog }: { catalog: Catalog }) {
  const w = useWorkload("zionex-scale");
  const nodes = catalog.nodes.map((n) => n.id);
  const [node, setNode] = useState(nodes.includes("mtrains-a100") ? "mtrains-a100" : nodes[0] ?? "");
  const [baseline, setBaseline] = useState(nodes.includes("zionex-a100") ? "zionex-a100" : "");
  const [mode, setMode] = useState("train");
  const [targetStepMs, setTarget] = useState(2500);
  const [qps, setQps] = useState(200);
  const [p99Ms, setP99] = useState(5000);
  const [policy, setPolicy] = useState("");
  const { busy, error, result, run } = useRun<Tier>();
  const body = () => ({ workload: w.value(), node, mode, ...(baseline ? { baselineNode: baseline } : {}), ...(mode === "train" ? { targetStepMs } : { qps, p99Ms }), ...(policy ? { policy } : {}) });
  const go = () => run(() => postJson<Tier>("/api/tier", body()));
  const charts = useMemo(() => (result ? { base: tierBaselineSvg(result, { document }), tables: tierTablesSvg(result, { document }) } : undefined), [result]);
  const flags = `--node ${node}${baseline ? ` --baseline-node ${baseline}` : ""} --mode ${mode} ${mode === "train" ? `--target-step-ms ${targetStepMs}` : `--qps ${qps} --p99-ms ${p99Ms}`}${policy ? ` --policy ${policy}` : ""}`;
  return (
    <>
      <h1>Tiers</h1>
      <p>Where each embedding table lives (its home tier) and what it caches in HBM and DRAM, the hit rates, and the nodes and power that meet the target, against a baseline node.</p>
      <WorkloadEditor id="tier-workload" catalog={catalog} text={w.text} name={w.name} onChange={w.set} kinds="dlrm" />
      <div class="row">
        <Select id="tier-node" label="Node" value={node} onChange={setNode} options={catalog.nodes} />
        <Select id="tier-baseline" label="Baseline node" value={baseline} onChange={setBaseline} options={[{ id: "", label: "the node with only HBM and DRAM" }, ...catalog.nodes.map((n) => ({ id: n.id }))]} />
        <Select id="tier-mode" label="Mode" value={mode} onChange={setMode} options={["train", "infer"]} />
        {mode === "train" ? (
          <NumberInput id="tier-target" label="Target step ms" value={targetStepMs} onChange={setTarget} min={0} />
        ) : (
          <>
            <NumberInput id="tier-qps" label="Queries per second" value={qps} onChange={setQps} min={0} />
            <NumberInput id="tier-p99" label="p99 latency ms" value={p99Ms} onChange={setP99} min={0} />
          </>
        )}
        <Select id="tier-policy" label="Cache policy" value={policy} onChange={setPolicy} options={[{ id: "", label: "set-lru (train), lru (infer)" }, ...catalog.tierPolicies.map((p) => ({ id: p }))]} />
      </div>
      <Button id="tier-run" onClick={go} busy={busy}>Place tables</Button>
      <ErrorBox error={error} />
      {result && charts ? (
        <>
          <Cli command={`strata tier ${w.name} ${flags} --json`} />
          <p class="summary" data-testid="tier-summary">
            {result.node} ({result.mode}): {result.feasible ? "feasible" : `INFEASIBLE${result.reason ? `: ${result.reason}` : ""}`}, {result.nodes} node(s), {(result.powerW / 1000).toFixed(1)} kW
            {result.stepMs !== undefined ? `, step ${result.stepMs.toFixed(2)} ms` : ""}{result.p99Ms !== undefined ? `, p99 ${result.p99Ms.toFixed(2)} ms` : ""}; power saving against {result.baselineNode}: {result.powerSavingPercent.toFixed(1)}%; hit rates from the {result.access} access model
          </p>
          <Section title="Nodes and power against the baseline"><ChartBox chart={charts.base} testId="tier-baseline" /></Section>
          <Section title="Tables: home tier and caches">
            <ChartBox chart={charts.tables} testId="tier-tables" />
            <DataTable model={tierTable(result as unknown as Parameters<typeof tierTable>[0])} />
          </Section>
        </>
      ) : null}
    </>
  );
}
