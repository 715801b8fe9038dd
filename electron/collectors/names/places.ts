// Country and autonomous system of remote addresses, offline: special ranges get their label (shared/
// ranges.ts); public addresses are looked up in the databases the build ships in out/data (see
// scripts/build-places.mjs): country.mmdb read with mmdb-lib, asn.bin with AsnTable. Nothing is loaded
// until the first public address, and every answer is cached, so a tick pays a Map lookup per address.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Reader, type Response } from 'mmdb-lib';
import { isV4Mapped, parseIp, withoutZone } from '../../../shared/address.js';
import { rangeLabel } from '../../../shared/ranges.js';
import { builtPaths } from '../../paths.js';
import { AsnTable } from './asn-table.js';

export interface Place {
  /** ISO 3166-1 alpha-2 code, or the special range's label. */
  country: string | null;
  asn: number | null;
  asOrg: string | null;
}

const NO_PLACE: Place = Object.freeze({ country: null, asn: null, asOrg: null });

/** Distinct addresses remembered; past this the oldest answers are forgotten (and looked up again). */
export const PLACE_CACHE_MAX = 65_536;

interface Databases {
  country: Reader<Response> | null;
  asn: AsnTable | null;
}

export class Places {
  private readonly cache = new Map<string, Place>();
  private databases: Databases | null = null;
  /** Why a database could not be loaded (shown once in the names dataset's diagnostics). */
  readonly problems: string[] = [];

  constructor(private readonly dataDir: string = builtPaths.data) {}

  /** Whether the databases were loaded (they are, lazily, on the first public address). */
  get loaded(): boolean {
    return this.databases !== null;
  }

  get cacheSize(): number {
    return this.cache.size;
  }

  lookup(address: string): Place {
    const hit = this.cache.get(address);
    if (hit !== undefined) return hit;
    const place = this.find(address);
    if (this.cache.size >= PLACE_CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(address, place);
    return place;
  }

  private find(address: string): Place {
    const ip = parseIp(address);
    if (!ip) return NO_PLACE;
    const label = rangeLabel(address);
    if (label !== null) return Object.freeze({ country: label, asn: null, asOrg: null });
    const db = (this.databases ??= this.load());
    // The database files IPv4 under its IPv4 subtree: an IPv4-mapped address is looked up as what it maps.
    const b = ip.bytes;
    const text = isV4Mapped(b) ? b.subarray(12).join('.') : withoutZone(address);
    let country: string | null = null;
    try {
      // ip-location-db's country databases hold one field per network: { country_code: 'US' }.
      const code = (db.country?.get(text) as { country_code?: unknown } | null | undefined)?.country_code;
      if (typeof code === 'string' && /^[A-Z]{2}$/.test(code)) country = code;
    } catch {
      // mmdb-lib throws on what it cannot parse as an address; parseIp accepted it, so this is not expected.
    }
    const as = db.asn?.lookup(ip) ?? null;
    return Object.freeze({ country, asn: as?.asn ?? null, asOrg: as?.org ?? null });
  }

  private load(): Databases {
    const open = <T>(file: string, make: (buf: Buffer) => T): T | null => {
      const path = join(this.dataDir, file);
      try {
        return make(readFileSync(path));
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        this.problems.push(
          `places: ${path} ${code === 'ENOENT' ? 'is missing (build with npm run build)' : `could not be read: ${err instanceof Error ? err.message : String(err)}`}`,
        );
        return null;
      }
    };
    return {
      country: open('country.mmdb', (buf) => new Reader<Response>(buf)),
      asn: open('asn.bin', (buf) => new AsnTable(buf)),
    };
  }
}
