/**
 * Maps 64-bit object ids (lo/hi u32 halves) to dense int32 indices 0, 1, 2, ... in order of
 * first appearance, so policies can keep per-object state in typed arrays. Three modes, each
 * left for the next for good when an id breaks its rule:
 *
 * Identity: while every id is below 2^32 and each new id is the number of ids seen so far (a
 * trace written by `strata cache convert --dense`), an id is its own index and nothing is held.
 *
 * Direct: the upper half names a table (embedding ids often carry a table number in their upper
 * bits, `table << 32 | row` or `table << 48 | row`; ids below 2^32 are all table 0) and each
 * table is a region of one Int32Array (lower half -> index + 1, 0: unseen). It holds while there
 * are at most 64 tables, every lower half is below 2^30, and the regions together have at most
 * 8 slots per id seen plus 2^25: at 4 bytes a slot that is what the hash table costs per id
 * (16-byte slots at 25-50% load) plus 128 MiB, which lets a big table's scattered rows be
 * placed before many ids have been seen (untouched pages cost no memory).
 *
 * Hash: open addressing with linear probing over a power-of-two table, grown at 50% load; each
 * slot is 4 int32 (lo, hi, index + 1, unused) so a probe touches one cache line. Slots are
 * chosen by Fibonacci hashing (Knuth, TAOCP vol. 3, 6.4): the top bits of a multiplicative hash.
 *
 * A batch is mapped in passes (mapRecords): first each request's slot (or 0 when it needs the
 * slow path), then a loop that only gathers those slots, then the new ids in request order.
 * The gather loop has no branch and one array, so the CPU keeps many of its cache misses in
 * flight: the lookups of a 20M-request embedding trace (2.4M ids in 8 tables) took 0.24 s of CPU
 * against 0.47 s in one fused loop (a development measurement).
 */
const GOLDEN = 0x9e3779b1;
const MAX_TABLES = 64;
/**
 * The table-number lookup is a perfect hash: 4096 slots (16 KiB for keys and as much for table
 * indices, cache-resident), and a multiplier re-chosen whenever two tables would share a slot
 * (64 keys in 4096 slots collide with probability about 0.4, so a few tries suffice). A lookup
 * is one multiply and two loads with no data-dependent branch, so requests that hop between
 * tables at random cost no mispredictions.
 */
const TABLE_BITS = 12;
const MULTIPLIER_TRIES = 1000;
const DIRECT_FREE = 1 << 25;
const DIRECT_MAX_LO = 1 << 30;
const EMPTY = new Int32Array(0);

/** Pass 1 of direct mode: each request's slot in `flat`, or 0 (a slot always 0) for a new table or a row beyond its region. */
function slotsOf(rec: Uint32Array, n: number, at: Int32Array, key: Int32Array, slot: Int32Array, mult: number, base: Int32Array, cap: Int32Array): void {
  for (let i = 0, b = 1; i < n; i++, b += 6) {
    const lo = rec[b]!;
    const hi = rec[b + 1]!;
    const s = Math.imul(hi, mult) >>> (32 - TABLE_BITS);
    const t = slot[s]! - 1;
    at[i] = t >= 0 && key[s] === (hi | 0) && lo < cap[t]! ? base[t]! + lo : 0;
  }
}

/**
 * Pass 2: one load per request and no branch. Unrolled by 8: with the arrays passed in (not
 * constants) V8 spends instructions per element on them, and fewer instructions per load lets
 * the CPU keep more cache misses in flight (0.55 -> 0.40 s on 20M requests, 2.4M ids).
 */
function gather(flat: Int32Array, at: Int32Array, n: number, out: Int32Array): void {
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const a = flat[at[i]!]!;
    const b = flat[at[i + 1]!]!;
    const c = flat[at[i + 2]!]!;
    const d = flat[at[i + 3]!]!;
    const e = flat[at[i + 4]!]!;
    const f = flat[at[i + 5]!]!;
    const g = flat[at[i + 6]!]!;
    const h = flat[at[i + 7]!]!;
    out[i] = a;
    out[i + 1] = b;
    out[i + 2] = c;
    out[i + 3] = d;
    out[i + 4] = e;
    out[i + 5] = f;
    out[i + 6] = g;
    out[i + 7] = h;
  }
  for (; i < n; i++) out[i] = flat[at[i]!]!;
}

