// Helpers every collector's text parsers share, whatever the resource or OS: lines of tool output, distinct
// row keys, and counts read from columns. Code shared by one resource's OS files lives in that resource's
// common.ts; no OS file imports a sibling OS file (test/boundaries.test.ts checks).

/** Text output has no inode to tell apart two sockets on the same endpoints (four UDP 0.0.0.0:3702 sockets
 *  on Windows, several *.5353 on macOS). Later copies get `#2`, `#3`... in the order the tool printed them,
 *  so every row keeps a distinct key. */
export function uniqueIds<Row extends { id: string }>(rows: Row[]): Row[] {
  const seen = new Map<string, number>();
  for (const row of rows) {
    const n = (seen.get(row.id) ?? 0) + 1;
    seen.set(row.id, n);
    if (n > 1) row.id = `${row.id}#${n}`;
  }
  return rows;
}

/** Splits text into lines, accepting CRLF, LF and lone CR, and drops a leading byte-order mark. */
export function textLines(text: string): string[] {
  return text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
}

export function toCount(text: string | undefined): number | null {
  if (text === undefined || !/^\d+$/.test(text)) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : null;
}
