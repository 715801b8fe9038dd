import { describe, expect, it } from 'vitest';
import { tableOrder } from './table-order.js';

describe('tableOrder', () => {
  it('puts main first, numbered tables by number, named ones next, default and local last', () => {
    const tables = ['local', '100', 'vpn', 'default', '9', 'main', '1000', 'blue'];
    const sorted = [...tables].sort((a, b) =>
      tableOrder(a) < tableOrder(b) ? -1 : tableOrder(a) > tableOrder(b) ? 1 : 0,
    );
    expect(sorted).toEqual(['main', '9', '100', '1000', 'blue', 'vpn', 'default', 'local']);
  });
});
