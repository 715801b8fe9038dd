// What every OS's route parser shares (the live collectors and the capture parsers alike).
import type { Route } from '../../../shared/types.js';

/** A route's key: the same route keys alike whichever OS or tool printed it. */
export function routeId(r: Omit<Route, 'id'>): string {
  return `${r.table}|${r.family}|${r.destination}/${r.prefixLength}|${r.gateway ?? ''}|${r.iface ?? ''}|${r.metric ?? ''}`;
}
