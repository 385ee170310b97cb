/** Predict: a workload on one or more GPUs and implementations; where the step's time goes, its timeline, the trace to download. */
import { useMemo, useState } from "preact/hooks";
import type { PredictionJson } from "../../../src/report/prediction.js";
import { stepBarSvg, stepPartsFromTimeline, stepPartsWithPrediction } from "../../../src/report/charts/step-bar.js";
import { predictTable } from "../../../src/report/charts/tables.js";
import type { ChromeTraceLike } from "../../../src/report/charts/timeline.js";
import { postJson, type Catalog } from "../api.js";
import { Button, ChartBox, Checkboxes, Cli, DataTable, Download, ErrorBox, Section, Select, useRun, WorkloadEditor } from "../components.js";
import { TimelineView } from "../timeline-view.js";
import { useWorkload } from "../workload.js";
import { openInPerfetto } from "../perfetto.js";

interface Run {
  gpu: string;
  implementation: string;
  prediction: PredictionJson;
  trace: ChromeTraceLike;
}

export function PredictPage({ catalog }: { catalog: Catalog }) {
  const w = useWorkload("dlrm-kaggle-b2048");
  const [gpus, setGpus] = useState<string[]>(["h100-sxm-80gb"]);
  const [impls, setImpls] = useState<string[]>(["reference"]);
  const [host, setHost] = useState(catalog.referenceHost);
  const [shown, setShown] = useState(0);
  const { busy, error, result, run } = useRun<Run[]>();

  const go = () => run(async () => {
    const workload = w.value();
    const combos = gpus.flatMap((gpu) => impls.map((implementation) => ({ gpu, implementation })));
    if (!combos.length) throw new Error("pick at least one GPU and one implementation");
    const hostFlag = host === catalog.referenceHost ? {} : { host };
    setShown(0);
    return Promise.all(combos.map(async ({ gpu, implementation }) => {
      // The timeline is the workload's own implementation: set it in the workload for that run.
      const withImpl = { ...workload, training: { ...(workload.training as object), implementation } };
      const [p, trace] = await Promise.all([
        postJson<{ results: PredictionJson[] }>("/api/predict", { workloads: [workload], gpu, implementation, ...hostFlag }),
        postJson<ChromeTraceLike>("/api/timeline", { workload: withImpl, gpu, ...hostFlag }),
      ]);
      return { gpu, implementation, prediction: p.results[0]!, trace };
    }));
  });

  const bar = useMemo(() => (result ? stepBarSvg(result.map((r) => stepPartsWithPrediction(stepPartsFromTimeline(r.trace, `${r.gpu} · ${r.implementation}`), r.prediction)), { document }) : undefined), [result]);
  const hostFlag = host === catalog.referenceHost ? "" : ` --host ${host}`;
  const current = result?.[shown];
  return (
    <>
      <h1>Predict</h1>
      <p>One DLRM training step on the GPUs and software stacks you pick: the predicted step, where its time goes, and the timeline of the host thread and GPU streams.</p>
      <WorkloadEditor id="predict-workload" catalog={catalog} text={w.text} name={w.name} onChange={w.set} kinds="dlrm" />
      <div class="row">
        <Checkboxes id="predict-gpu" legend="GPUs to compare" options={catalog.gpus.map((g) => g.id)} values={gpus} onChange={setGpus} />
        <Checkboxes id="predict-impl" legend="Implementations" options={catalog.implementations} values={impls} onChange={setImpls} />
        <Select id="predict-host" label="Host CPU" value={host} onChange={setHost} options={catalog.hosts.map((h) => h.id)} hint="the calibration host, or a catalog host (a range)" />
      </div>
      <Button id="predict-run" onClick={go} busy={busy}>Predict</Button>
      <ErrorBox error={error} />
      {result ? (
        <>
          <Cli command={gpus.flatMap((g) => impls.map((i) => `strata predict ${w.name} --gpu ${g} --implementation ${i}${hostFlag} --json`)).join("; ")} />
          <Section title="Where the time goes">
            <ChartBox chart={bar} testId="predict-step-bar" />
            <DataTable model={predictTable({ results: result.map((r) => r.prediction) } as unknown as Parameters<typeof predictTable>[0])} />
          </Section>
          <Section title="Timeline">
            {result.length > 1 ? <Select id="predict-timeline-of" label="Timeline of" value={String(shown)} onChange={(v) => setShown(Number(v))} options={result.map((r, i) => ({ id: String(i), label: `${r.gpu} · ${r.implementation}` }))} /> : null}
            {current ? (
              <>
                <TimelineView key={shown} trace={current.trace} id="predict-timeline" />
                <div class="row">
                  <Download data={JSON.stringify(current.trace)} file={`${current.prediction.name}-${current.gpu}-${current.implementation}.trace.json`}>Download the Chrome trace</Download>
                  <a class="button plain" href="https://ui.perfetto.dev/" target="_blank" onClick={(e) => { e.preventDefault(); openInPerfetto(current.trace, `${current.prediction.name} on ${current.gpu}`); }}>Open in Perfetto (online)</a>
                </div>
                <Cli command={`strata timeline ${w.name} --gpu ${current.gpu}${hostFlag} -o step.json`} />
              </>
            ) : null}
          </Section>
        </>
      ) : null}
    </>
  );
}
