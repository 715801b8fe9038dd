import { describe, expect, it } from 'vitest';
import { builtCapacity, MapRoom } from './map-room.js';

describe('builtCapacity', () => {
  it('is the power of two (at least 4) that n entries added one by one fill', () => {
    expect([0, 1, 4, 5, 8, 9, 20_000, 32_768, 32_769].map(builtCapacity)).toEqual([
      4, 4, 4, 8, 8, 16, 32_768, 32_768, 65_536,
    ]);
  });
});

describe('MapRoom', () => {
  it('keeps the Map until its table would be full of live and deleted entries, then copies it as it is', () => {
    const room = new MapRoom();
    let map = new Map<number, string>();
    for (let i = 0; i < 20_000; i++) map.set(i, `v${i}`);
    // The first call notes the room (32,768 places for 20,000 entries): no copy.
    expect(room.compacted(map)).toBe(map);
    let next = 20_000;
    const churn = (n: number) => {
      for (let i = 0; i < n; i++) {
        map.delete(next - 20_000);
        room.deleted();
        map.set(next, `v${next}`);
        next++;
      }
    };
    churn(12_767);
    expect(room.compacted(map)).toBe(map);
    churn(1);
    const copy = room.compacted(map);
    expect(copy).not.toBe(map);
    expect([...copy]).toEqual([...map]);
    map = copy;
    // The count starts again from the copy.
    churn(100);
    expect(room.compacted(map)).toBe(map);
  });

  it('copies a Map just under a power of two only after an eighth of its entries, and a small one after 64', () => {
    const near = new MapRoom();
    const big = new Map<number, number>();
    for (let i = 0; i < 32_000; i++) big.set(i, i);
    near.compacted(big);
    near.deleted(3_999);
    expect(near.compacted(big)).toBe(big);
    near.deleted();
    expect(near.compacted(big)).not.toBe(big);

    const small = new MapRoom();
    const few = new Map([['a', 1]]);
    small.compacted(few);
    small.deleted(63);
    expect(small.compacted(few)).toBe(few);
    small.deleted();
    const copied = small.compacted(few);
    expect(copied).not.toBe(few);
    expect([...copied]).toEqual([['a', 1]]);
  });
});
