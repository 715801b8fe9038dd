// The grid's Columns button: show or hide columns, move them, or reset the layout.
import { useState } from 'react';
import { Menu, type MenuItem } from './Menu.js';

export function ColumnChooser(props: {
  columns: { id: string; header: string }[];
  order: string[];
  visibility: Record<string, boolean>;
  onToggle: (id: string, visible: boolean) => void;
  onReset: () => void;
  /** Full size in a tab's toolbar; small in a grid's bottom bar. */
  size?: 'small' | 'normal';
}) {
  const [at, setAt] = useState<{ x: number; y: number } | null>(null);
  const byId = new Map(props.columns.map((c) => [c.id, c]));
  const items: MenuItem[] = props.order
    .filter((id) => byId.has(id))
    .map((id) => ({
      id: `toggle-${id}`,
      label: byId.get(id)!.header,
      checked: props.visibility[id] !== false,
      keepOpen: true,
      onSelect: () => props.onToggle(id, props.visibility[id] === false),
    }));
  items.push({ id: 'reset', label: 'Reset columns', separatorBefore: true, onSelect: props.onReset });
  return (
    <>
      <button
        type="button"
        className={props.size === 'normal' ? '' : 'small'}
        aria-haspopup="menu"
        aria-expanded={at !== null}
        onClick={(e) => {
          const r = e.currentTarget.getBoundingClientRect();
          // Opens downwards from a toolbar, upwards from a grid's bottom bar.
          setAt({ x: r.left, y: r.top < window.innerHeight / 2 ? r.bottom + 4 : r.top - 8 - 26 * (items.length + 1) });
        }}
      >
        Columns…
      </button>
      {at ? (
        <Menu
          label="Columns"
          items={items}
          at={at}
          onClose={() => setAt(null)}
          footer={
            <div className="menu-hint">
              Drag a column header to move it; drag its right edge to resize; double-click the edge to give it back its
              automatic width.
            </div>
          }
        />
      ) : null}
    </>
  );
}
