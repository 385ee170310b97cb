/**
 * Workload files as the commands read them: the schema (spec/load.ts), then the catalog names
 * they refer to (GPU, cluster, node), each error naming the file and the field.
 */
import { loadWorkload } from "../spec/load.js";
import type { Workload } from "../spec/workload.js";
import { checkCatalogNames } from "../commands/workload.js";

export { checkCatalogNames };

export function readWorkload(file: string): Workload {
  return checkCatalogNames(loadWorkload(file), file);
}
