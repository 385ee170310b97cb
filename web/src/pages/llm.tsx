/** LLM: memory against capacity, context with full and hybrid KV, prefill/decode throughput, and a sweep's Pareto front. */
import { useMemo, useState } from "preact/hooks";
import { llmContextSvg, type ContextJson } from "../../../src/report/charts/llm-context.js";
import { llmThroughputSvg, type PerfJson } from "../../../src/report/charts/llm-throughput.js";
import { memoryBarSvg, type FitLike } from "../../../src/report/charts/memory-bar.js";
import { inferParetoObjectives, paretoSvg, sweepObjectives, type SweepDocLike } from "../../../src/report/charts/pareto.js";
import { llmPerfTable } from "../../../src/report/charts/tables.js";
import { postJson, type Catalog } from "../api.js";
import { Button, ChartBox, Checkboxes, Cli, DataTable, ErrorBox, JobBars, NumberInput, numberList, Section, Select, TextInput, useRun } from "../components.js";

interface Result {
  fit: FitLike & { params: { total: number; active: number }; maxContextTokensHybrid: number; detail?: { parallelism: { tp: number; pp: number } } };
  context: ContextJson;
  perf: PerfJson;
  flags: string;
  capacityBytes?: number;
}

export function LlmPage({ catalog }: { catalog: Catalog }) {
  const models = catalog.llmModels.filter((m) => !m.partial);
  const [model, setModel] = useState(models.some((m) => m.id === "llama4-scout-17b-16e") ? "llama4-scout-17b-16e" : models[0]?.id ?? "");
  const [gpu, setGpu] = useState("h100-sxm-80gb");
  const [count, setCount] = useState(8);
  const [weights, setWeights] = useState("bf16");
  const [kv, setKv] = useState("bf16");
  const [batches, setBatches] = useState("1,8,32,128");
  const { busy, error, result, run } = useRun<Result>();
  const go = () => run(async () => {
    const deploy = { model, gpu, count, weights, kv };
    const batch = numberList(batches);
    const [fit, context, perf] = await Promise.all([
      postJson<Result["fit"]>("/api/llm/fit", { ...deploy, detail: true }),
      postJson<ContextJson>("/api/llm/context", { ...deploy, batch }),
      postJson<PerfJson>("/api/llm/perf", { ...deploy, batch }),
    ]);
    const hbm = catalog.gpus.find((g) => g.id === gpu)?.hbmBytes;
    // With detail the bar is one GPU's: against one GPU's HBM.
    return { fit, context, perf, flags: `--model ${model} --gpu ${gpu} --count ${count} --weights ${weights} --kv ${kv}`, capacityBytes: fit.detail ? hbm : hbm && hbm * count };
  });
  const charts = useMemo(() => (result ? {
    memory: memoryBarSvg([{ ...result.fit, label: result.fit.detail ? `each of ${count} x ${gpu}` : `${count} x ${gpu}`, capacityBytes: result.capacityBytes }], { document }),
    context: llmContextSvg(result.context, { document }),
    perf: llmThroughputSvg(result.perf, { document }),
  } : undefined), [result]);
  const f = result?.fit;
  return (
    <>
      <h1>LLM</h1>
      <p>A mixture-of-experts LLM served on N GPUs: does it fit, the largest context with every layer holding full KV against a hybrid cache, and prefill and decode speed per batch.</p>
      <div class="row">
        <Select id="llm-model" label="Model" value={model} onChange={setModel} options={models} />
        <Select id="llm-gpu" label="GPU" value={gpu} onChange={setGpu} options={catalog.gpus.map((g) => g.id)} />
        <NumberInput id="llm-count" label="GPUs" value={count} onChange={setCount} min={1} step={1} />
        <Select id="llm-weights" label="Weights" value={weights} onChange={setWeights} options={catalog.weights} />
        <Select id="llm-kv" label="KV cache" value={kv} onChange={setKv} options={catalog.kv} />
        <TextInput id="llm-batch" label="Batch sizes (comma-separated)" value={batches} onChange={setBatches} />
      </div>
      <Button id="llm-run" onClick={go} busy={busy}>Fit and serve</Button>
      <ErrorBox error={error} />
      {result && charts && f ? (
        <>
          <Cli command={`strata llm fit ${result.flags} --json --detail; strata llm context ${result.flags} --batch ${batches} --json; strata llm perf ${result.flags} --batch ${batches} --json`} />
          <p class="summary" data-testid="llm-summary">{f.fits ? "Fits" : "Does not fit"}: {(f.params.total / 1e9).toFixed(1)}B parameters ({(f.params.active / 1e9).toFixed(1)}B active), weights {(f.weightsBytes / 1e9).toFixed(1)} GB; max context {f.maxContextTokens.toLocaleString("en-US")} tokens with full KV, {f.maxContextTokensHybrid.toLocaleString("en-US")} hybrid</p>
          <Section title="Memory against capacity">
            <ChartBox chart={charts.memory} testId="llm-memory" />
            <p class="note">{result.fit.detail ? `Per GPU (tp ${result.fit.detail.parallelism.tp}, pp ${result.fit.detail.parallelism.pp}): the weights it holds, the KV cache pool (what is left of the usable memory), the profiling-run activations and the rest of the runtime reserve (sampler, RoPE cache, CUDA context and communication buffers); the dashed tick is the usable memory (the engine's memory utilisation of HBM), the red one the GPU's HBM.` : `Over all ${count} GPUs: weights and the KV cache at the largest context. The rest of their HBM is the runtime reserve (profiling-run activations, sampler, CUDA context and communication buffers) and what the engine leaves unused (its memory utilisation); strata llm fit without --json itemises them per GPU.`}</p>
          </Section>
          <Section title="Context: full against hybrid KV"><ChartBox chart={charts.context} testId="llm-context" /></Section>
          <Section title="Prefill and decode throughput">
            <ChartBox chart={charts.perf} testId="llm-perf" />
            <DataTable model={llmPerfTable(result.perf as Parameters<typeof llmPerfTable>[0])} />
          </Section>
        </>
      ) : null}
      <LlmSweep catalog={catalog} model={model} gpu={gpu} count={count} kv={kv} />
    </>
  );
}

