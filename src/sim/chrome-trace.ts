/** Export a simulated timeline as Chrome trace JSON (chrome://tracing, ui.perfetto.dev). */
import type { TimelineEvent } from "./simulate.js";

export interface ChromeTrace {
  traceEvents: Array<Record<string, unknown>>;
  displayTimeUnit: "ms";
  metadata: Record<string, unknown>;
}

export function toChromeTrace(name: string, events: TimelineEvent[], metadata: Record<string, unknown> = {}): ChromeTrace {
  const tracks = [...new Set(events.map((e) => e.track))].sort((a, b) => (a === "host" ? -1 : b === "host" ? 1 : a.localeCompare(b)));
  const tid = new Map(tracks.map((t, i) => [t, i]));
  const round = (x: number): number => Math.round(x * 1000) / 1000;
  const traceEvents: Array<Record<string, unknown>> = [
    { ph: "M", name: "process_name", pid: 0, tid: 0, args: { name: `strata: ${name}` } },
    ...tracks.map((t) => ({ ph: "M", name: "thread_name", pid: 0, tid: tid.get(t), args: { name: t === "host" ? "host thread" : `GPU ${t}` } })),
    ...events.map((e) => ({
      ph: "X",
      name: e.name,
      cat: `${e.kind},${e.category}`,
      pid: 0,
      tid: tid.get(e.track),
      ts: round(e.startUs),
      dur: round(e.durUs),
      args: { iteration: e.iteration, category: e.category },
    })),
  ];
  return { traceEvents, displayTimeUnit: "ms", metadata: { generator: "strata", ...metadata } };
}
