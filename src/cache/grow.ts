/** Growing the typed arrays that hold per-object state: doubling, so n objects cost O(n) copies. */
type Typed = Int32Array | Uint32Array | Uint8Array | Float64Array;

/** The doubled length, at least `need`. */
export function doubledLength(length: number, need: number): number {
  let n = Math.max(1, length) * 2;
  while (n < need) n *= 2;
  return n;
}

/** A copy of `a` of length `n`, new slots set to `fill`. */
export function grown<T extends Typed>(a: T, n: number, fill = 0): T {
  const b = new (a.constructor as new (n: number) => T)(n);
  if (fill !== 0) b.fill(fill);
  b.set(a);
  return b;
}
