/**
 * The predicted step's timeline, zoomable: drag across the chart to zoom to a window, or use the
 * labelled from/to fields, the zoom and pan buttons, or + - and the arrow keys on the chart.
 */
import { useMemo, useRef, useState } from "preact/hooks";
import { timelineExtent, timelineSvg, type ChromeTraceLike } from "../../src/report/charts/timeline.js";
import { ChartBox, NumberInput } from "./components.js";

type Domain = [number, number];

export function TimelineView({ trace, id }: { trace: ChromeTraceLike; id: string }) {
  const extent = useMemo(() => timelineExtent(trace), [trace]);
  const [domain, setDomain] = useState<Domain>(extent);
  const [drag, setDrag] = useState<{ x0: number; x1: number } | undefined>();
  const box = useRef<HTMLDivElement>(null);
  const chart = useMemo(() => timelineSvg(trace, { document, domainMs: domain }), [trace, domain]);
  const clamp = ([a, b]: Domain): Domain => {
    const span = Math.max(1e-4, Math.min(b - a, extent[1] - extent[0]));
    const lo = Math.min(Math.max(extent[0], a), extent[1] - span);
    return [lo, lo + span];
  };
  const zoom = (factor: number) => setDomain(([a, b]) => clamp([(a + b) / 2 - ((b - a) * factor) / 2, (a + b) / 2 + ((b - a) * factor) / 2]));
  const pan = (share: number) => setDomain(([a, b]) => clamp([a + (b - a) * share, b + (b - a) * share]));

  /** Milliseconds at a client x: the chart's x scale (Plot attaches it to the SVG) inverted. */
  const msAt = (clientX: number): number | undefined => {
    const root = box.current?.querySelector(".strata-chart") as (Element & { scale?: (n: string) => { invert?: (x: number) => number } }) | null;
    // With a legend Plot returns a figure: the plot is its own SVG child (the swatches hold SVGs too).
    const svg = (root?.tagName.toLowerCase() === "svg" ? root : root?.querySelector(":scope > svg")) as SVGSVGElement | null;
    const scale = root?.scale?.("x");
    if (!svg || !scale?.invert) return undefined;
    const r = svg.getBoundingClientRect();
    const viewWidth = svg.viewBox.baseVal.width || r.width;
    return scale.invert(((clientX - r.left) * viewWidth) / r.width);
  };
  const onUp = () => {
    if (drag && Math.abs(drag.x1 - drag.x0) > 4) {
      const a = msAt(Math.min(drag.x0, drag.x1));
      const b = msAt(Math.max(drag.x0, drag.x1));
      if (a !== undefined && b !== undefined && b > a) setDomain(clamp([a, b]));
    }
    setDrag(undefined);
  };
  const left = box.current?.getBoundingClientRect().left ?? 0;
  return (
    <div class="timeline">
      <div class="row controls" role="group" aria-label="Timeline window">
        <NumberInput id={`${id}-from`} label="from ms" value={Number(domain[0].toFixed(4))} onChange={(v) => Number.isFinite(v) && v < domain[1] && setDomain(clamp([v, domain[1]]))} />
        <NumberInput id={`${id}-to`} label="to ms" value={Number(domain[1].toFixed(4))} onChange={(v) => Number.isFinite(v) && v > domain[0] && setDomain(clamp([domain[0], v]))} />
        <button type="button" class="plain" onClick={() => zoom(0.5)}>Zoom in</button>
        <button type="button" class="plain" onClick={() => zoom(2)}>Zoom out</button>
        <button type="button" class="plain" onClick={() => pan(-0.25)} aria-label="Pan left">←</button>
        <button type="button" class="plain" onClick={() => pan(0.25)} aria-label="Pan right">→</button>
        <button type="button" class="plain" onClick={() => setDomain(extent)}>Reset</button>
      </div>
      <div
        class="zoomable"
        ref={box}
        tabIndex={0}
        aria-label="Timeline chart: drag to zoom; + and - zoom, arrow keys pan"
        onPointerDown={(e) => setDrag({ x0: e.clientX, x1: e.clientX })}
        onPointerMove={(e) => drag && setDrag({ ...drag, x1: e.clientX })}
        onPointerUp={onUp}
        onPointerLeave={() => setDrag(undefined)}
        onKeyDown={(e) => {
          const act: Record<string, () => void> = { "+": () => zoom(0.5), "=": () => zoom(0.5), "-": () => zoom(2), ArrowLeft: () => pan(-0.25), ArrowRight: () => pan(0.25), "0": () => setDomain(extent) };
          const f = act[e.key];
          if (f) {
            e.preventDefault();
            f();
          }
        }}
      >
        <ChartBox chart={chart} testId={`${id}-chart`} />
        {drag ? <div class="selection" style={{ left: `${Math.min(drag.x0, drag.x1) - left}px`, width: `${Math.abs(drag.x1 - drag.x0)}px` }} /> : null}
      </div>
    </div>
  );
}
