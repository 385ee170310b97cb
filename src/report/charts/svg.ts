/**
 * What every chart shares: Observable Plot drawing into a given document (the browser's, or a
 * linkedom document in Node for `strata report` and the golden tests), a fixed default width,
 * one colour per part of the model, and a deterministic serialisation.
 */
import * as Plot from "@observablehq/plot";

export interface ChartOptions {
  /** Where to create the elements: window.document in the browser, linkedom's in Node (Plot's `document` option). */
  document: Document;
  /** Width in pixels (default 720). */
  width?: number;
}

/** An SVG, or a figure holding a legend and an SVG (Plot adds the figure for a legend). */
export type Chart = SVGSVGElement | HTMLElement;

export const DEFAULT_WIDTH = 720;

/** Plot with the chart's document and width; the root says what it shows to a screen reader. */
export function drawPlot(o: ChartOptions, label: string, spec: Plot.PlotOptions): Chart {
  const el = Plot.plot({ width: o.width ?? DEFAULT_WIDTH, ...spec, document: o.document, ariaLabel: label });
  el.setAttribute("aria-label", label);
  el.setAttribute("role", el.tagName.toLowerCase() === "svg" ? "img" : "figure");
  el.setAttribute("class", `${el.getAttribute("class") ?? ""} strata-chart`.trim());
  return el;
}

/** A chart with nothing to draw says so instead of drawing empty axes. */
export function emptyChart(o: ChartOptions, label: string, message: string): Chart {
  const svg = o.document.createElementNS("http://www.w3.org/2000/svg", "svg");
  const width = o.width ?? DEFAULT_WIDTH;
  svg.setAttribute("viewBox", `0 0 ${width} 40`);
  svg.setAttribute("width", String(width));
  svg.setAttribute("height", "40");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", `${label}: ${message}`);
  svg.setAttribute("class", "strata-chart");
  const text = o.document.createElementNS("http://www.w3.org/2000/svg", "text");
  text.setAttribute("x", "8");
  text.setAttribute("y", "24");
  text.setAttribute("font-family", "system-ui, sans-serif");
  text.setAttribute("font-size", "13");
  text.textContent = message;
  svg.appendChild(text);
  return svg;
}

/**
 * The chart as markup, with coordinates rounded to 2 decimals: smaller files, and the same bytes
 * whatever the last digits of a scale's arithmetic (the golden tests compare bytes).
 */
export function chartMarkup(el: Chart): string {
  return el.outerHTML.replace(/-?\d+\.\d{3,}/g, (x) => String(Number(Number(x).toFixed(2))));
}

/** One colour per part of a DLRM step (graph/types.ts OpCategory), idle in grey, the same in every chart. */
export const PART_COLORS: Record<string, string> = {
  "bottom-mlp": "#4e79a7",
  embedding: "#f28e2c",
  interaction: "#76b7b2",
  "top-mlp": "#59a14f",
  loss: "#edc949",
  optimizer: "#af7aa1",
  communication: "#e15759",
  framework: "#9c755f",
  "GPU active": "#4e79a7",
  "host busy": "#f28e2c",
  "host overhead": "#ff9da7",
  "host, between ops": "#bab0ab",
  dense: "#59a14f",
  "exposed comm": "#e15759",
  idle: "#d9d9d9",
};

/** A colour scale over the given parts, in the order given, using PART_COLORS where it has one. */
export function partColor(parts: readonly string[]): Plot.ScaleOptions {
  const fallback = ["#bab0ab", "#86bcb6", "#d37295", "#b6992d", "#499894", "#79706e"];
  return { domain: [...parts], range: parts.map((p, i) => PART_COLORS[p] ?? fallback[i % fallback.length]!), legend: true };
}

/** Milliseconds for labels and tooltips: 3 significant figures, at least 3 decimals below 1. */
export const fmtMs = (x: number): string => (Math.abs(x) >= 100 ? x.toFixed(1) : Math.abs(x) >= 1 ? x.toFixed(3) : x.toFixed(4));
export const fmtGB = (bytes: number): string => `${(bytes / 1e9).toFixed(2)} GB`;
