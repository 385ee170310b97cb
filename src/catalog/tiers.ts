/**
 * The memory-tier catalog: devices (data/catalog/tiers.json: DRAM, CXL expanders, Optane PMem,
 * Optane and NAND SSDs) and node presets built from them (data/catalog/nodes.json), every figure
 * with its source (docs/tiers-sources.md). A node resolves to per-node tier capacities and
 * rates; HBM comes from the node's GPUs.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { UserError } from "../spec/errors.js";
import { HOMES, type Home } from "../spec/workload.js";
import { dataPath } from "./data-path.js";
import { getGpu, type Gpu } from "./gpus.js";

export const TIER_KINDS = ["dram", "cxl", "pmem", "ssd"] as const;
export type TierKind = (typeof TIER_KINDS)[number];
export { HOMES, type Home };

const num = z.number().nonnegative();
export const Device = z.object({
  id: z.string(),
  kind: z.enum(TIER_KINDS),
  name: z.string(),
  addressing: z.enum(["byte", "block"]),
  capacityBytes: z.number().positive(),
  /** Per device; a DRAM DIMM's figure is its channel's (the node multiplies by channels). */
  readBytesPerSec: z.number().positive(),
  writeBytesPerSec: z.number().positive(),
  readLatencyUs: num,
  writeLatencyUs: num,
  granuleBytes: z.number().int().positive(),
  readIops: z.number().positive(),
  writeIops: z.number().positive(),
  readIops4k: z.number().positive(),
  writeIops4k: z.number().positive(),
  activeWatts: num,
  idleWatts: num,
  dwpd: num.nullable(),
  discontinued: z.boolean(),
  date: z.string(),
  sources: z.record(z.string(), z.string()),
  assumed: z.array(z.string()).default([]),
});
export type Device = z.infer<typeof Device>;

export const NodeSpec = z.object({
  id: z.string(),
  name: z.string(),
  mode: z.enum(["train", "infer"]),
  gpu: z.string().nullable(),
  gpusPerNode: z.number().int().nonnegative(),
  cluster: z.string().nullable(),
  cpu: z.object({ name: z.string(), sockets: z.number().int().positive(), coresPerSocket: z.number().int().positive(), peakFlopsPerSecPerSocket: z.number().positive(), watts: num }),
  dram: z.object({ device: z.string(), sockets: z.number().int().positive(), channelsPerSocket: z.number().int().positive(), dimmsPerChannel: z.number().int().positive(), usableFraction: z.number().positive().max(1) }),
  devices: z.array(z.object({ device: z.string(), count: z.number().int().positive() })),
  baseWatts: num,
  sources: z.record(z.string(), z.string()),
  assumed: z.array(z.string()).default([]),
});
export type NodeSpec = z.infer<typeof NodeSpec>;

/** One tier of a node: what the planner spends (capacity) and what it costs (rates, power). */
export interface Tier {
  kind: TierKind;
  device: Device;
  count: number;
  /** Usable bytes on the node. */
  capacityBytes: number;
  readBytesPerSec: number;
  writeBytesPerSec: number;
  /** Random reads per second at the device granule, whole tier. */
  readIops: number;
  writeIops: number;
  activeWatts: number;
  idleWatts: number;
}

/** A node preset with its devices resolved. */
export interface Node {
  spec: NodeSpec;
  gpu: Gpu | undefined;
  /** dram first, then the node's other tiers, fastest first. */
  tiers: Tier[];
}

const Tiers = z.object({ source_note: z.string().optional(), devices: z.array(Device).min(1) });
const Nodes = z.object({ source_note: z.string().optional(), nodes: z.array(NodeSpec).min(1) });

let devices: Device[] | undefined;
let nodes: NodeSpec[] | undefined;

export function listDevices(): Device[] {
  devices ??= Tiers.parse(JSON.parse(readFileSync(dataPath("catalog/tiers.json"), "utf8"))).devices;
  return devices;
}

export function listNodes(): NodeSpec[] {
  nodes ??= Nodes.parse(JSON.parse(readFileSync(dataPath("catalog/nodes.json"), "utf8"))).nodes;
  return nodes;
}

export function getDevice(id: string): Device {
  const d = listDevices().find((x) => x.id === id);
  if (!d) throw new UserError(`unknown tier device "${id}"; the catalog has: ${listDevices().map((x) => x.id).join(", ")}`);
  return d;
}

const ORDER: Record<TierKind, number> = { dram: 0, cxl: 1, pmem: 2, ssd: 3 };

/** A node's tiers from its spec: DRAM = sockets x channels x DIMMs; the rest device x count. */
export function resolveNode(spec: NodeSpec): Node {
  const d = spec.dram;
  const dimm = getDevice(d.device);
  const dimms = d.sockets * d.channelsPerSocket * d.dimmsPerChannel;
  const channels = d.sockets * d.channelsPerSocket;
  // DRAM bandwidth scales with channels, not DIMMs (JEDEC: one 64-bit channel per DIMM slot group).
  const dram: Tier = {
    kind: "dram", device: dimm, count: dimms, capacityBytes: dimms * dimm.capacityBytes * d.usableFraction,
    readBytesPerSec: channels * dimm.readBytesPerSec, writeBytesPerSec: channels * dimm.writeBytesPerSec,
    readIops: (channels * dimm.readBytesPerSec) / dimm.granuleBytes, writeIops: (channels * dimm.writeBytesPerSec) / dimm.granuleBytes,
    activeWatts: dimms * dimm.activeWatts, idleWatts: dimms * dimm.idleWatts,
  };
  const byKind = new Map<TierKind, Tier>();
  for (const { device, count } of spec.devices) {
    const dev = getDevice(device);
    if (dev.kind === "dram") throw new UserError(`node "${spec.id}": DRAM goes in "dram", not in "devices" (${device})`);
    if (byKind.has(dev.kind)) throw new UserError(`node "${spec.id}": one device type per tier (${dev.kind} given twice)`);
    byKind.set(dev.kind, {
      kind: dev.kind, device: dev, count, capacityBytes: count * dev.capacityBytes,
      readBytesPerSec: count * dev.readBytesPerSec, writeBytesPerSec: count * dev.writeBytesPerSec,
      readIops: count * dev.readIops, writeIops: count * dev.writeIops,
      activeWatts: count * dev.activeWatts, idleWatts: count * dev.idleWatts,
    });
  }
  const tiers = [dram, ...[...byKind.values()].sort((a, b) => ORDER[a.kind] - ORDER[b.kind])];
  return { spec, gpu: spec.gpu ? getGpu(spec.gpu) : undefined, tiers };
}

export function getNode(id: string): Node {
  const spec = listNodes().find((n) => n.id === id);
  if (!spec) throw new UserError(`unknown node "${id}"; node presets: ${listNodes().map((n) => n.id).join(", ")} (see docs/tiers.md)`);
  return resolveNode(spec);
}

/** The same node with only its HBM and DRAM: the default baseline of `strata tier`. */
export function hbmDramOnly(node: Node): Node {
  return { spec: { ...node.spec, id: `${node.spec.id} (HBM + DRAM only)`, devices: [] }, gpu: node.gpu, tiers: node.tiers.filter((t) => t.kind === "dram") };
}

export function tierOf(node: Node, kind: TierKind): Tier | undefined {
  return node.tiers.find((t) => t.kind === kind);
}
