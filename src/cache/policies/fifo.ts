/** FIFO: evict the oldest inserted object; hits change nothing (an LRU without promotion). */
import { Lru } from "./lru.js";
import type { Policy, PolicyOptions } from "./policy.js";

export const fifo = (o: PolicyOptions): Policy => new Lru(o, false);
