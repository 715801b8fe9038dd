// Builds the places data NetLens ships (out/data/), from npm packages, at build time:
//   country.mmdb  @ip-location-db/geo-whois-asn-country-mmdb (CC0-1.0 package of NRO data, CC BY 4.0),
//                 copied as is and read with mmdb-lib
//   asn.bin       @ip-location-db/asn (CC BY 4.0: RouteViews, DB-IP, NRO), converted from its CSV (21 MB +
//                 9 MB) to sorted ranges for binary search (electron/collectors/names/asn-table.ts reads it)
// The ip-location-db family publishes no CC0/PDDL AS database on npm any more (asn-mmdb and iptoasn-asn are
// gone), so the AS numbers come from the CSV package; README.md and the About box credit every source.
//
// asn.bin, little-endian u32 throughout:
//   'NLASN1\0\0', v4Count, v6Count, asCount, nameBytes,
//   v4Start[v4Count] v4End[v4Count] v4As[v4Count],
//   v6StartHi v6StartLo v6EndHi v6EndLo v6As [v6Count each]  (the top 64 bits of IPv6 addresses),
//   asNumber[asCount], nameOffset[asCount + 1], names (UTF-8)
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const packageDir = (name) => dirname(require.resolve(`${name}/package.json`));

export const COUNTRY_PACKAGE = '@ip-location-db/geo-whois-asn-country-mmdb';
export const ASN_PACKAGE = '@ip-location-db/asn';

/** Splits one CSV line (RFC 4180 quoting, "" inside quotes) in one pass. */
function csvFields(line) {
  const out = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) {
          value += line.slice(i);
          i = line.length;
          break;
        }
        value += line.slice(i, q);
        if (line[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(value);
      i++; // the comma
    } else {
      const c = line.indexOf(',', i);
      const end = c < 0 ? line.length : c;
      out.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return out;
}

/** The top 64 bits of an IPv6 address as [hi32, lo32]. */
function v6Top(text) {
  const [head, tail] = text.split('::');
  const h = head ? head.split(':') : [];
  const t = tail === undefined ? [] : tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...new Array(8 - h.length - t.length).fill('0'), ...t];
  if (groups.length !== 8) throw new Error(`not an IPv6 address: ${text}`);
  const g = groups.map((x) => parseInt(x, 16));
  return [((g[0] << 16) | g[1]) >>> 0, ((g[2] << 16) | g[3]) >>> 0];
}

function buildAsn(dir) {
  const asIndex = new Map();
  const asNumbers = [];
  const names = [];
  const asOf = (asn, org) => {
    const key = `${asn}\t${org}`;
    let i = asIndex.get(key);
    if (i === undefined) {
      i = asNumbers.length;
      asIndex.set(key, i);
      asNumbers.push(asn);
      names.push(org);
    }
    return i;
  };
  const v4 = [];
  for (const line of readFileSync(join(dir, 'asn-ipv4-num.csv'), 'utf8').split('\n')) {
    if (!line) continue;
    const [start, end, asn, org = ''] = csvFields(line);
    v4.push([Number(start), Number(end), asOf(Number(asn), org)]);
  }
  const v6 = [];
  for (const line of readFileSync(join(dir, 'asn-ipv6.csv'), 'utf8').split('\n')) {
    if (!line) continue;
    const [start, end, asn, org = ''] = csvFields(line);
    v6.push([...v6Top(start), ...v6Top(end), asOf(Number(asn), org)]);
  }
  v4.sort((a, b) => a[0] - b[0]);
  v6.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const nameBytes = names.map((n) => Buffer.from(n, 'utf8'));
  const nameTotal = nameBytes.reduce((n, b) => n + b.length, 0);
  const words = 4 + v4.length * 3 + v6.length * 5 + asNumbers.length + asNumbers.length + 1;
  const buf = Buffer.alloc(8 + words * 4 + nameTotal);
  buf.write('NLASN1\0\0', 0, 'latin1');
  let o = 8;
  const u32 = (n) => {
    buf.writeUInt32LE(n >>> 0, o);
    o += 4;
  };
  u32(v4.length);
  u32(v6.length);
  u32(asNumbers.length);
  u32(nameTotal);
  for (const col of [0, 1, 2]) for (const r of v4) u32(r[col]);
  for (const col of [0, 1, 2, 3, 4]) for (const r of v6) u32(r[col]);
  for (const n of asNumbers) u32(n);
  let offset = 0;
  for (const b of nameBytes) {
    u32(offset);
    offset += b.length;
  }
  u32(offset);
  for (const b of nameBytes) {
    b.copy(buf, o);
    o += b.length;
  }
  return { buf, v4: v4.length, v6: v6.length, as: asNumbers.length };
}

/** Writes out/data/country.mmdb and out/data/asn.bin under `outDir`; returns what it wrote. */
export function buildPlaces(outDir) {
  const data = join(outDir, 'data');
  mkdirSync(data, { recursive: true });
  const country = join(packageDir(COUNTRY_PACKAGE), 'geo-whois-asn-country.mmdb');
  copyFileSync(country, join(data, 'country.mmdb'));
  const asn = buildAsn(packageDir(ASN_PACKAGE));
  writeFileSync(join(data, 'asn.bin'), asn.buf);
  return {
    countryBytes: readFileSync(country).length,
    asnBytes: asn.buf.length,
    ranges: asn.v4 + asn.v6,
    systems: asn.as,
  };
}
