/**
 * A sweep row as it crosses threads and hosts: its JSON text, made where it ran, and the two
 * objective values the Pareto front and the top k need. The collecting thread then holds one
 * string per configuration (no object graph to clone, keep and mark) and writes the document
 * by joining them, so serialising a sweep's results runs on every worker, not on one thread.
 */
import { objectiveValue, rankable } from "./pareto.js";
import type { SweepRow, SweepTask } from "./run.js";

export interface PackedRow {
  index: number;
  /** JSON.stringify of the row: {index, params, result} or {index, params, error} */
  json: string;
  failed: boolean;
  /** the task's two objectives, when the row is rankable and has both */
  values?: [number, number];
}

export function pack(row: SweepRow, task: SweepTask): PackedRow {
  const names = task.objectives && rankable(row) ? task.objectives : undefined;
  const a = names && objectiveValue(task.command, row, names[0], task.flags);
  const b = names && objectiveValue(task.command, row, names[1], task.flags);
  return { index: row.index, json: JSON.stringify(row), failed: "error" in row, ...(a !== undefined && b !== undefined ? { values: [a, b] as [number, number] } : {}) };
}

export function unpack(row: PackedRow): SweepRow {
  return JSON.parse(row.json) as SweepRow;
}

/**
 * `strata sweep --json`: the document with each result on its own line, as its JSON text (the
 * same bytes whichever thread or host made it).
 */
export function documentText(head: { runs: number; pareto: number[]; top?: number[] }, rows: readonly PackedRow[]): string {
  const doc = (results: unknown[]) => ({ runs: head.runs, results, pareto: head.pareto, ...(head.top ? { top: head.top } : {}) });
  if (rows.length === 0) return JSON.stringify(doc([]), null, 2) + "\n";
  const HOLE = "\u0000results\u0000";
  const text = JSON.stringify(doc([HOLE]), null, 2);
  const at = text.indexOf(JSON.stringify(HOLE));
  return text.slice(0, at) + rows.map((r) => r.json).join(",\n    ") + text.slice(at + JSON.stringify(HOLE).length) + "\n";
}
