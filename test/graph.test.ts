import { describe, expect, it } from "vitest";
import { buildDlrmInferenceGraph, buildDlrmTrainingGraph, dlrmShapes } from "../src/graph/dlrm.js";
import { defaultHostOverheads } from "../src/graph/host-overheads.js";
import { dlrmTrainingMemory } from "../src/graph/dlrm-memory.js";
import { getImplementation } from "../src/catalog/implementations.js";

const reference = getImplementation("reference");
import { tinyWorkload } from "./helpers.js";

const count = (names: string[], name: string): number => names.filter((n) => n === name).length;

describe("DLRM execution graph (3 tables)", () => {
  const w = tinyWorkload();
  const g = buildDlrmTrainingGraph(w, defaultHostOverheads(), reference);
  const names = g.ops.map((o) => o.name);
  const kernels = g.ops.flatMap((o) => o.launches.flatMap((l) => (l.kind === "kernel" ? [l.kernel] : [])));

  it("derives the interaction shapes", () => {
    const s = dlrmShapes(w.model);
    expect(s.features).toBe(4);
    expect(s.pairs).toBe(6);
    expect(s.topInput).toBe(16 + 6);
  });

  it("has one lookup, one backward and one sparse update per table", () => {
    expect(count(names, "aten::embedding_bag")).toBe(3);
    expect(count(names, "bwd:EmbeddingBagBackward0")).toBe(3);
    expect(count(names, "aten::add_ (sparse)")).toBe(3);
    expect(kernels.filter((k) => k.work.kind === "embedding-forward")).toHaveLength(3);
    expect(kernels.filter((k) => k.work.kind === "embedding-update")).toHaveLength(3);
  });

  it("runs the MLPs forward and backward, and dense SGD per parameter", () => {
    // bottom 13-64-16: 2 layers; top 22-32-1: 2 layers.
    expect(count(names, "aten::linear")).toBe(4);
    expect(count(names, "bwd:AddmmBackward0")).toBe(4);
    expect(count(names, "aten::add_")).toBe(8);
    expect(count(names, "aten::sigmoid")).toBe(1);
    expect(count(names, "aten::relu")).toBe(3);
  });

  it("has the dot interaction with its host-built index tensors and their syncs", () => {
    expect(count(names, "aten::bmm")).toBe(1);
    const index = g.ops.find((o) => o.name === "aten::index")!;
    expect(index.launches.filter((l) => l.kind === "sync")).toHaveLength(2);
    expect(g.ops.find((o) => o.name === "bwd:IndexBackward0")!.launches.filter((l) => l.kind === "sync")).toHaveLength(2);
  });

  it("orders forward, backward, optimizer", () => {
    const phases = g.ops.map((o) => o.phase);
    expect(phases.indexOf("backward")).toBeGreaterThan(phases.lastIndexOf("forward"));
    expect(phases.indexOf("optimizer")).toBeGreaterThan(phases.lastIndexOf("backward"));
  });

  it("inference is the forward without loss and backward", () => {
    const inf = buildDlrmInferenceGraph(w, defaultHostOverheads(), reference).ops.map((o) => o.name);
    expect(inf).not.toContain("aten::binary_cross_entropy");
    expect(inf.some((n) => n.startsWith("bwd:"))).toBe(false);
    expect(count(inf, "aten::embedding_bag")).toBe(3);
  });

  it("memory counts tables, sparse gradients and activations", () => {
    const m = dlrmTrainingMemory(w, reference);
    expect(m.tableBytes).toBe((1000 + 2000 + 3000) * 16 * 4);
    expect(m.peakBytes).toBeGreaterThan(m.tableBytes + m.denseParamBytes);
  });
});
