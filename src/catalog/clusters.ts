/**
 * Cluster presets (data/catalog/clusters.json, with sources) and single hosts of 8 of every
 * catalog GPU, generated from the GPU catalog. A cluster may also come from a JSON/YAML file.
 */
import { existsSync, readFileSync } from "node:fs";
import { z } from "zod";
import { parseDocument, readText, validate } from "../spec/load.js";
import { UserError } from "../spec/errors.js";
import { dataPath } from "./data-path.js";
import { getGpu, listGpus, type Gpu } from "./gpus.js";

const Link = z.object({ kind: z.string(), bandwidthBytesPerSec: z.number().positive(), latencyUs: z.number().nonnegative() });

export const ClusterSpec = z.object({
  id: z.string(),
  name: z.string().default(""),
  gpu: z.string(),
  hosts: z.number().int().positive(),
  gpusPerHost: z.number().int().positive(),
  /** Per GPU, per direction. */
  intraHost: Link,
  interHost: Link.extend({ nicsPerGpu: z.number().positive().default(1) }),
  topology: z.enum(["rail-optimized", "fat-tree", "single-host"]).default("rail-optimized"),
  hostDramBytes: z.number().positive(),
  sources: z.record(z.string(), z.string()).default({}),
});
export type ClusterSpec = z.infer<typeof ClusterSpec>;

export interface Cluster extends ClusterSpec {
  gpuSpec: Gpu;
  ranks: number;
}

function presets(): ClusterSpec[] {
  const file = z.object({ clusters: z.array(ClusterSpec) }).parse(JSON.parse(readFileSync(dataPath("catalog/clusters.json"), "utf8")));
  const singles = listGpus().map((g): ClusterSpec => {
    const nvlink = g.nvlinkBandwidthBytesPerSec > 0 ? g.nvlinkBandwidthBytesPerSec / 2 : g.hostLink.bandwidthBytesPerSecPerDirection;
    return {
      id: `1x8-${g.id}`,
      name: `one host with 8 ${g.name}`,
      gpu: g.id,
      hosts: 1,
      gpusPerHost: 8,
      intraHost: { kind: g.nvlinkBandwidthBytesPerSec > 0 ? "NVLink" : "PCIe", bandwidthBytesPerSec: nvlink, latencyUs: 3 },
      interHost: { kind: "none (single host)", nicsPerGpu: 1, bandwidthBytesPerSec: 25e9, latencyUs: 8 },
      topology: "single-host",
      hostDramBytes: 1e12,
      sources: { intraHost: `half of the catalog's bidirectional NVLink figure for ${g.id} (${g.sources.nvlinkBandwidthBytesPerSec ?? "catalog"})`, hostDramBytes: "assumed 1 TB" },
    };
  });
  return [...file.clusters, ...singles];
}

export function listClusters(): ClusterSpec[] {
  return presets();
}

function withGpu(spec: ClusterSpec): Cluster {
  return { ...spec, gpuSpec: getGpu(spec.gpu), ranks: spec.hosts * spec.gpusPerHost };
}

/** The same cluster with another number of hosts (and GPUs per host); ranks follow. */
export function reshapeCluster(c: Cluster, hosts: number, gpusPerHost = c.gpusPerHost): Cluster {
  return { ...c, hosts, gpusPerHost, ranks: hosts * gpusPerHost };
}

/** A preset id, or a JSON/YAML file describing one cluster. */
export function resolveCluster(idOrFile: string): Cluster {
  const preset = presets().find((c) => c.id === idOrFile);
  if (preset) return withGpu(preset);
  if (existsSync(idOrFile)) return withGpu(validate(ClusterSpec, parseDocument(readText(idOrFile), idOrFile), idOrFile, "cluster"));
  throw new UserError(`unknown cluster "${idOrFile}": not a preset (${presets().map((c) => c.id).join(", ")}) nor a file`);
}