/** A sweep of llm perf over weights and batch sizes: every configuration, the Pareto front of the two objectives shown. */
function LlmSweep({ catalog, model, gpu, count, kv }: { catalog: Catalog; model: string; gpu: string; count: number; kv: string }) {
  const [weights, setWeights] = useState<string[]>(["bf16", "fp8"].filter((w) => catalog.weights.includes(w)));
  const [batches, setBatches] = useState("1,4,16,64,256");
  const [axes, setAxes] = useState<[string, string] | undefined>();
  const { busy, error, result, progress, run } = useRun<{ doc: SweepDocLike; spec: object }>();
  const go = () => run(async (job) => {
    const spec = { command: "llm perf", base: model, flags: { "--gpu": gpu, "--count": count, "--kv": kv }, grid: { "--weights": weights, "--batch": numberList(batches) }, pareto: ["tokensPerSecPerGpu", "tokensPerSecPerUser"], top: 3 };
    const doc = await job<SweepDocLike>("Sweep: configurations", "sweep", spec);
    setAxes(inferParetoObjectives(doc) ?? ["tokensPerSecPerGpu", "tokensPerSecPerUser"]);
    return { doc, spec };
  });
  const objectives = useMemo(() => (result ? sweepObjectives(result.doc) : []), [result]);
  const failed = (result?.doc.results ?? []).filter((r): r is Extract<(typeof r), { error: string }> => "error" in r);
  const chart = useMemo(() => (result && axes ? paretoSvg(result.doc, { document, x: axes[0], y: axes[1] }) : undefined), [result, axes]);
  return (
    <Section title="Sweep: the Pareto front">
      <p>Throughput per GPU against the speed each user sees, over weight precisions and batch sizes ({count} x {gpu}, KV {kv}).</p>
      <div class="row">
        <Checkboxes id="sweep-weights" legend="Weights" options={catalog.weights} values={weights} onChange={setWeights} />
        <TextInput id="sweep-batch" label="Batch sizes" value={batches} onChange={setBatches} />
      </div>
      <Button id="sweep-run" onClick={go} busy={busy}>Sweep</Button>
      <JobBars progress={progress} />
      <ErrorBox error={error} />
      {result && axes ? (
        <>
          <Cli command={`strata sweep sweep.yaml --json   # ${JSON.stringify(result.spec)}`} />
          <p class="summary" data-testid="sweep-summary">{result.doc.runs} configurations, {result.doc.pareto.length} on the front of tokensPerSecPerGpu and tokensPerSecPerUser{failed.length ? `; ${failed.length} failed` : ""}</p>
          {failed.length ? <ErrorBox error={new Error(`configuration ${failed[0]!.index}: ${failed[0]!.error}`)} /> : null}
          <div class="row">
            <Select id="sweep-x" label="x axis" value={axes[0]} onChange={(x) => setAxes([x, axes[1]])} options={objectives} />
            <Select id="sweep-y" label="y axis" value={axes[1]} onChange={(y) => setAxes([axes[0], y])} options={objectives} />
          </div>
          <ChartBox chart={chart} testId="sweep-pareto" />
        </>
      ) : null}
    </Section>
  );
}
