/**
 * Clusters: the named presets of data/catalog/clusters.json, generated ids
 * `<hosts>x<gpusPerHost>-<gpu>` for any catalog GPU (network and host DRAM of that GPU's usual
 * systems from data/catalog/networks.json, with sources), or a JSON/YAML file describing one.
 */
import { existsSync, readFileSync } from "node:fs";
import { z } from "zod";
import { parseDocument, readText, validate } from "../spec/load.js";
import { UserError } from "../spec/errors.js";
import { dataPath } from "./data-path.js";
import { getGpu, listGpus, type Gpu } from "./gpus.js";

/**
 * Bounds: 72 GPUs per host is one GB200 NVL72 NVLink domain; 4096 ranks is 4x the largest
 * published DLRM training jobs (MLPerf DLRM-DCNv2 up to 1024 GPUs) and what the planner, which
 * simulates every distinct rank, plans in seconds (8192 ranks take ~40 s and 2 GB).
 */
export const MAX_HOSTS = 4096;
export const MAX_GPUS_PER_HOST = 72;
export const MAX_RANKS = 4096;

const Link = z.object({ kind: z.string(), bandwidthBytesPerSec: z.number().positive(), latencyUs: z.number().nonnegative() });

export const ClusterSpec = z.object({
  id: z.string(),
  name: z.string().default(""),
  gpu: z.string(),
  hosts: z.number().int().positive().max(MAX_HOSTS),
  gpusPerHost: z.number().int().positive().max(MAX_GPUS_PER_HOST),
  /** Per GPU, per direction. */
  intraHost: Link,
  interHost: Link.extend({ nicsPerGpu: z.number().positive().default(1) }),
  topology: z.enum(["rail-optimized", "fat-tree", "single-host"]).default("rail-optimized"),
  hostDramBytes: z.number().positive(),
  sources: z.record(z.string(), z.string()).default({}),
}).superRefine((c, ctx) => {
  if (c.hosts * c.gpusPerHost > MAX_RANKS) ctx.addIssue({ code: "custom", path: ["hosts"], input: c.hosts, message: `hosts x gpusPerHost must be at most ${MAX_RANKS} ranks (${c.hosts} x ${c.gpusPerHost} = ${c.hosts * c.gpusPerHost})` });
});
export type ClusterSpec = z.infer<typeof ClusterSpec>;

export interface Cluster extends ClusterSpec {
  gpuSpec: Gpu;
  ranks: number;
}

/** One GPU's usual systems: scale-out NICs (per NIC, per direction) and host DRAM per system. */
const Network = Link.extend({
  system: z.string(),
  gpusPerSystem: z.number().int().positive(),
  nvlinkGpus: z.number().int().nonnegative(),
  nicsPerGpu: z.number().positive(),
  hostDramBytes: z.number().positive(),
  sources: z.record(z.string(), z.string()),
});
export type Network = z.infer<typeof Network>;

export const CLUSTER_ID_PATTERN = /^(\d+)x(\d+)-(.+)$/;
const PATTERN_HELP = "<hosts>x<gpusPerHost>-<gpu-id>, e.g. 2x8-h100-sxm-80gb";

let networks: Record<string, Network> | undefined;

/** data/catalog/networks.json, keyed by catalog GPU id. */
export function listNetworks(): Record<string, Network> {
  networks ??= z
    .object({ source_note: z.string().optional(), networks: z.record(z.string(), Network) })
    .parse(JSON.parse(readFileSync(dataPath("catalog/networks.json"), "utf8"))).networks;
  return networks;
}

let presets: readonly ClusterSpec[] | undefined;

/** data/catalog/clusters.json, read and validated once (a sweep resolves a cluster per configuration). */
function namedPresets(): readonly ClusterSpec[] {
  presets ??= z.object({ clusters: z.array(ClusterSpec) }).parse(JSON.parse(readFileSync(dataPath("catalog/clusters.json"), "utf8"))).clusters;
  return presets;
}

function count(id: string, what: string, text: string, max: number): number {
  const n = Number(text);
  if (n < 1 || n > max) throw new UserError(`cluster "${id}": ${what} must be an integer from 1 to ${max} (${PATTERN_HELP}), found ${text}`);
  return n;
}