/** Pass 3: slot values to indices (value - 1); the requests that read 0 (new ids) are listed in `fresh`, their number returned. */
function toIndices(out: Int32Array, n: number, fresh: Int32Array): number {
  let k = 0;
  for (let i = 0; i < n; i++) {
    const v = out[i]!;
    out[i] = v - 1;
    if (v === 0) fresh[k++] = i;
  }
  return k;
}

export class IdMap {
  /** number of distinct ids seen */
  size = 0;
  /** which of the three modes (below) maps ids now */
  mode: "identity" | "direct" | "hash" = "identity";
  /** direct mode: every table's region; slot 0 is always 0 (requests that need the slow path read it) */
  private flat = new Int32Array(1024);
  /** first slot after the last region (regions left behind by a move are dead until the next repack) */
  private end = 1;
  /**
   * per table: its upper half, its region's start, the slots in use (rows below `cap` are
   * looked up) and the slots reserved (`cap` grows in place up to `room`; slots past `cap`
   * were never written, so reserving them costs address space, not memory)
   */
  private readonly tableHi: number[] = [];
  private readonly base = new Int32Array(MAX_TABLES);
  private readonly cap = new Int32Array(MAX_TABLES);
  private readonly room = new Int32Array(MAX_TABLES);
  /** total of `cap` over the tables: the slots that may be in memory */
  private live = 0;
  /** counts moves of regions, which make slots found before them stale */
  private moves = 0;
  /** table-number lookup: slot = imul(hi, mult) >>> (32 - TABLE_BITS); its upper half (as int32) and table index + 1 (0: empty) */
  private tableKey = new Int32Array(1 << TABLE_BITS);
  private tableSlot = new Int32Array(1 << TABLE_BITS);
  private mult = GOLDEN;
  /** per batch, direct mode: each request's flat slot */
  private at = new Int32Array(0);
  /** per batch, direct mode: the requests that read 0 */
  private fresh = new Int32Array(0);
  /** hash mode: slots of 4 int32: lo, hi, dense index + 1 (0: empty), unused */
  private tab = EMPTY;
  private shift = 32;

  /** The dense index of (lo, hi), adding it if new. */
  get(lo: number, hi: number): number {
    if (this.mode === "identity") {
      if (hi === 0 && lo <= this.size) {
        if (lo === this.size) this.size++;
        return lo;
      }
      this.leaveIdentity();
    }
    if (this.mode === "direct") {
      const t = this.table(hi);
      if (t >= 0 && (lo < this.cap[t]! || this.growTable(t, lo))) {
        const s = this.base[t]! + lo;
        const v = this.flat[s]!;
        if (v !== 0) return v - 1;
        this.flat[s] = ++this.size;
        return this.size - 1;
      }
    }
    const l = lo | 0;
    const h = hi | 0;
    const s = this.probe(l, h);
    const v = this.tab[s + 2]!;
    return v !== 0 ? v - 1 : this.insert(l, h, s);
  }

  /** The dense index of (lo, hi), or -1 if it was never seen. */
  find(lo: number, hi: number): number {
    if (this.mode === "identity") return hi === 0 && lo < this.size ? lo : -1;
    if (this.mode === "direct") {
      const s = Math.imul(hi, this.mult) >>> (32 - TABLE_BITS);
      const w = this.tableSlot[s]!;
      if (w === 0 || this.tableKey[s] !== (hi | 0)) return -1;
      return lo < this.cap[w - 1]! ? this.flat[this.base[w - 1]! + lo]! - 1 : -1;
    }
    return this.tab[this.probe(lo | 0, hi | 0) + 2]! - 1;
  }

  /** Map a batch of records (oracleGeneral layout, 6 u32 per record) to dense ids. */
  mapRecords(rec: Uint32Array, n: number, out: Int32Array): void {
    if (this.mode === "identity") this.mapIdentity(rec, n, out);
    else if (this.mode === "direct") this.addFresh(rec, this.mapDirect(rec, n, out), out);
    else this.mapHash(rec, n, out);
  }

  private mapIdentity(rec: Uint32Array, n: number, out: Int32Array): void {
    let size = this.size;
    let i = 0;
    for (let b = 1; i < n; i++, b += 6) {
      const lo = rec[b]!;
      if (rec[b + 1] !== 0 || lo > size) break;
      if (lo === size) size++;
      out[i] = lo;
    }
    this.size = size;
    if (i === n) return;
    this.leaveIdentity();
    this.mapRecords(rec.subarray(6 * i), n - i, out.subarray(i));
  }

