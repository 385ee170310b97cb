/** Policy ids to implementations. */
import { Arc } from "./arc.js";
import { Belady } from "./belady.js";
import { Clock } from "./clock.js";
import { fifo } from "./fifo.js";
import { Lfu } from "./lfu.js";
import { Lru } from "./lru.js";
import type { Policy, PolicyId, PolicyOptions } from "./policy.js";
import { s3fifo } from "./s3fifo.js";
import { SetLru } from "./set-lru.js";
import { sieve } from "./sieve.js";
import { TwoQ } from "./twoq.js";

export { LIBCACHESIM_POLICIES, POLICIES, type Policy, type PolicyId, type PolicyOptions } from "./policy.js";

export function makePolicy(id: PolicyId, o: PolicyOptions): Policy {
  switch (id) {
    case "lru": return new Lru(o);
    case "fifo": return fifo(o);
    case "clock": return new Clock(o);
    case "lfu": return new Lfu(o);
    case "arc": return new Arc(o);
    case "2q": return new TwoQ(o);
    case "s3fifo": return s3fifo(o);
    case "sieve": return sieve(o);
    case "belady": return new Belady(o);
    case "set-lru": return new SetLru(o);
  }
}
