/**
 * Workload files as the commands read them: the schema (spec/load.ts), then the catalog names
 * they refer to (GPU, cluster, node), each error naming the file and the field.
 */
import { resolveCluster } from "../catalog/clusters.js";
import { listGpus } from "../catalog/gpus.js";
import { getNode } from "../catalog/tiers.js";
import { UserError } from "../spec/errors.js";
import { loadWorkload } from "../spec/load.js";
import type { Workload } from "../spec/workload.js";

function checked(file: string, field: string, check: () => unknown): void {
  try {
    check();
  } catch (err) {
    if (err instanceof UserError) throw new UserError(`${file}: at ${field}: ${err.message}`);
    throw err;
  }
}

export function readWorkload(file: string): Workload {
  return checkCatalogNames(loadWorkload(file), file);
}

/** The catalog names a workload refers to (GPU, cluster, node) exist; errors name `file` and the field. */
export function checkCatalogNames(w: Workload, file: string): Workload {
  const h = w.hardware;
  if ("gpu" in h && !listGpus().some((g) => g.id === h.gpu)) {
    throw new UserError(`${file}: at hardware.gpu: unknown GPU "${h.gpu}"; expected one of ${listGpus().map((g) => g.id).join(", ")} (see \`strata catalog\`)`);
  }
  if ("cluster" in h) checked(file, "hardware.cluster", () => resolveCluster(h.cluster));
  if (h.node !== undefined) checked(file, "hardware.node", () => getNode(h.node!));
  return w;
}
