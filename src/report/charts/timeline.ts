/**
 * A Chrome trace (`strata timeline`, `strata plan --timeline`) drawn as tracks: host thread and
 * GPU streams (per rank for a plan), one rectangle per op or kernel coloured by part of the
 * model. `domainMs` zooms to a window; spans crossing its edges are cut at them.
 */
import * as Plot from "@observablehq/plot";
import { drawPlot, emptyChart, fmtMs, partColor, type Chart, type ChartOptions } from "./svg.js";

/** The fields of a Chrome trace this chart reads (sim/chrome-trace.ts writes them). */
export interface ChromeTraceLike {
  traceEvents: Array<Record<string, unknown>>;
  metadata?: Record<string, unknown>;
}

export interface TimelineEvent {
  process: string;
  track: string;
  name: string;
  category: string;
  startMs: number;
  endMs: number;
}

/** Complete ("X") events with their track names and order from the metadata events. */
export function timelineEvents(trace: ChromeTraceLike): TimelineEvent[] {
  const names = new Map<string, string>();
  const processes = new Map<string, string>();
  for (const e of trace.traceEvents) {
    const args = (e.args ?? {}) as Record<string, unknown>;
    if (e.ph === "M" && e.name === "thread_name") names.set(`${e.pid}:${e.tid}`, String(args.name));
    if (e.ph === "M" && e.name === "process_name") processes.set(String(e.pid), String(args.name));
  }
  const out: TimelineEvent[] = [];
  for (const e of trace.traceEvents) {
    if (e.ph !== "X" || typeof e.ts !== "number") continue;
    const args = (e.args ?? {}) as Record<string, unknown>;
    const cat = String(e.cat ?? "");
    const startMs = e.ts / 1000;
    out.push({
      process: processes.get(String(e.pid)) ?? String(e.pid),
      track: names.get(`${e.pid}:${e.tid}`) ?? `thread ${e.tid}`,
      name: String(e.name),
      category: typeof args.category === "string" ? args.category : (cat.split(",")[1] ?? cat) || "other",
      startMs,
      endMs: startMs + (typeof e.dur === "number" ? e.dur : 0) / 1000,
    });
  }
  return out;
}

/** Tracks in the trace's order (thread_sort_index, else first appearance). */
function trackOrder(trace: ChromeTraceLike, events: TimelineEvent[]): string[] {
  const sort = new Map<string, number>();
  const names = new Map<string, string>();
  for (const e of trace.traceEvents) {
    const args = (e.args ?? {}) as Record<string, unknown>;
    if (e.ph === "M" && e.name === "thread_sort_index") sort.set(`${e.pid}:${e.tid}`, Number(args.sort_index));
    if (e.ph === "M" && e.name === "thread_name") names.set(`${e.pid}:${e.tid}`, String(args.name));
  }
  const sorted = [...names].sort((a, b) => (sort.get(a[0]) ?? 0) - (sort.get(b[0]) ?? 0)).map(([, n]) => n);
  const present = new Set(events.map((e) => e.track));
  return [...new Set([...sorted, ...events.map((e) => e.track)])].filter((t) => present.has(t));
}

export interface TimelineOptions extends ChartOptions {
  /** The window to show, ms from the trace's start (default: all of it). */
  domainMs?: [number, number];
}

/** The extent of a trace's events, ms. */
export function timelineExtent(trace: ChromeTraceLike): [number, number] {
  const events = timelineEvents(trace);
  return events.length ? [Math.min(...events.map((e) => e.startMs)), Math.max(...events.map((e) => e.endMs))] : [0, 0];
}

export function timelineSvg(trace: ChromeTraceLike, o: TimelineOptions): Chart {
  const label = "Timeline of the step: host and GPU streams, ms";
  const all = timelineEvents(trace);
  if (!all.length) return emptyChart(o, label, "no events in the trace");
  const [lo, hi] = o.domainMs ?? timelineExtent(trace);
  const events = all.filter((e) => e.endMs >= lo && e.startMs <= hi).map((e) => ({ ...e, x1: Math.max(lo, e.startMs), x2: Math.min(hi, e.endMs) }));
  const tracks = trackOrder(trace, all);
  const parts = [...new Set(all.map((e) => e.category))].sort();
  return drawPlot(o, `${label}, ${fmtMs(lo)} to ${fmtMs(hi)} ms`, {
    height: 50 + tracks.length * 22,
    marginLeft: Math.min(160, 12 + 6.5 * Math.max(...tracks.map((t) => t.length))),
    x: { label: "ms", domain: [lo, hi], grid: true },
    y: { label: null, domain: tracks, padding: 0.15 },
    color: partColor(parts),
    marks: [
      Plot.rectX(events, { x1: "x1", x2: "x2", y: "track", fill: "category", title: (e: TimelineEvent) => `${e.name} (${e.category})\n${fmtMs(e.startMs)} ms + ${fmtMs(e.endMs - e.startMs)} ms` }),
    ],
  });
}
