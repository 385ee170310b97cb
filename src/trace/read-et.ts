/**
 * PyTorch execution traces (ExecutionTraceObserver, the input of MLCommons Chakra and of Lin
 * et al.'s model): every op with its parent, thread and exact tensor shapes, and data
 * dependencies through tensor ids. Streamed like Kineto traces ("nodes" element by element).
 */
import { UserError } from "../spec/errors.js";
import { streamJsonArray } from "./json-stream.js";

export interface EtNode {
  id: number;
  name: string;
  parent: number;
  tid: number;
  /** Shapes of tensor inputs and outputs ([] for non-tensor arguments). */
  inputShapes: unknown[];
  outputShapes: unknown[];
  /** Tensor ids read and written (the first field of a tensor value). */
  inputTensors: number[];
  outputTensors: number[];
}

export interface ExecutionTrace {
  file: string;
  schema: string;
  nodes: EtNode[];
}

const tensorIds = (values: unknown, types: unknown): number[] => {
  if (!Array.isArray(values) || !Array.isArray(types)) return [];
  const ids: number[] = [];
  values.forEach((v, i) => {
    if (String(types[i]).startsWith("Tensor(") && Array.isArray(v) && typeof v[0] === "number") ids.push(v[0]);
  });
  return ids;
};

export async function readExecutionTrace(file: string): Promise<ExecutionTrace> {
  const nodes: EtNode[] = [];
  const doc = await streamJsonArray(file, "nodes", (value, index) => {
    const n = value as { id?: unknown; name?: unknown; ctrl_deps?: unknown; inputs?: Record<string, unknown>; outputs?: Record<string, unknown>; attrs?: Array<{ name: string; value: unknown }> };
    if (typeof n !== "object" || n === null || typeof n.id !== "number" || typeof n.name !== "string") {
      throw new UserError(`${file}: nodes[${index}]: expected an object with a numeric "id" and a string "name"`);
    }
    const attr = (name: string): unknown => n.attrs?.find((a) => a.name === name)?.value;
    nodes.push({
      id: n.id,
      name: n.name,
      parent: typeof n.ctrl_deps === "number" ? n.ctrl_deps : -1,
      tid: Number(attr("tid") ?? 0),
      inputShapes: (n.inputs?.shapes as unknown[]) ?? [],
      outputShapes: (n.outputs?.shapes as unknown[]) ?? [],
      inputTensors: tensorIds(n.inputs?.values, n.inputs?.types),
      outputTensors: tensorIds(n.outputs?.values, n.outputs?.types),
    });
  });
  if (!doc.found) throw new UserError(`${file}: expected a PyTorch execution trace with a "nodes" array, found none`);
  return { file, schema: String(doc.fields.schema ?? "unknown"), nodes };
}

/** Op counts, GEMM FLOPs from exact shapes, and data-dependency edges between ops. */
export function summarizeExecutionTrace(et: ExecutionTrace) {
  const byName = new Map<string, number>();
  let gemmFlops = 0;
  const producer = new Map<number, number>();
  let dataEdges = 0;
  const shape = (x: unknown): number[] => (Array.isArray(x) && x.every((d) => typeof d === "number") ? (x as number[]) : []);
  for (const n of et.nodes) {
    byName.set(n.name, (byName.get(n.name) ?? 0) + 1);
    const [a, b] = [shape(n.inputShapes[0]), shape(n.inputShapes[1])];
    if (n.name === "aten::mm" && a.length === 2 && b.length === 2) gemmFlops += 2 * a[0]! * a[1]! * b[1]!;
    if (n.name === "aten::bmm" && a.length === 3 && b.length === 3) gemmFlops += 2 * a[0]! * a[1]! * a[2]! * b[2]!;
    if (n.name === "aten::addmm") {
      const [x, w] = [shape(n.inputShapes[1]), shape(n.inputShapes[2])];
      if (x.length === 2 && w.length === 2) gemmFlops += 2 * x[0]! * x[1]! * w[1]!;
    }
    for (const t of n.inputTensors) if (producer.has(t) && producer.get(t) !== n.id) dataEdges++;
    for (const t of n.outputTensors) producer.set(t, n.id);
  }
  return {
    file: et.file,
    schema: et.schema,
    nodes: et.nodes.length,
    threads: [...new Set(et.nodes.map((n) => n.tid))].length,
    gemmFlops,
    dataDependencies: dataEdges,
    topOps: [...byName].sort((x, y) => y[1] - x[1]).slice(0, 15).map(([name, count]) => ({ name, count })),
  };
}