/** The cluster named by a generated id, or undefined when the id does not have that shape. */
function generated(id: string): ClusterSpec | undefined {
  const m = CLUSTER_ID_PATTERN.exec(id);
  if (!m) return undefined;
  const hosts = count(id, "hosts", m[1]!, MAX_HOSTS);
  const gpusPerHost = count(id, "gpusPerHost", m[2]!, MAX_GPUS_PER_HOST);
  if (hosts * gpusPerHost > MAX_RANKS) throw new UserError(`cluster "${id}": at most ${MAX_RANKS} ranks (hosts x gpusPerHost), found ${hosts} x ${gpusPerHost} = ${hosts * gpusPerHost}: the planner simulates every rank`);
  const g = listGpus().find((x) => x.id === m[3]);
  if (!g) throw new UserError(`cluster "${id}": the GPU part of ${PATTERN_HELP} must be a catalog GPU (${listGpus().map((x) => x.id).join(", ")}), found GPU "${m[3]}"`);
  const net = listNetworks()[g.id];
  if (!net) throw new UserError(`cluster "${id}": GPU "${g.id}" has no entry in data/catalog/networks.json`);
  // NVLink only inside one NVLink fabric (NVSwitch board, NVL72 rack, or a bridged pair of PCIe
  // cards); a bigger host talks over PCIe (catalog hostLink). Catalog NVLink is bidirectional.
  const nvlink = g.nvlinkBandwidthBytesPerSec > 0 && gpusPerHost <= net.nvlinkGpus;
  return {
    id,
    name: `${hosts} x ${gpusPerHost} ${g.name}, ${net.kind} (as ${net.system})`,
    gpu: g.id,
    hosts,
    gpusPerHost,
    intraHost: nvlink
      ? { kind: "NVLink", bandwidthBytesPerSec: g.nvlinkBandwidthBytesPerSec / 2, latencyUs: 3 }
      : { kind: g.hostLink.kind, bandwidthBytesPerSec: g.hostLink.bandwidthBytesPerSecPerDirection, latencyUs: 3 },
    interHost: { kind: net.kind, nicsPerGpu: net.nicsPerGpu, bandwidthBytesPerSec: net.bandwidthBytesPerSec, latencyUs: net.latencyUs },
    topology: hosts === 1 ? "single-host" : "rail-optimized",
    hostDramBytes: (net.hostDramBytes * gpusPerHost) / net.gpusPerSystem,
    sources: {
      shape: `generated from the id; system as ${net.system}: ${net.sources.system ?? "networks.json"}`,
      intraHost: nvlink
        ? `half of the catalog's bidirectional NVLink figure for ${g.id} (${g.sources.nvlinkBandwidthBytesPerSec ?? "catalog"}); ~3 us (NCCL typical)`
        : `catalog host link of ${g.id} (${g.sources.hostLink ?? "catalog"}): ${gpusPerHost} GPUs exceed its NVLink fabric of ${net.nvlinkGpus} (${net.sources.nvlinkGpus ?? "networks.json"}); ~3 us assumed`,
      interHost: `${net.sources.interHost ?? "networks.json"} Latency: ${net.sources.latencyUs ?? "networks.json"}`,
      hostDramBytes: `${net.sources.hostDramBytes ?? "networks.json"} Scaled to ${gpusPerHost} of its ${net.gpusPerSystem} GPUs.`,
    },
  };
}

/** The named presets plus one generated example per catalog GPU (`1x8-<gpu>`). */
export function listClusters(): ClusterSpec[] {
  return [...namedPresets(), ...listGpus().map((g) => generated(`1x8-${g.id}`)!)];
}

function withGpu(spec: ClusterSpec): Cluster {
  return { ...spec, gpuSpec: getGpu(spec.gpu), ranks: spec.hosts * spec.gpusPerHost };
}

/** The same cluster with another number of hosts (and GPUs per host); ranks follow. */
export function reshapeCluster(c: Cluster, hosts: number, gpusPerHost = c.gpusPerHost): Cluster {
  return { ...c, hosts, gpusPerHost, ranks: hosts * gpusPerHost };
}

/** A named preset, a generated id `<hosts>x<gpusPerHost>-<gpu>`, or a JSON/YAML file describing one cluster. */
export function resolveCluster(idOrFile: string): Cluster {
  return clusterOf(idOrFile, true);
}

/** A named preset or a generated id, never a file (the API reads no file a body names). */
export function resolveCatalogCluster(id: string): Cluster {
  return clusterOf(id, false);
}

function clusterOf(idOrFile: string, files: boolean): Cluster {
  const preset = namedPresets().find((c) => c.id === idOrFile);
  if (preset) return withGpu(preset);
  const isFile = files && existsSync(idOrFile);
  // A file of that shape's name (e.g. 2x8-mine.yaml) is still read as a file.
  let spec: ClusterSpec | undefined;
  try {
    spec = generated(idOrFile);
  } catch (e) {
    if (!isFile) throw e;
  }
  if (spec) return withGpu(spec);
  if (isFile) return withGpu(validate(ClusterSpec, parseDocument(readText(idOrFile), idOrFile), idOrFile, "cluster"));
  throw new UserError(
    `unknown cluster "${idOrFile}": not a preset (${namedPresets().map((c) => c.id).join(", ")}), an id ${PATTERN_HELP} (GPUs: ${listGpus().map((g) => g.id).join(", ")})${files ? ", nor a file" : ""}`,
  );
}
