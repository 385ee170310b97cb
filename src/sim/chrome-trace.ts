/** Export timelines as Chrome trace JSON (chrome://tracing, ui.perfetto.dev). */
import type { TimelineEvent } from "./simulate.js";

export interface ChromeTrace {
  traceEvents: Array<Record<string, unknown>>;
  displayTimeUnit: "ms";
  metadata: Record<string, unknown>;
}

/** A span on a named track (a thread row in the viewer). */
export interface TrackEvent {
  track: string;
  name: string;
  cat: string;
  startUs: number;
  durUs: number;
  args?: Record<string, unknown>;
}

/** Tracks appear in the order of `trackOrder` (unlisted ones after, sorted). */
export function tracksToChromeTrace(name: string, events: TrackEvent[], metadata: Record<string, unknown> = {}, trackOrder: string[] = []): ChromeTrace {
  const rest = [...new Set(events.map((e) => e.track))].filter((t) => !trackOrder.includes(t)).sort();
  const tracks = [...trackOrder.filter((t) => events.some((e) => e.track === t)), ...rest];
  const tid = new Map(tracks.map((t, i) => [t, i]));
  const round = (x: number): number => Math.round(x * 1000) / 1000;
  const traceEvents: Array<Record<string, unknown>> = [
    { ph: "M", name: "process_name", pid: 0, tid: 0, args: { name: `strata: ${name}` } },
    ...tracks.map((t, i) => ({ ph: "M", name: "thread_name", pid: 0, tid: i, args: { name: t } })),
    ...tracks.map((_, i) => ({ ph: "M", name: "thread_sort_index", pid: 0, tid: i, args: { sort_index: i } })),
    ...events.map((e) => ({ ph: "X", name: e.name, cat: e.cat, pid: 0, tid: tid.get(e.track), ts: round(e.startUs), dur: round(e.durUs), args: e.args ?? {} })),
  ];
  return { traceEvents, displayTimeUnit: "ms", metadata: { generator: "strata", ...metadata } };
}

/** The single-GPU simulator's timeline: the host thread first, then the GPU streams. */
export function toChromeTrace(name: string, events: TimelineEvent[], metadata: Record<string, unknown> = {}): ChromeTrace {
  const label = (track: string): string => (track === "host" ? "host thread" : `GPU ${track}`);
  return tracksToChromeTrace(
    name,
    events.map((e) => ({ track: label(e.track), name: e.name, cat: `${e.kind},${e.category}`, startUs: e.startUs, durUs: e.durUs, args: { iteration: e.iteration, category: e.category } })),
    metadata,
    ["host thread"],
  );
}
