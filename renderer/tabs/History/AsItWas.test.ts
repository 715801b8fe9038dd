// History's As it was grid shows what the record keeps of a connection, each column once.
import { describe, expect, it } from 'vitest';
import { TRAFFIC_COLUMNS } from '../Connections/columns.js';
import { historyColumns } from './AsItWas.js';

describe("History's columns", () => {
  const columns = historyColumns(() => undefined, new Map());
  const ids = columns.map((c) => c.id);

  it('are each listed once', () => {
    // On main Sent and Received were listed twice: the live grid's (always empty here) and the record's.
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it("leave out the live grid's traffic columns, which the record does not keep", () => {
    for (const live of TRAFFIC_COLUMNS.filter((c) => c.id !== 'bytesSent' && c.id !== 'bytesReceived'))
      expect(ids, live.id).not.toContain(live.id);
  });

  it("show the record's byte totals by default, read from what it recorded", () => {
    for (const id of ['bytesSent', 'bytesReceived']) {
      const column = columns.find((c) => c.id === id)!;
      expect(column.hiddenByDefault ?? false, id).toBe(false);
      const recorded = { bytesSent: 2048, bytesReceived: 10 };
      expect(column.text({ recorded } as never)).toBe(id === 'bytesSent' ? '2.00 KiB' : '10 B');
    }
  });
});
