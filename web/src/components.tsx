/** The dashboard's building blocks: labelled controls, a chart mount, tables, errors, the CLI line. */
import type { ComponentChildren } from "preact";
import { useCallback, useLayoutEffect, useRef, useState } from "preact/hooks";
import { parse as parseYaml } from "yaml";
import type { Chart } from "../../src/report/charts/svg.js";
import type { TableModel } from "../../src/report/charts/tables.js";
import { ApiFailure, getJson, runJob, type Catalog, type JobProgress } from "./api.js";

/** A chart element drawn by src/report/charts, mounted as it is. */
export function ChartBox({ chart, testId }: { chart: Chart | undefined; testId?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    if (ref.current) ref.current.replaceChildren(...(chart ? [chart] : []));
  }, [chart]);
  return <div class="chart" ref={ref} data-testid={testId} />;
}

/** A table of at most `limit` rows until asked for all. */
export function DataTable({ model, limit = 20 }: { model: TableModel; limit?: number }) {
  const [all, setAll] = useState(false);
  const rows = all ? model.rows : model.rows.slice(0, limit);
  const cls = (i: number) => (model.numeric[i] ? "num" : undefined);
  return (
    <div class="table-wrap">
      <table>
        <caption>{model.caption}{model.rows.length > rows.length ? ` (first ${rows.length} of ${model.rows.length})` : ""}</caption>
        <thead><tr>{model.head.map((h, i) => <th scope="col" class={cls(i)} key={h}>{h}</th>)}</tr></thead>
        <tbody>{rows.map((r, j) => <tr key={j}>{r.map((v, i) => <td class={cls(i)} key={i}>{v}</td>)}</tr>)}</tbody>
      </table>
      {model.rows.length > limit ? <button type="button" class="plain small" aria-expanded={all} onClick={() => setAll(!all)}>{all ? `Show the first ${limit} rows` : `Show all ${model.rows.length} rows`}</button> : null}
    </div>
  );
}

/** The command that gives the same answer, beside every result. */
export function Cli({ command }: { command: string }) {
  return <p class="cli">Same answer on the command line: <code data-testid="cli">{command}</code></p>;
}

export function ErrorBox({ error }: { error: unknown }) {
  if (!error) return null;
  const e = error instanceof ApiFailure ? error.error : { path: "", message: error instanceof Error ? error.message : String(error) };
  return <div class="error" role="alert">{e.path ? <><strong>{e.path}</strong>: </> : null}{e.message}</div>;
}

/** A job's progress on the page: `finished` once its result came. */
export interface Tracked extends JobProgress {
  finished?: boolean;
}

/** Run a route as a job (labelled on the page by `label`), resolving to its answer. */
export type RunJob = <R>(label: string, route: string, body: unknown) => Promise<R>;

/**
 * Busy, error and result of one asynchronous action (a run of a capability), and the progress of
 * the jobs it starts through `job` (reset at each run).
 */
export function useRun<T>() {
  const [state, setState] = useState<{ busy: boolean; error?: unknown; result?: T; progress: Record<string, Tracked> }>({ busy: false, progress: {} });
  const run = useCallback(async (work: (job: RunJob) => Promise<T>) => {
    setState((s) => ({ ...s, busy: true, error: undefined, progress: {} }));
    const track = (label: string, p: Tracked) => setState((s) => ({ ...s, progress: { ...s.progress, [label]: p } }));
    const job: RunJob = async <R,>(label: string, route: string, body: unknown) => {
      track(label, { done: 0, total: null });
      let last: JobProgress = { done: 0, total: null };
      const answer = await runJob<R>(route, body, (p) => track(label, (last = p)));
      track(label, { ...last, finished: true });
      return answer;
    };
    try {
      const result = await work(job);
      setState((s) => ({ ...s, busy: false, result }));
    } catch (error) {
      setState((s) => ({ ...s, busy: false, error }));
    }
  }, []);
  return { ...state, run };
}

/** One labelled bar per job: done of total (a moving bar while the total is unknown), the stage, and "done" at the end. */
export function JobBars({ progress }: { progress: Record<string, Tracked> }) {
  const jobs = Object.entries(progress);
  if (!jobs.length) return null;
  return (
    <div class="jobs" data-testid="job-progress">
      {jobs.map(([label, p]) => {
        const max = p.total ?? (p.finished ? Math.max(p.done, 1) : undefined);
        const value = p.finished ? max : p.total !== null ? p.done : undefined;
        const count = `${p.done.toLocaleString("en-US")}${p.total !== null ? ` of ${p.total.toLocaleString("en-US")}` : ""}`;
        return (
          <div class="job" key={label}>
            <progress aria-label={label} value={value} max={max} data-state={p.finished ? "done" : "running"} />
            <small>{label}{p.stage ? ` (${p.stage})` : ""}: {p.finished ? `done, ${count}` : count}</small>
          </div>
        );
      })}
    </div>
  );
}

interface FieldProps<T> {
  id: string;
  label: string;
  value: T;
  onChange: (v: T) => void;
  hint?: string;
}

/** A choice: a plain value, or an id shown with its name (`label` replaces both). */
export type Choice = string | { id: string; name?: string; label?: string };

export function Select({ id, label, value, onChange, options, hint }: FieldProps<string> & { options: Choice[] }) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange((e.target as HTMLSelectElement).value)} aria-describedby={hint ? `${id}-hint` : undefined}>
        {options.map((o) => (typeof o === "string" ? <option value={o} key={o}>{o}</option> : <option value={o.id} key={o.id}>{o.label ?? (o.name ? `${o.id} — ${o.name}` : o.id)}</option>))}
      </select>
      {hint ? <small id={`${id}-hint`}>{hint}</small> : null}
    </div>
  );
}

