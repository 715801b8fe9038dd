// Typed arrays held by slot grow by doubling: a copy in a larger array of the same kind.

type SlotArray = Uint8Array | Uint16Array | Int32Array | Float64Array;

/** `from` copied into an array of the same kind with room for `size` (from's values first, zeros after). */
export function grown<T extends SlotArray>(from: T, size: number): T {
  const to = new (from.constructor as new (n: number) => T)(size);
  to.set(from as never);
  return to;
}