  /** Passes 1 to 3 of direct mode; returns the number of requests that read 0, listed in `fresh`. */
  private mapDirect(rec: Uint32Array, n: number, out: Int32Array): number {
    if (this.at.length < n) {
      this.at = new Int32Array(n);
      this.fresh = new Int32Array(n);
    }
    slotsOf(rec, n, this.at, this.tableKey, this.tableSlot, this.mult, this.base, this.cap);
    gather(this.flat, this.at, n, out);
    return toIndices(out, n, this.fresh);
  }

  /**
   * The new ids of a batch, in request order (an id new to the batch read 0 at each of its
   * requests, and the first adds it). Kept apart from the passes: with this call in the same
   * function, they ran 3x slower.
   */
  private addFresh(rec: Uint32Array, k: number, out: Int32Array): void {
    const moves = this.moves;
    const fresh = this.fresh;
    const at = this.at;
    for (let j = 0; j < k; j++) {
      const i = fresh[j]!;
      out[i] = this.added(rec, i, at[i]!, moves);
    }
  }

  /**
   * The index of request i, which read slot s as 0: a new id (or one added earlier in this
   * batch). Once a region has moved (`moves` changed) the slots found before are stale, and the
   * slow path looks the id up again. Out of line, so the mapping loop keeps its type feedback.
   */
  private added(rec: Uint32Array, i: number, s: number, moves: number): number {
    if (s !== 0 && this.moves === moves) {
      const v = this.flat[s]!;
      if (v !== 0) return v - 1;
      this.flat[s] = ++this.size;
      return this.size - 1;
    }
    return this.get(rec[6 * i + 1]!, rec[6 * i + 2]!);
  }

  /** Hash mode, probe() inlined: this loop runs once per request. */
  private mapHash(rec: Uint32Array, n: number, out: Int32Array): void {
    let tab = this.tab;
    let mask = tab.length - 4;
    let shift = this.shift;
    for (let i = 0, b = 1; i < n; i++, b += 6) {
      const l = rec[b]! | 0;
      const h = rec[b + 1]! | 0;
      let s = (Math.imul(l ^ Math.imul(h, GOLDEN), GOLDEN) >>> shift) << 2;
      for (;;) {
        const v = tab[s + 2]!;
        if (v === 0) {
          out[i] = this.insert(l, h, s);
          tab = this.tab;
          mask = tab.length - 4;
          shift = this.shift;
          break;
        }
        if (tab[s] === l && tab[s + 1] === h) {
          out[i] = v - 1;
          break;
        }
        s = (s + 4) & mask;
      }
    }
  }

  /** The index of the table of upper half `hi`, adding it; -1 if that broke the rule (now in hash mode). */
  private table(hi: number): number {
    const s = Math.imul(hi, this.mult) >>> (32 - TABLE_BITS);
    const w = this.tableSlot[s]!;
    if (w !== 0 && this.tableKey[s] === (hi | 0)) return w - 1;
    if (this.tableHi.length === MAX_TABLES || !this.placeTables([...this.tableHi, hi >>> 0])) {
      this.toHash();
      return -1;
    }
    this.tableHi.push(hi >>> 0);
    return this.tableHi.length - 1;
  }

  /** Choose a multiplier that gives every table its own slot and fill the lookup; false if none was found. */
  private placeTables(his: number[]): boolean {
    for (let k = 0, mult = this.mult; k < MULTIPLIER_TRIES; k++, mult = (mult + 2 * GOLDEN) | 1) {
      const key = new Int32Array(1 << TABLE_BITS);
      const slot = new Int32Array(1 << TABLE_BITS);
      const ok = his.every((hi, t) => {
        const s = Math.imul(hi, mult) >>> (32 - TABLE_BITS);
        if (slot[s] !== 0) return false;
        key[s] = hi | 0;
        slot[s] = t + 1;
        return true;
      });
      if (ok) {
        this.tableKey = key;
        this.tableSlot = slot;
        this.mult = mult;
        return true;
      }
    }
    return false;
  }

