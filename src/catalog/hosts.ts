/**
 * The host catalog: data/catalog/hosts.json, CPU families and clocks with a single-thread
 * index relative to the reference host (the machine the bundled calibration was measured on),
 * every figure with its source (docs/hosts-sources.md).
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { UserError } from "../spec/errors.js";
import { dataPath } from "./data-path.js";

export const Host = z.object({
  id: z.string(),
  name: z.string(),
  vendor: z.string(),
  architecture: z.string(),
  microarchitecture: z.string(),
  cores: z.number().int().positive().nullable(),
  baseClockGHz: z.number().positive().nullable(),
  boostClockGHz: z.number().positive().nullable(),
  /** Single-thread speed relative to the reference host (higher is faster). */
  singleThreadIndex: z.number().positive(),
  /** The band the index is known to within. */
  singleThreadRange: z.tuple([z.number().positive(), z.number().positive()]),
  hostLink: z.string(),
  typicalSystems: z.array(z.string()),
  notes: z.string().optional(),
  sources: z.record(z.string(), z.string()),
});
export type Host = z.infer<typeof Host>;

const Catalog = z.object({ source_note: z.string(), reference: z.string(), hosts: z.array(Host.loose()).min(1) });

let cached: z.infer<typeof Catalog> | undefined;
const catalog = (): z.infer<typeof Catalog> => (cached ??= Catalog.parse(JSON.parse(readFileSync(dataPath("catalog/hosts.json"), "utf8"))));

export const listHosts = (): Host[] => catalog().hosts;

/** The host the bundled calibration was measured on (index 1 by definition). */
export const referenceHostId = (): string => catalog().reference;

export function getHost(id: string): Host {
  const host = listHosts().find((h) => h.id === id);
  if (!host) throw new UserError(`unknown host "${id}"; the catalog has: ${listHosts().map((h) => h.id).join(", ")} (see \`strata catalog\`)`);
  return host;
}
