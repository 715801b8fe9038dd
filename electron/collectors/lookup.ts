// Tables keyed by words read from input (state names, column headers, counter names) must only answer for
// their own keys: `constructor` or `__proto__` in a hostile capture would otherwise reach Object.prototype
// and put a function into a typed row.
export function lookup<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
