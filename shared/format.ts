// How values read in tables: netstat's conventions for endpoints, human units for bytes and rates.
import { isUnspecified } from './address.js';

/** netstat prints `*` for an unspecified address (0.0.0.0, ::) or port (0). */
export function formatAddress(address: string): string {
  return isUnspecified(address) ? '*' : address;
}

export function formatPort(port: number, proto: string): string {
  if (proto === 'unix') return '';
  return port === 0 ? '*' : String(port);
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '';
  if (n < 1024) return `${Math.round(n)} B`;
  let v = n;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${UNITS[u]}`;
}

export function formatRate(bytesPerSec: number | null | undefined): string {
  if (bytesPerSec === null || bytesPerSec === undefined || !Number.isFinite(bytesPerSec)) return '';
  return `${formatBytes(bytesPerSec)}/s`;
}

/** A byte rate as data (exports, copied rows): whole bytes per second, none as null. The tick's division leaves
 *  float noise (218413.09620048504) that no reader wants in a spreadsheet (a new user's review of 12-03). */
export function rateValue(bytesPerSec: number | null | undefined): number | null {
  return bytesPerSec === null || bytesPerSec === undefined || !Number.isFinite(bytesPerSec)
    ? null
    : Math.round(bytesPerSec);
}

/** Events per second as data (a counter's rate in exports): two decimals, so a slow counter's 0.25/s stays. */
export function perSecondValue(n: number | null | undefined): number | null {
  return n === null || n === undefined || !Number.isFinite(n) ? null : Math.round(n * 100) / 100;
}

/** en-US's grouping for what is not a safe whole number (fractions, past 2^53), made when first needed. */
let fractions: Intl.NumberFormat | null = null;

/**
 * A number as en-US writes it ("12,345", "-1,000", "1,234.568"), as `Intl.NumberFormat('en-US')` does. Whole
 * numbers are grouped here, without ICU: the host formats counts into its messages, and ICU's number-format data
 * and code, once loaded, stay resident in the process (docs/performance.md, "ICU's number formats out of the
 * host").
 */
export function groupDigits(n: number): string {
  if (!Number.isSafeInteger(n)) {
    fractions ??= new Intl.NumberFormat('en-US');
    return fractions.format(n);
  }
  const digits = String(Math.abs(n));
  const head = digits.length % 3 || 3;
  let out = digits.slice(0, head);
  for (let i = head; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return n < 0 || Object.is(n, -0) ? `-${out}` : out;
}

export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '';
  return groupDigits(n);
}

/** Events per second, one format everywhere: one decimal below 100 ("0.0/s", "7.0/s"), whole numbers with
 *  separators above ("1,234/s"); a rate too small for one decimal reads "<0.1/s", never a false zero. */
export function formatPerSecond(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '';
  if (n > 0 && n < 0.05) return '<0.1/s';
  return `${Math.abs(n) >= 99.95 ? groupDigits(Math.round(n)) : n.toFixed(1)}/s`;
}

/** A duration in milliseconds as ss prints round-trip times: `0.48 ms`, `36.8 ms`, `1.2 s`. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '';
  if (ms >= 1000) return `${(ms / 1000).toFixed(ms >= 10_000 ? 0 : 1)} s`;
  return `${ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2)} ms`;
}

export function formatClock(ms: number | null | undefined): string {
  if (!ms) return '';
  const d = new Date(ms);
  const p = (x: number) => String(x).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export function formatDateTime(ms: number | null | undefined): string {
  return ms ? formatMoment(ms) : '';
}

/** A moment asked for, whatever it is (the epoch's 0 too, which formatDateTime takes for none), its year in four
 *  digits (`0000-01-01 00:00:00`, not `0-01-01`); '' only for a time no Date holds. */
export function formatMoment(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return '';
  const p = (x: number) => String(x).padStart(2, '0');
  const year = d.getFullYear();
  const y = year < 0 ? `-${String(-year).padStart(4, '0')}` : String(year).padStart(4, '0');
  return `${y}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** A moment as data (exports): ISO 8601 in local time with its offset and milliseconds,
 *  `2026-12-02T15:36:47.120+01:00`; null for none. */
export function isoTime(ms: number | null | undefined): string | null {
  if (!ms || !Number.isFinite(ms)) return null;
  const d = new Date(ms);
  const p = (x: number) => String(x).padStart(2, '0');
  const offset = -d.getTimezoneOffset();
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const millis = String(d.getMilliseconds()).padStart(3, '0');
  return `${formatDateTime(ms).replace(' ', 'T')}.${millis}${sign}${p(Math.floor(abs / 60))}:${p(abs % 60)}`;
}

export function formatSpeed(mbps: number | null | undefined): string {
  if (mbps === null || mbps === undefined || mbps <= 0) return '';
  return mbps >= 1000 ? `${mbps / 1000} Gb/s` : `${mbps} Mb/s`;
}
