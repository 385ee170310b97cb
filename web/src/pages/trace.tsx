/** Trace: a Kineto trace uploaded; its steps, GPU active and idle with causes, T1-T5 overheads, measured against replayed and predicted. */
import { useMemo, useState } from "preact/hooks";
import { traceCompareSvg, type ReplayLike, type TracePredictionLike } from "../../../src/report/charts/trace-compare.js";
import { traceStepsSvg, type TraceAnalysisLike } from "../../../src/report/charts/trace-steps.js";
import { overheadTable, traceStepTable } from "../../../src/report/charts/tables.js";
import { ApiFailure, type Catalog } from "../api.js";
import { Button, ChartBox, Cli, DataTable, ErrorBox, FileInput, JobBars, Section, Select, useRun } from "../components.js";

interface Result {
  file: string;
  gpu: string;
  analysis: TraceAnalysisLike;
  predicted: TracePredictionLike;
  replay?: ReplayLike;
}

export function TracePage({ catalog }: { catalog: Catalog }) {
  const [file, setFile] = useState<File>();
  const [gpu, setGpu] = useState("");
  const { busy, error, result, progress, run } = useRun<Result>();
  const go = (f: File | undefined = file) => run(async (job) => {
    if (!f) throw new Error("choose a Kineto trace (.json or .json.gz) first");
    const query = `?name=${encodeURIComponent(f.name)}`;
    // Each upload a job: its progress (trace events read) shown as it goes.
    const [analysis, predicted, replay] = await Promise.all([
      job<TraceAnalysisLike>("Analyse: trace events read", `trace/analyze${query}`, f),
      job<TracePredictionLike>("Predict: trace events read", `trace/predict${query}${gpu ? `&gpu=${encodeURIComponent(gpu)}` : ""}`, f),
      // Replay is served where the server has the route; without it the comparison shows predicted only.
      job<ReplayLike>("Replay: trace events read", `trace/replay${query}`, f).catch((e) => (e instanceof ApiFailure && e.status === 404 ? undefined : Promise.reject(e))),
    ]);
    return { file: f.name, gpu, analysis, predicted, replay };
  });
  const steps = useMemo(() => (result ? traceStepsSvg(result.analysis, { document }) : undefined), [result]);
  const compare = useMemo(() => (result ? traceCompareSvg({ analysis: result.analysis, replay: result.replay, predicted: result.predicted }, { document }) : undefined), [result]);
  const a = result?.analysis;
  return (
    <>
      <h1>Trace</h1>
      <p>A PyTorch profiler (Kineto) trace: its steps, where the GPU idles and why, the five host-overhead types, and the step replayed through the simulator and predicted without the profiler.</p>
      <div class="row">
        <FileInput id="trace-file" label="Kineto trace" accept=".json,.gz" hint="plain or gzip JSON, up to 256 MiB" onFile={(f) => { setFile(f); void go(f); }} />
        <Select id="trace-gpu" label="Predict on GPU" value={gpu} onChange={setGpu} options={[{ id: "", label: "the trace's own GPU" }, ...catalog.gpus.map((g) => ({ id: g.id }))]} />
      </div>
      <Button id="trace-run" onClick={() => void go()} busy={busy}>Analyse</Button>
      <JobBars progress={progress} />
      <ErrorBox error={error} />
      {result && a ? (
        <>
          <Cli command={`strata trace analyze ${result.file} --json; strata trace replay ${result.file} --json; strata trace predict ${result.file}${result.gpu ? ` --gpu ${result.gpu}` : ""} --json`} />
          <p class="summary" data-testid="trace-summary">{a.steps.length} steps, mean {a.stepMs.toFixed(3)} ms, GPU active {a.gpuActiveMs.toFixed(3)} ms ({((100 * a.gpuActiveMs) / a.stepMs).toFixed(0)}%), {a.bound.toUpperCase()}-bound</p>
          <Section title="GPU active and idle by cause">
            <ChartBox chart={steps} testId="trace-steps" />
            <DataTable model={traceStepTable(a as Parameters<typeof traceStepTable>[0])} />
          </Section>
          <Section title="Host overheads T1-T5">
            <DataTable model={overheadTable(a as Parameters<typeof overheadTable>[0])} />
          </Section>
          <Section title="Measured, replayed and predicted">
            <p>Predicted without the profiler on {result.predicted.gpu}{result.replay ? "" : " (replay: not served by this server)"}.</p>
            <ChartBox chart={compare} testId="trace-compare" />
          </Section>
        </>
      ) : null}
    </>
  );
}
