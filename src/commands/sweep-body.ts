/**
 * The body of `POST /api/sweep` (src/server): a sweep spec whose base is a preset, a workload
 * object or a model preset id. Apart from src/commands/sweep.ts so that `strata sweep` starts
 * without the LLM presets and the catalog checks (test/cli-imports.test.ts).
 */
import { z } from "zod";
import { resolveCatalogCluster } from "../catalog/clusters.js";
import { listLlmPresets } from "../llm/presets.js";
import { UserError } from "../spec/errors.js";
import type { Workload } from "../spec/workload.js";
import { planSweep, presetBase, SweepSpec, takesWorkload } from "../sweep/spec.js";
import { CatalogWorkload, resolvedBy } from "./workload.js";

/** Where a body names something the API would have to read from a file: models and clusters must be catalog ids. */
function fileReference(spec: SweepSpec): { path: string; message: string } | undefined {
  const values = (flag: string): { path: string; value: unknown }[] => [
    ...(flag in spec.flags ? [{ path: `flags.${flag}`, value: spec.flags[flag] }] : []),
    ...(spec.grid[flag] ?? []).map((value, i) => ({ path: `grid.${flag}[${i}]`, value })),
  ];
  const models = [...values("--model"), ...(!takesWorkload(spec.command) && typeof spec.base === "string" ? [{ path: "base", value: spec.base }] : [])];
  for (const { path, value } of models) {
    if (!listLlmPresets().some((p) => p.id === value)) return { path, message: `expected a model preset (${listLlmPresets().map((p) => p.id).join(", ")}): the API reads no model file; found ${JSON.stringify(value)}` };
  }
  for (const { path, value } of values("--cluster")) {
    try {
      resolveCatalogCluster(String(value));
    } catch (err) {
      if (err instanceof UserError) return { path, message: err.message };
      throw err;
    }
  }
  return undefined;
}

const INLINE = "(workload in the body)";

/** `POST /api/sweep`: a sweep spec whose base is "preset:NAME", a workload object, or (llm) a model preset id. */
export const SweepBody = SweepSpec.extend({ base: z.union([z.string().min(1), CatalogWorkload]).optional() }).transform(resolvedBy((b) => {
  const body = b as Omit<SweepSpec, "base"> & { base?: string | Workload };
  const inline = typeof body.base === "object" ? body.base : undefined;
  const spec: SweepSpec = { ...body, base: typeof body.base === "string" ? body.base : inline && INLINE };
  const ref = fileReference(spec);
  if (ref) throw new UserError(`body: ${ref.path}: ${ref.message}`, ref);
  return planSweep(spec, "body", (base) => {
    if (inline) return inline;
    const w = presetBase("body", base);
    if (!w) throw new UserError(`body: base: expected "preset:NAME" or a workload object (the API reads no file); found ${JSON.stringify(base)}`, { path: "base", message: `expected "preset:NAME" or a workload object (the API reads no file); found ${JSON.stringify(base)}` });
    return w;
  });
}));
