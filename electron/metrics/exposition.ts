// The Prometheus text exposition format (version 0.0.4), written by hand: one builder that makes the rules
// of the format hold by construction rather than by care at each call site.
// - One HELP and one TYPE line per metric family, before its samples; a family's samples stay together.
// - Metric names match [a-zA-Z_:][a-zA-Z0-9_:]* (ours: [a-z_][a-z0-9_]*), label names [a-zA-Z_][a-zA-Z0-9_]*
//   and never start with "__" (reserved).
// - HELP text escapes backslash and line feed; label values escape backslash, double quote and line feed.
// - A counter's name ends in _total, a gauge's does not (promtool's lint).
// - No two samples of a family have the same label set (a duplicate series is dropped and counted).
// - Values as Go's ParseFloat reads them: integers in full, NaN, +Inf, -Inf.

export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export type MetricType = 'counter' | 'gauge';
export type Labels = Readonly<Record<string, string>>;

const METRIC_NAME = /^[a-z_][a-z0-9_]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function escapeHelp(text: string): string {
  return text.replace(/[\\\n]/g, (c) => (c === '\\' ? '\\\\' : '\\n'));
}

export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === '\\' ? '\\\\' : c === '"' ? '\\"' : '\\n'));
}

export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  // JavaScript prints 1e21 and beyond with an exponent ("1e+21"), which ParseFloat reads.
  return String(value);
}

function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}
function isLower(c: number): boolean {
  return c >= 97 && c <= 122;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Words promtool's lint takes for abbreviated units (h for hours, s for seconds, ...). */
const UNIT_ABBREVIATIONS = new Set(['s', 'ms', 'us', 'ns', 'sec', 'b', 'kb', 'mb', 'gb', 'tb', 'pb', 'm', 'h', 'd']);

/**
 * A kernel counter name in snake_case, as Prometheus names go: InReceives -> in_receives, TCPLostRetransmit ->
 * tcp_lost_retransmit, TCP_inuse -> tcp_inuse, InMLDv2Reports -> in_mldv2_reports. A word starts at an upper-
 * case letter after a lower-case letter or digit, or at the last capital of a run that a lower-case word
 * follows (TWRecycled -> tw_recycled). Anything but letters and digits separates words. A word that reads as
 * an abbreviated unit joins the next one (MPJoinSynAckHMacFailure -> ..._hmac_failure, not h_mac). Linear.
 */
export function snakeCase(name: string): string {
  let out = '';
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (!isUpper(c) && !isLower(c) && !isDigit(c)) {
      if (out !== '' && !out.endsWith('_')) out += '_';
      continue;
    }
    if (isUpper(c) && out !== '' && !out.endsWith('_')) {
      const prev = name.charCodeAt(i - 1);
      const next = i + 1 < name.length ? name.charCodeAt(i + 1) : 0;
      const after = i + 2 < name.length ? name.charCodeAt(i + 2) : 0;
      if (isLower(prev) || isDigit(prev) || (isUpper(prev) && isLower(next) && isLower(after))) out += '_';
    }
    out += String.fromCharCode(isUpper(c) ? c + 32 : c);
  }
  const words = out.split('_').filter((w) => w !== '');
  const joined: string[] = [];
  let carry = '';
  for (const w of words) {
    if (UNIT_ABBREVIATIONS.has(w)) carry += w;
    else {
      joined.push(carry + w);
      carry = '';
    }
  }
  if (carry !== '') {
    if (joined.length > 0) joined[joined.length - 1] += carry;
    else joined.push(carry);
  }
  return joined.join('_');
}

interface Family {
  name: string;
  type: MetricType;
  help: string;
  samples: Map<string, number>;
}

export class Exposition {
  private readonly families = new Map<string, Family>();
  /** Samples dropped because their family already had that label set. */
  duplicates = 0;

  /** Declares a family (again: the same name must come with the same type). */
  family(name: string, type: MetricType, help: string): void {
    if (!METRIC_NAME.test(name)) throw new Error(`not a metric name: ${JSON.stringify(name)}`);
    if ((type === 'counter') !== name.endsWith('_total')) {
      throw new Error(`${name}: counters, and only counters, end in _total`);
    }
    const known = this.families.get(name);
    if (known) {
      if (known.type !== type) throw new Error(`${name} declared as ${known.type} and as ${type}`);
      return;
    }
    this.families.set(name, { name, type, help, samples: new Map() });
  }

  has(name: string): boolean {
    return this.families.has(name);
  }

  sample(name: string, labels: Labels, value: number): void {
    const family = this.families.get(name);
    if (!family) throw new Error(`${name}: sample before its family was declared`);
    // Label names sorted: one series has one text, so duplicates are found by the text.
    const parts: string[] = [];
    for (const key of Object.keys(labels).sort()) {
      if (!LABEL_NAME.test(key) || key.startsWith('__')) throw new Error(`not a label name: ${JSON.stringify(key)}`);
      parts.push(`${key}="${escapeLabelValue(labels[key]!)}"`);
    }
    const series = parts.length > 0 ? `{${parts.join(',')}}` : '';
    if (family.samples.has(series)) {
      this.duplicates++;
      return;
    }
    family.samples.set(series, value);
  }

  /** The exposition text; families without samples are left out. */
  render(): string {
    const lines: string[] = [];
    for (const f of this.families.values()) {
      if (f.samples.size === 0) continue;
      lines.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
      for (const [series, value] of f.samples) lines.push(`${f.name}${series} ${formatValue(value)}`);
    }
    return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
  }
}
