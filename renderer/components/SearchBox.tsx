// A tab's plain text filter box (Routes, Interfaces, Statistics): a search field that Ctrl+F reaches (App's focusFilter looks
// for the shown panel's search field) and Escape empties, the Escape kept from the tab while it has text.
// Memoised: its tab renders every tick, and React writes a controlled input's attributes again at each render of
// it (three attribute writes a tick on Routes, each a style invalidation), though nothing it shows changed.
import { memo } from 'react';

export const SearchBox = memo(function SearchBox(props: {
  label: string;
  title: string;
  value: string;
  onChange: (value: string) => void;
}) {
  const { label, title, value, onChange } = props;
  return (
    <input
      type="search"
      className="stat-filter"
      aria-label={label}
      placeholder={label}
      title={title}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && value) {
          onChange('');
          e.stopPropagation();
        }
      }}
    />
  );
});
