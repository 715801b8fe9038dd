import { describe, expect, it } from 'vitest';
import { effectiveSort, gridLayout, isColumnVisible, sortRows, sortSpecs, type GridColumn } from './grid-model.js';

interface Row {
  id: string;
  name: string | null;
  n: number;
}

const columns: GridColumn<Row>[] = [
  { id: 'name', header: 'Name', width: 100, sortValue: (r) => r.name, text: (r) => r.name ?? '' },
  { id: 'n', header: 'N', width: 60, align: 'right', sortValue: (r) => r.n, text: (r) => String(r.n) },
  {
    id: 'len',
    header: 'Length',
    width: 50,
    hiddenByDefault: true,
    sortValue: () => null,
    // A custom order: by the name's length.
    compare: (a, b) => (a.name ?? '').length - (b.name ?? '').length,
    text: (r) => String((r.name ?? '').length),
  },
];

const rows: Row[] = [
  { id: '1', name: 'bb', n: 2 },
  { id: '2', name: null, n: 10 },
  { id: '3', name: 'a', n: 2 },
  { id: '4', name: 'ccc', n: 1 },
];

const order = (rs: Row[]) => rs.map((r) => r.id);

describe('sortRows', () => {
  it('sorts by the column keys, empty values last in either direction, ties by id', () => {
    expect(order(sortRows(rows, columns, [{ id: 'name', desc: false }]))).toEqual(['3', '1', '4', '2']);
    expect(order(sortRows(rows, columns, [{ id: 'name', desc: true }]))).toEqual(['4', '1', '3', '2']);
    expect(order(sortRows(rows, columns, [{ id: 'n', desc: false }]))).toEqual(['4', '1', '3', '2']);
  });
  it('sorts by several levels and by a column comparator', () => {
    expect(
      order(
        sortRows(rows, columns, [
          { id: 'n', desc: true },
          { id: 'name', desc: true },
        ]),
      ),
    ).toEqual(['2', '1', '3', '4']);
    expect(order(sortRows(rows, columns, [{ id: 'len', desc: false }]))).toEqual(['2', '3', '1', '4']);
  });
  it('leaves the rows as they are without a sort, and skips columns it does not know', () => {
    expect(sortRows(rows, columns, [])).toBe(rows);
    expect(sortSpecs(columns, [{ id: 'gone', desc: false }])).toEqual([]);
  });
});

describe('effectiveSort', () => {
  it('is the saved sort, else the default, without columns the grid no longer has', () => {
    const def = [{ id: 'name', desc: false }];
    expect(effectiveSort(undefined, def, columns)).toEqual(def);
    expect(effectiveSort([], def, columns)).toEqual(def);
    expect(
      effectiveSort(
        [
          { id: 'gone', desc: true },
          { id: 'n', desc: true },
        ],
        def,
        columns,
      ),
    ).toEqual([{ id: 'n', desc: true }]);
  });
});

describe('gridLayout', () => {
  it('applies the defaults to a grid never touched', () => {
    const layout = gridLayout(undefined, columns, [{ id: 'n', desc: false }], { name: 140 });
    expect(layout.order).toEqual(['name', 'n', 'len']);
    expect(layout.visibility).toEqual({ name: true, n: true, len: false });
    // Fitted width, else the column's own.
    expect(layout.sizing).toEqual({ name: 140, n: 60, len: 50 });
    expect(layout.sort).toEqual([{ id: 'n', desc: false }]);
  });
  it('puts the saved order first, keeps the user widths over fitted ones, and the user visibility', () => {
    const layout = gridLayout(
      { order: ['len', 'gone', 'name'], hidden: ['name'], sizes: { n: 90 }, sort: [{ id: 'len', desc: true }] },
      columns,
      [],
      { n: 70, name: 120 },
    );
    expect(layout.order).toEqual(['len', 'name', 'n']);
    expect(layout.visibility).toEqual({ name: false, n: true, len: true });
    expect(layout.sizing).toEqual({ name: 120, n: 90, len: 50 });
    expect(layout.sort).toEqual([{ id: 'len', desc: true }]);
  });
  it('isColumnVisible: a saved hidden list overrides hiddenByDefault', () => {
    const len = columns[2]!;
    expect(isColumnVisible(undefined, len)).toBe(false);
    expect(isColumnVisible({ order: [], sizes: {}, sort: [], hidden: [] }, len)).toBe(true);
  });
});