export function TextInput({ id, label, value, onChange, hint, list }: FieldProps<string> & { list?: string[] }) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input id={id} type="text" value={value} list={list ? `${id}-list` : undefined} onInput={(e) => onChange((e.target as HTMLInputElement).value)} aria-describedby={hint ? `${id}-hint` : undefined} />
      {list ? <datalist id={`${id}-list`}>{list.map((v) => <option value={v} key={v} />)}</datalist> : null}
      {hint ? <small id={`${id}-hint`}>{hint}</small> : null}
    </div>
  );
}

export function NumberInput({ id, label, value, onChange, hint, min, step }: FieldProps<number> & { min?: number; step?: number | "any" }) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input id={id} type="number" value={value} min={min} step={step ?? "any"} onInput={(e) => onChange(Number((e.target as HTMLInputElement).value))} aria-describedby={hint ? `${id}-hint` : undefined} />
      {hint ? <small id={`${id}-hint`}>{hint}</small> : null}
    </div>
  );
}

/** Several choices at once (GPUs or implementations to compare). */
export function Checkboxes({ id, legend, options, values, onChange }: { id: string; legend: string; options: string[]; values: string[]; onChange: (v: string[]) => void }) {
  return (
    <fieldset class="checks">
      <legend>{legend}</legend>
      {options.map((o) => (
        <label key={o} for={`${id}-${o}`}>
          <input id={`${id}-${o}`} type="checkbox" checked={values.includes(o)} onChange={(e) => onChange((e.target as HTMLInputElement).checked ? [...values, o] : values.filter((v) => v !== o))} />
          {o}
        </label>
      ))}
    </fieldset>
  );
}

export function Button({ children, onClick, busy, id, kind }: { children: ComponentChildren; onClick: () => void; busy?: boolean; id?: string; kind?: "primary" | "plain" }) {
  return <button id={id} type="button" class={kind ?? "primary"} onClick={onClick} disabled={busy} aria-busy={busy ? "true" : undefined}>{busy ? "Working…" : children}</button>;
}

/** A text document (JSON or YAML) as a value. */
export function parseText(text: string, name: string): unknown {
  try {
    return /\.ya?ml$/i.test(name) ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    throw new Error(`${name}: not valid ${/\.ya?ml$/i.test(name) ? "YAML" : "JSON"}: ${(e as Error).message}`, { cause: e });
  }
}

/** A file picked by the user, read as text. */
export function FileInput({ id, label, accept, onFile, hint }: { id: string; label: string; accept?: string; onFile: (file: File) => void; hint?: string }) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input id={id} type="file" accept={accept} onChange={(e) => {
        const f = (e.target as HTMLInputElement).files?.[0];
        if (f) onFile(f);
      }} aria-describedby={hint ? `${id}-hint` : undefined} />
      {hint ? <small id={`${id}-hint`}>{hint}</small> : null}
    </div>
  );
}

/**
 * A workload to run: a bundled one (the presets and data/examples), a file uploaded, or the text
 * edited here; `onChange` gets the text and its name as they change.
 */
export function WorkloadEditor({ id, catalog, text, name, onChange, kinds }: { id: string; catalog: Catalog; text: string; name: string; onChange: (text: string, name: string) => void; kinds?: "dlrm" }) {
  const [error, setError] = useState<unknown>();
  const load = async (n: string) => {
    setError(undefined);
    try {
      onChange(JSON.stringify(await getJson(`/api/workloads/${encodeURIComponent(n)}`), null, 2), `${n}.json`);
    } catch (e) {
      setError(e);
    }
  };
  const workloads = catalog.workloads.map((w) => w.name);
  const current = workloads.includes(name.replace(/\.json$/, "")) ? name.replace(/\.json$/, "") : "";
  return (
    <fieldset class="workload">
      <legend>Workload{kinds === "dlrm" ? " (DLRM)" : ""}</legend>
      <div class="row">
        <div class="field">
          <label for={`${id}-bundled`}>Bundled workload</label>
          <select id={`${id}-bundled`} value={current} onChange={(e) => void load((e.target as HTMLSelectElement).value)}>
            {current ? null : <option value="">(edited or uploaded: {name})</option>}
            {catalog.workloads.map((w) => <option value={w.name} key={w.name}>{w.name} ({w.kind})</option>)}
          </select>
        </div>
        <FileInput id={`${id}-upload`} label="Or upload a workload file" accept=".json,.yaml,.yml" hint="JSON or YAML (docs/workload-format.md)" onFile={(f) => void f.text().then((t) => onChange(t, f.name))} />
      </div>
      <div class="field wide">
        <label for={`${id}-text`}>Edit the workload ({name})</label>
        <textarea id={`${id}-text`} rows={10} spellcheck={false} value={text} onInput={(e) => onChange((e.target as HTMLTextAreaElement).value, name)} />
      </div>
      <ErrorBox error={error} />
    </fieldset>
  );
}

/** A Blob as a download link. */
export function Download({ data, file, children, type = "application/json" }: { data: string; file: string; children: ComponentChildren; type?: string }) {
  const [href, setHref] = useState<string>();
  useLayoutEffect(() => {
    const url = URL.createObjectURL(new Blob([data], { type }));
    setHref(url);
    return () => URL.revokeObjectURL(url);
  }, [data, type]);
  return <a class="button plain" href={href} download={file}>{children}</a>;
}

export function Section({ title, children }: { title: string; children: ComponentChildren }) {
  return <section aria-label={title}><h2>{title}</h2>{children}</section>;
}

/** Comma-separated numbers; what is not a number is left out. */
export const numberList = (s: string): number[] => s.split(",").map((x) => Number(x.trim())).filter((x) => x !== 0 && Number.isFinite(x));
