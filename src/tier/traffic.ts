/**
 * What a table homed off the GPU costs per step (docs/tiers.md, "Cost"): the rows its HBM cache
 * misses cross the host link (and, in training, evicted dirty rows go back); its home tier serves
 * them, at the tier's granule (PMem 256 B, SSD blocks) with the read amplification that implies;
 * an SSD home sits behind a DRAM cache. Device time is the larger of the IOPS bound and the
 * bandwidth bound, reads plus writes (one device serves both).
 */
import type { Tier, TierKind } from "../catalog/tiers.js";
import type { CachePolicy, Home } from "../spec/workload.js";
import type { TableAccess } from "./access.js";

/**
 * Write amplification of the SSD key-value store FBGEMM's SSD TBE writes evicted rows to
 * (RocksDB, leveled compaction): RocksDB's tuning guide puts leveled compaction's write
 * amplification around 10 ("RocksDB Tuning Guide", facebook/rocksdb wiki). Assumed, docs/tiers.md.
 */
export const SSD_WRITE_AMPLIFICATION = 10;

export interface TierLoad {
  readBytes: number;
  writeBytes: number;
  readOps: number;
  writeOps: number;
}

export interface Traffic {
  /** Missed rows into HBM, bytes per step. */
  h2dBytes: number;
  /** Evicted dirty rows out of HBM (training), bytes per step. */
  d2hBytes: number;
  loads: Partial<Record<TierKind, TierLoad>>;
  /** Share of the lookups served from HBM. */
  hbmHitRate: number;
  /** Share of the lookups served by the DRAM cache (SSD homes). */
  dramHitRate: number;
}

export interface Decision {
  home: Home;
  hbmCacheRows: number;
  dramCacheRows: number;
  policy: CachePolicy;
}

const emptyLoad = (): TierLoad => ({ readBytes: 0, writeBytes: 0, readOps: 0, writeOps: 0 });

function add(loads: Traffic["loads"], kind: TierKind, l: Partial<TierLoad>): void {
  const x = (loads[kind] ??= emptyLoad());
  x.readBytes += l.readBytes ?? 0;
  x.writeBytes += l.writeBytes ?? 0;
  x.readOps += l.readOps ?? 0;
  x.writeOps += l.writeOps ?? 0;
}

/** Bytes a device moves to serve `rowBytes`: whole granules (PMem reads 256 B lines; SSDs blocks). */
export function granuleOps(rowBytes: number, granuleBytes: number): number {
  return Math.ceil(rowBytes / granuleBytes);
}

/**
 * Per-step traffic of `share` of a table (a shard serving that share of its lookups and rows,
 * caches scaled alike: hashed rows spread the hot ones evenly, so its hit ratio is the table's).
 * `granule`: the home tier's device granule; `training`: updates are written back.
 */
export function tableTraffic(d: Decision, a: TableAccess, rowBytes: number, share: number, training: boolean, granule: (kind: TierKind) => number, hit: (rows: number) => number = (r) => a.hitRatio(r, d.policy)): Traffic {
  const loads: Traffic["loads"] = {};
  if (d.home === "hbm") return { h2dBytes: 0, d2hBytes: 0, loads, hbmHitRate: 1, dramHitRate: 0 };
  const lookups = a.lookupsPerStep * share;
  const h1 = hit(d.hbmCacheRows);
  const misses = lookups * (1 - h1);
  const bytes = misses * rowBytes;
  const t: Traffic = { h2dBytes: bytes, d2hBytes: training ? bytes : 0, loads, hbmHitRate: h1, dramHitRate: 0 };
  if (d.home === "ssd") {
    // HBM and DRAM caches in series, exclusive (FBGEMM SSD TBE: L1 evictions go to the L2):
    // together they hit like one cache of both sizes (LRU inclusion).
    const h2 = Math.max(h1, hit(d.hbmCacheRows + d.dramCacheRows));
    const ssdRows = lookups * (1 - h2);
    t.dramHitRate = h2 - h1;
    const g = granule("ssd");
    add(loads, "dram", { readBytes: (misses - ssdRows) * rowBytes, readOps: (misses - ssdRows) * granuleOps(rowBytes, 64), writeBytes: ssdRows * rowBytes, writeOps: ssdRows * granuleOps(rowBytes, 64) });
    add(loads, "ssd", { readBytes: ssdRows * granuleOps(rowBytes, g) * g, readOps: ssdRows * granuleOps(rowBytes, g) });
    // Training: rows evicted from DRAM go to the key-value store, compacted (sequential writes).
    if (training) add(loads, "ssd", { writeBytes: ssdRows * rowBytes * SSD_WRITE_AMPLIFICATION });
    return t;
  }
  const g = granule(d.home);
  const ops = misses * granuleOps(rowBytes, g);
  add(loads, d.home, { readBytes: ops * g, readOps: ops, ...(training ? { writeBytes: ops * g, writeOps: ops } : {}) });
  return t;
}

export function sumTraffic(ts: Traffic[]): Traffic {
  const out: Traffic = { h2dBytes: 0, d2hBytes: 0, loads: {}, hbmHitRate: 0, dramHitRate: 0 };
  for (const t of ts) {
    out.h2dBytes += t.h2dBytes;
    out.d2hBytes += t.d2hBytes;
    for (const [k, l] of Object.entries(t.loads) as [TierKind, TierLoad][]) add(out.loads, k, l);
  }
  return out;
}

/** Busy time of one tier for a load, us: per direction the IOPS or the bandwidth bound. */
export function tierBusyUs(tier: Tier, l: TierLoad): number {
  const read = Math.max(l.readOps / tier.readIops, l.readBytes / tier.readBytesPerSec);
  const write = Math.max(l.writeOps / tier.writeIops, l.writeBytes / tier.writeBytesPerSec);
  return (read + write) * 1e6;
}

/** Busy time of each of a node's tiers under a node's load, us. */
export function nodeBusyUs(tiers: Tier[], loads: Traffic["loads"]): Partial<Record<TierKind, number>> {
  const out: Partial<Record<TierKind, number>> = {};
  for (const tier of tiers) {
    const l = loads[tier.kind];
    if (l) out[tier.kind] = tierBusyUs(tier, l);
  }
  return out;
}
