// Typed arrays held by slot (the monitor's connection table, the recorder's open connections, a collector's
// marks by position) grow by doubling: a copy in a larger array of the same kind.

type SlotArray = Uint8Array | Uint16Array | Int32Array | Float64Array;

/** The length an array of `length` (at least 1) doubles to until it holds `needed`. */
export function doubledLength(length: number, needed: number): number {
  let size = Math.max(1, length);
  while (size < needed) size *= 2;
  return size;
}

/** `from` copied into an array of the same kind with room for `size` (from's values first, zeros after). */
export function grown<T extends SlotArray>(from: T, size: number): T {
  const to = new (from.constructor as new (n: number) => T)(size);
  to.set(from as never);
  return to;
}
