// Which sockets `netlens dump connections` prints, chosen as with netstat: -t -u -w -x (TCP, UDP and UDP-Lite, raw,
// unix; none of them: every protocol), -4 -6 (families; neither: both), -l (only sockets waiting for peers), -a
// (every socket, the default: netstat without -a leaves listeners out, dump never did), -n and -p accepted as
// netstat's habits (dump is numeric unless --resolve and always names the owner), and --filter QUERY in the
// Connections tab's filter language. The toggles and the filter are the app's own predicates (shared/filter.ts).
import { parseFilter, togglesPredicate, type ConnectionToggles } from '../../shared/filter.js';
import type { NameLookup, ServiceIndex } from '../../shared/names.js';
import type { Connection } from '../../shared/types.js';

export const SELECTION_OPTIONS = {
  tcp: { type: 'boolean', short: 't' },
  udp: { type: 'boolean', short: 'u' },
  raw: { type: 'boolean', short: 'w' },
  unix: { type: 'boolean', short: 'x' },
  inet: { type: 'boolean', short: '4' },
  inet6: { type: 'boolean', short: '6' },
  listening: { type: 'boolean', short: 'l' },
  all: { type: 'boolean', short: 'a' },
  numeric: { type: 'boolean', short: 'n' },
  programs: { type: 'boolean', short: 'p' },
  filter: { type: 'string' },
} as const;

export const SELECTION_USAGE = '[-t] [-u] [-w] [-x] [-4] [-6] [-l|-a] [--filter QUERY]';

export type SelectionValues = {
  [K in keyof typeof SELECTION_OPTIONS]?: (typeof SELECTION_OPTIONS)[K] extends { type: 'string' } ? string : boolean;
};

/** Whether any option that selects sockets was given (they are for `dump connections` only). */
export function selects(v: SelectionValues): boolean {
  return Object.keys(SELECTION_OPTIONS).some((k) => v[k as keyof SelectionValues] !== undefined);
}

export interface Selection {
  keep: (r: Connection) => boolean;
  /** netstat's words for what the tables hold: "servers and established" or "only servers". */
  heading: string;
}

/** The selection the options ask for, or what is wrong with them (the filter's own message). `services` checks a
 *  `port:` term's service names, as the app's filter box does. */
export function connectionSelection(
  v: SelectionValues,
  names: NameLookup,
  services: ServiceIndex | null = null,
): Selection | string {
  const anyProto = v.tcp || v.udp || v.raw || v.unix;
  const anyFamily = v.inet || v.inet6;
  const toggles: ConnectionToggles = {
    tcp: !anyProto || v.tcp === true,
    udp: !anyProto || v.udp === true,
    raw: !anyProto || v.raw === true,
    // -4/-6 alone leave unix sockets out (they have neither family), as netstat -4 does.
    unix: v.unix === true || (!anyProto && !anyFamily),
    inet: !anyFamily || v.inet === true,
    inet6: !anyFamily || v.inet6 === true,
    // -a wins over -l, as with netstat -la.
    mode: v.listening && !v.all ? 'listening' : 'all',
    hideLoopback: false,
  };
  const byToggles = togglesPredicate(toggles);
  const parsed = v.filter === undefined ? null : parseFilter(v.filter, names, services);
  if (parsed && !parsed.ok) return `--filter: ${parsed.error}`;
  const predicate = parsed?.predicate;
  const keep = predicate ? (r: Connection) => byToggles(r) && predicate(r) : byToggles;
  return { keep, heading: toggles.mode === 'listening' ? 'only servers' : 'servers and established' };
}
