/** The interface every eviction policy implements, over dense object ids (see ../id-map.ts). */
import { SIZE, STRIDE } from "../trace.js";

/** The policies that follow libCacheSim's (and are checked against its results). */
export const LIBCACHESIM_POLICIES = ["lru", "fifo", "clock", "lfu", "arc", "2q", "s3fifo", "sieve", "belady"] as const;
/** All policies: libCacheSim's and set-lru, FBGEMM's 32-way set-associative LRU (objects only). */
export const POLICIES = [...LIBCACHESIM_POLICIES, "set-lru"] as const;
export type PolicyId = (typeof POLICIES)[number];

export interface Policy {
  /**
   * Serve requests 0..n-1 of a batch: `ids` are their dense ids (all below `nIds`), `rec` the
   * batch records (sizes in byte mode), `next` their next-access indices (Infinity for none),
   * when the policy needs them. Returns the number of misses.
   */
  run(ids: Int32Array, rec: Uint32Array, n: number, nIds: number, next?: Float64Array): number;
}

export interface PolicyOptions {
  /** cache capacity: objects, or bytes when `bytes` */
  capacity: number;
  bytes: boolean;
}

/** Weight of request i: its size in byte mode, else 1. */
export function weightOf(rec: Uint32Array, i: number, bytes: boolean): number {
  return bytes ? rec[i * STRIDE + SIZE]! : 1;
}
