/**
 * Workloads and catalog names as every command takes them: the workload schema, then the
 * catalog names it refers to (GPU, cluster, node). A file's errors name the file and the field;
 * an API body's errors carry the field path (`workloads[0].hardware.gpu`).
 */
import { z } from "zod";
import { resolveCatalogCluster, resolveCluster } from "../catalog/clusters.js";
import { listGpus } from "../catalog/gpus.js";
import { getNode } from "../catalog/tiers.js";
import { UserError } from "../spec/errors.js";
import { NESTED_ERROR } from "../spec/load.js";
import { Workload } from "../spec/workload.js";

/** What a lookup refuses (a UserError's message), or undefined when it accepts. */
function refusal(lookup: () => unknown): string | undefined {
  try {
    lookup();
    return undefined;
  } catch (err) {
    if (err instanceof UserError) return err.message;
    throw err;
  }
}

interface CatalogIssue {
  path: string[];
  message: string;
  input: string;
}

/** The first catalog name of `w` that does not exist; `files`: a cluster may be a cluster file. */
function catalogIssue(w: Workload, files: boolean): CatalogIssue | undefined {
  const h = w.hardware;
  if ("gpu" in h && !listGpus().some((g) => g.id === h.gpu)) {
    return { path: ["hardware", "gpu"], message: `unknown GPU "${h.gpu}"; expected one of ${listGpus().map((g) => g.id).join(", ")} (see \`strata catalog\`)`, input: h.gpu };
  }
  const cluster = "cluster" in h ? refusal(() => (files ? resolveCluster(h.cluster) : resolveCatalogCluster(h.cluster))) : undefined;
  if (cluster !== undefined && "cluster" in h) return { path: ["hardware", "cluster"], message: cluster, input: h.cluster };
  const node = h.node !== undefined ? refusal(() => getNode(h.node!)) : undefined;
  if (node !== undefined) return { path: ["hardware", "node"], message: node, input: h.node! };
  return undefined;
}

/** The catalog names a workload refers to (GPU, cluster, node) exist; errors name `file` and the field. */
export function checkCatalogNames(w: Workload, file: string): Workload {
  const issue = catalogIssue(w, true);
  if (issue) throw new UserError(`${file}: at ${issue.path.join(".")}: ${issue.message}`, { path: issue.path.join("."), message: issue.message });
  return w;
}

/** A workload in an API body: the file schema plus the catalog check (a cluster is a catalog id, never a file). */
export const CatalogWorkload = Workload.superRefine((w, ctx) => {
  const issue = catalogIssue(w, false);
  if (issue) ctx.addIssue({ code: "custom", path: issue.path, message: issue.message, input: issue.input });
});

/** A string the catalog lookup accepts; what the lookup says otherwise is the field's error. */
export function catalogId(lookup: (id: string) => unknown) {
  return z.string().min(1).superRefine((id, ctx) => {
    const message = refusal(() => lookup(id));
    if (message !== undefined) ctx.addIssue({ code: "custom", message, input: id });
  });
}

/**
 * A zod transform that resolves a nested document with a library function which validates it
 * itself (a model spec, a Hugging Face config): its error becomes the body's, at the field
 * below this one.
 */
export function resolvedBy<T>(resolve: (doc: unknown) => T) {
  return (doc: unknown, ctx: z.RefinementCtx): T => {
    try {
      return resolve(doc);
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      ctx.addIssue({ code: "custom", message: err.field?.message ?? err.message, params: { [NESTED_ERROR]: err.field?.path ?? "" } });
      return z.NEVER;
    }
  };
}

/** A switch in a query string (`?ownOverheads=1`, `?bytes`): 1, true or empty is on; 0 or false off. */
export const queryFlag = z.enum(["1", "true", "0", "false", ""]).transform((v) => v === "1" || v === "true" || v === "");