  /** Write the identity so far into table 0's region and go on in direct mode. */
  private leaveIdentity(): void {
    this.mode = "direct";
    const n = this.size;
    if (n === 0) return;
    if (n > DIRECT_MAX_LO) {
      this.toHash();
      for (let j = 0; j < n; j++) this.place(j, 0, j + 1);
      return;
    }
    const t = this.table(0);
    this.growTable(t, n - 1);
    const b = this.base[t]!;
    for (let j = 0; j < n; j++) this.flat[b + j] = j + 1;
  }

  /** Make table t's region hold `lo`; false if the rule breaks (then every id moves to the hash). */
  private growTable(t: number, lo: number): boolean {
    const old = this.cap[t]!;
    // Rows are often scattered over a table, so its largest row shows up early: grow to just
    // past it, or by half, so a few steps cover the whole table.
    const len = Math.max(1024, lo + 1 + (lo >>> 3), old + (old >>> 1));
    const live = this.live - old + len;
    if (lo >= DIRECT_MAX_LO || live > 8 * this.size + DIRECT_FREE) {
      this.toHash();
      return false;
    }
    this.cap[t] = len;
    this.live = live;
    if (len <= this.room[t]!) return true;
    // Out of room: reserve twice what is in use, in place if the region is the last one, else
    // at the end (the old region is dead), else in a repacked array (dead regions dropped).
    const room = 2 * len;
    const from = this.base[t]!;
    if (this.room[t]! > 0 && from + this.room[t]! === this.end && from + room <= this.flat.length) {
      this.end = from + room;
    } else if (this.end + room <= this.flat.length) {
      this.flat.copyWithin(this.end, from, from + old);
      this.base[t] = this.end;
      this.end += room;
      this.moves++;
    } else {
      this.room[t] = room;
      let need = 1;
      for (let u = 0; u < this.tableHi.length; u++) need += this.room[u]!;
      const flat = new Int32Array(Math.max(2 * this.flat.length, need + (need >>> 1)));
      let end = 1;
      for (let u = 0; u < this.tableHi.length; u++) {
        const b = this.base[u]!;
        flat.set(this.flat.subarray(b, b + (u === t ? old : this.cap[u]!)), end);
        this.base[u] = end;
        end += this.room[u]!;
      }
      this.flat = flat;
      this.end = end;
      this.moves++;
    }
    this.room[t] = room;
    return true;
  }

  /** The hash slot holding (l, h), or the empty slot where it would go. */
  private probe(l: number, h: number): number {
    const tab = this.tab;
    const mask = tab.length - 4;
    let s = (Math.imul(l ^ Math.imul(h, GOLDEN), GOLDEN) >>> this.shift) << 2;
    while (tab[s + 2] !== 0 && (tab[s] !== l || tab[s + 1] !== h)) s = (s + 4) & mask;
    return s;
  }

  private insert(l: number, h: number, s: number): number {
    const id = this.size++;
    const tab = this.tab;
    tab[s] = l;
    tab[s + 1] = h;
    tab[s + 2] = id + 1;
    if (this.size * 8 > tab.length) this.rehash(tab.length * 2);
    return id;
  }

  /** Leave direct mode: put every id of the regions into a hash table. */
  private toHash(): void {
    this.mode = "hash";
    this.moves++;
    let slots = 1024;
    while (slots < this.size * 2 + 2) slots *= 2;
    this.tab = new Int32Array(8 * slots);
    this.shift = 32 - Math.log2(2 * slots);
    this.tableHi.forEach((hi, t) => {
      const b = this.base[t]!;
      for (let lo = 0; lo < this.cap[t]!; lo++) {
        const v = this.flat[b + lo]!;
        if (v !== 0) this.place(lo, hi | 0, v);
      }
    });
    this.flat = EMPTY;
    this.at = EMPTY;
    this.fresh = EMPTY;
  }

  /** Double the hash table, re-placing every id. */
  private rehash(length: number): void {
    const old = this.tab;
    this.tab = new Int32Array(length);
    this.shift -= 1;
    for (let s = 0; s < old.length; s += 4) if (old[s + 2] !== 0) this.place(old[s]!, old[s + 1]!, old[s + 2]!);
  }

  private place(l: number, h: number, v: number): void {
    const s = this.probe(l, h);
    this.tab[s] = l;
    this.tab[s + 1] = h;
    this.tab[s + 2] = v;
  }
}
