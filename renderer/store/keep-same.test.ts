import { describe, expect, it } from 'vitest';
import { keepSame, sameFields } from './keep-same.js';

describe('sameFields', () => {
  it('compares own fields, and arrays and plain objects one level down', () => {
    expect(sameFields({ id: 'a', n: 1 }, { id: 'a', n: 1 })).toBe(true);
    expect(sameFields({ id: 'a', n: 1 }, { id: 'a', n: 2 })).toBe(false);
    expect(sameFields({ id: 'a', n: 1 }, { id: 'a', n: 1, m: 2 })).toBe(false);
    expect(sameFields({ id: 'a', m: undefined }, { id: 'a', n: undefined })).toBe(false);
    expect(sameFields({ pids: [1, 2], t: { rate: 3 } }, { pids: [1, 2], t: { rate: 3 } })).toBe(true);
    expect(sameFields({ pids: [1, 2] }, { pids: [1, 3] })).toBe(false);
    expect(sameFields({ t: { rate: 3 } }, { t: { rate: 4 } })).toBe(false);
    expect(sameFields({ t: { rate: 3 } }, { t: null })).toBe(false);
    expect(sameFields({ t: [] }, { t: {} })).toBe(false);
    // Two levels down is compared by identity.
    expect(sameFields({ t: { deep: { x: 1 } } }, { t: { deep: { x: 1 } } })).toBe(false);
  });
});

describe('keepSame', () => {
  const rows = (values: Record<string, number>) => Object.entries(values).map(([id, value]) => ({ id, value }));

  it('keeps the previous object of each row that says the same, and takes the others', () => {
    const before = rows({ a: 1, b: 2, c: 3 });
    const after = keepSame(before, rows({ a: 1, b: 5, c: 3 }));
    expect(after).not.toBe(before);
    expect(after[0]).toBe(before[0]);
    expect(after[1]).toEqual({ id: 'b', value: 5 });
    expect(after[2]).toBe(before[2]);
  });

  it('gives back the previous array when nothing changed, and a new one when the order or the rows did', () => {
    const before = rows({ a: 1, b: 2 });
    expect(keepSame(before, rows({ a: 1, b: 2 }))).toBe(before);
    const reordered = keepSame(before, [...rows({ a: 1, b: 2 })].reverse());
    expect(reordered).not.toBe(before);
    expect(reordered[0]).toBe(before[1]);
    expect(keepSame(before, rows({ a: 1 }))).not.toBe(before);
    const grown = keepSame(before, rows({ a: 1, b: 2, c: 3 }));
    expect(grown).not.toBe(before);
    expect(grown[1]).toBe(before[1]);
  });

  it('takes the rows as they are the first time', () => {
    const first = rows({ a: 1 });
    expect(keepSame(null, first)).toBe(first);
  });
});
