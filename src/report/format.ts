/** Plain-text tables and unit formatting for terminal output. */
export function table(headers: string[], rows: string[][], alignRight: boolean[] = []): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (alignRight[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ").trimEnd();
  return [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

export const ms = (us: number): string => (us / 1000).toFixed(2);
export const gb = (bytes: number): string => (bytes / 1e9).toFixed(2);
export const pct = (x: number): string => `${(x * 100).toFixed(0)}%`;
/** 1.35M, 430K: token counts at a glance. */
export const shortCount = (n: number): string => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : `${Math.round(n / 1e3)}K`);
