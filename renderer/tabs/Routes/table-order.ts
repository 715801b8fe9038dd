// The Routes tab's order of routing tables.

/** Tables in the order a reader wants them: main first (what netstat -r shows, what ordinary traffic uses), then
 *  the others by number (a policy-routing table such as 100 is consulted only for what an ip rule sends to it), then
 *  named ones, then default and local (the kernel's own addresses) last. Not the lookup order of ip rule. */
export function tableOrder(table: string): string {
  if (table === 'main') return '0';
  if (table === 'default') return '8';
  if (table === 'local') return '9';
  return /^\d{1,10}$/.test(table) ? `1${table.padStart(10, '0')}` : `2${table}`;
}
