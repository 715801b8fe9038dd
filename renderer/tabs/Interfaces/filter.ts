// The Interfaces tab's filter: an interface matches when the text typed is in one of the columns that say what it
// is, as shown (name, state, addresses, MTU, MAC, speed, type, flags, duplex) or in its host's name: `veth`,
// `192.168.`, `02:42:`, `loopback`. Not its rates and counters, which change every second (a row would come
// and go as they do). "Hide down" leaves out the interfaces that carry nothing: down, lower layer down, not
// present.
import { inertText } from '../../../shared/inert-text.js';
import { rowHost } from '../../../shared/remote.js';
import type { NetInterface } from '../../../shared/types.js';
import type { GridColumn } from '../../store/grid-model.js';

/** The columns a filter reads, by id. */
export const FILTERED_COLUMNS: ReadonlySet<string> = new Set([
  'name',
  'state',
  'addresses',
  'mtu',
  'mac',
  'speed',
  'type',
  'flags',
  'duplex',
]);

/** Operational states of an interface that carries no traffic. */
const DOWN: ReadonlySet<string> = new Set(['down', 'lowerlayerdown', 'notpresent']);

export const isDown = (r: NetInterface) => DOWN.has(r.operState);

/** Whether the text holds the query, as the OS gave it or as the grid shows it (a control or bidi character drawn
 *  as its escape, `\u202e`: what the user sees can be typed). */
const matches = (text: string, q: string) =>
  text.toLowerCase().includes(q) || (q.includes('\\') && inertText(text).toLowerCase().includes(q));

/** Whether `r` is shown for `query` (any case; blank shows all) with the down ones hidden or not. */
export function interfaceFilter(
  columns: readonly GridColumn<NetInterface>[],
  query: string,
  hideDown: boolean,
): (r: NetInterface) => boolean {
  const q = query.trim().toLowerCase();
  const texts = columns.filter((c) => FILTERED_COLUMNS.has(c.id)).map((c) => c.text);
  return (r) =>
    !(hideDown && isDown(r)) && (q === '' || [rowHost(r) ?? '', ...texts.map((t) => t(r))].some((t) => matches(t, q)));
}
