/**
 * Open a trace in ui.perfetto.dev (needs the internet; the download works offline): Perfetto's
 * postMessage protocol, PING until it answers PONG, then the trace as an ArrayBuffer.
 */
const ORIGIN = "https://ui.perfetto.dev";

export function openInPerfetto(trace: unknown, title: string): void {
  const win = window.open(`${ORIGIN}/#!/`);
  if (!win) return;
  const buffer = new TextEncoder().encode(JSON.stringify(trace)).buffer;
  const ping = setInterval(() => win.postMessage("PING", ORIGIN), 100);
  const stop = setTimeout(() => cleanup(), 30000);
  const onMessage = (e: MessageEvent) => {
    if (e.origin !== ORIGIN || e.data !== "PONG") return;
    cleanup();
    win.postMessage({ perfetto: { buffer, title, fileName: `${title}.json` } }, ORIGIN);
  };
  function cleanup() {
    clearInterval(ping);
    clearTimeout(stop);
    window.removeEventListener("message", onMessage);
  }
  window.addEventListener("message", onMessage);
}
