/** Cache: miss-ratio curves of a generated trace, an uploaded access trace or result, one line per policy, markers at the chosen sizes. */
import { useMemo, useState } from "preact/hooks";
import { mrcSeries, mrcSvg, type MrcJson } from "../../../src/report/charts/mrc.js";
import type { Catalog } from "../api.js";
import { Button, ChartBox, Checkboxes, Cli, ErrorBox, FileInput, JobBars, NumberInput, numberList, parseText, Section, TextInput, useRun } from "../components.js";

interface Result {
  docs: MrcJson[];
  sizes: number[];
  command: string;
}

export function CachePage({ catalog }: { catalog: Catalog }) {
  const [keys, setKeys] = useState(100000);
  const [requests, setRequests] = useState(300000);
  const [alpha, setAlpha] = useState(1);
  const [seed, setSeed] = useState(1);
  const [policies, setPolicies] = useState<string[]>(["lru", "s3fifo", "belady"].filter((p) => catalog.cachePolicies.includes(p)));
  const [sizes, setSizes] = useState("1000,10000");
  const { busy, error, result, progress, run } = useRun<Result>();
  const go = () => run(async (job) => {
    const generator = { kind: "zipf", keys, requests, alpha, seed };
    const chosen = numberList(sizes);
    // Each policy drawn as a curve: simulated on a log grid of sizes up to the key count, and at the chosen sizes.
    const grid = Array.from({ length: 9 }, (_, i) => Math.round(10 ** (1 + (i * (Math.log10(Math.max(100, keys)) - 1)) / 8)));
    const simulated = [...new Set([...grid, ...chosen])].sort((a, b) => a - b);
    const [mrc, sim] = await Promise.all([
      job<MrcJson>("Exact LRU curve: requests", "cache/mrc", { generator }),
      policies.length ? job<MrcJson>("Policies simulated: requests", "cache/simulate", { generator, policies, sizes: simulated }) : Promise.resolve(undefined),
    ]);
    const trace = `strata cache gen --kind zipf --keys ${keys} --requests ${requests} --alpha ${alpha} --seed ${seed} -o z.bin`;
    return { docs: sim ? [mrc, sim] : [mrc], sizes: chosen, command: `${trace}; strata cache mrc z.bin --json${sim ? `; strata cache simulate z.bin --policy ${policies.join(",")} --size ${simulated.join(",")} --json` : ""}` };
  });
  const open = (f: File) => run(async () => {
    const doc = parseText(await f.text(), f.name) as MrcJson;
    if (!doc || typeof doc !== "object" || !("points" in doc || "results" in doc)) throw new Error(`${f.name}: expected the JSON of strata cache mrc or cache simulate (points or results)`);
    const chosen = "results" in doc ? [...new Set(doc.results.map((r) => r.size))] : [];
    return { docs: [doc], sizes: chosen, command: `strata report ${f.name} -o report.html` };
  });
  // An access trace of one's own, as strata cache mrc reads it: streamed to the server, its exact LRU curve drawn.
  const upload = (f: File) => run(async (job) => {
    const doc = await job<MrcJson>("Exact LRU curve: trace read", `cache/mrc/upload?name=${encodeURIComponent(f.name)}`, f);
    return { docs: [doc], sizes: [], command: `strata cache mrc ${f.name} --json` };
  });
  const chart = useMemo(() => (result ? mrcSvg(mrcSeries(result.docs), { document, markSizes: result.sizes }) : undefined), [result]);
  return (
    <>
      <h1>Cache</h1>
      <p>Miss-ratio curves of an embedding-style access trace: the exact LRU curve over every size, and the policies you pick at the cache sizes you choose (markers on each curve).</p>
      <fieldset>
        <legend>Generated trace (Zipf)</legend>
        <div class="row">
          <NumberInput id="cache-keys" label="Keys" value={keys} onChange={setKeys} min={1} step={1} />
          <NumberInput id="cache-requests" label="Requests" value={requests} onChange={setRequests} min={1} step={1} />
          <NumberInput id="cache-alpha" label="Zipf alpha" value={alpha} onChange={setAlpha} min={0} />
          <NumberInput id="cache-seed" label="Seed" value={seed} onChange={setSeed} min={0} step={1} />
        </div>
      </fieldset>
      <div class="row">
        <Checkboxes id="cache-policy" legend="Policies to simulate" options={catalog.cachePolicies} values={policies} onChange={setPolicies} />
        <TextInput id="cache-sizes" label="Cache sizes (objects, comma-separated)" value={sizes} onChange={setSizes} />
      </div>
      <div class="row">
        <Button id="cache-run" onClick={go} busy={busy}>Draw the curves</Button>
        <FileInput id="cache-upload" label="Or open a cache mrc / simulate result" accept=".json" onFile={(f) => void open(f)} />
        <FileInput id="cache-trace" label="Or upload an access trace" accept=".bin,.oracleGeneral,.csv,.txt,.zst,.gz" hint="oracleGeneral (.bin, .zst, .gz) or CSV/text with an id column, up to 256 MiB; its exact LRU curve" onFile={(f) => void upload(f)} />
      </div>
      <JobBars progress={progress} />
      <ErrorBox error={error} />
      {result ? (
        <Section title="Miss-ratio curves">
          <Cli command={result.command} />
          <ChartBox chart={chart} testId="cache-mrc" />
        </Section>
      ) : null}
    </>
  );
}
