// Reads out/data/asn.bin (written by scripts/build-places.mjs from @ip-location-db/asn): sorted address
// ranges with their autonomous system, searched by binary search. IPv6 ranges are kept to their top 64
// bits, where routing allocations end.
import { ipv4Number, isV4Mapped, type ParsedIp } from '../../../shared/address.js';

export interface AsnRecord {
  asn: number;
  org: string;
}

const MAGIC = 'NLASN1\0\0';

export class AsnTable {
  private readonly v4Start: Uint32Array;
  private readonly v4End: Uint32Array;
  private readonly v4As: Uint32Array;
  private readonly v6StartHi: Uint32Array;
  private readonly v6StartLo: Uint32Array;
  private readonly v6EndHi: Uint32Array;
  private readonly v6EndLo: Uint32Array;
  private readonly v6As: Uint32Array;
  private readonly asNumber: Uint32Array;
  private readonly nameOffset: Uint32Array;
  private readonly names: Buffer;
  private readonly records = new Map<number, AsnRecord>();

  constructor(buf: Buffer) {
    if (buf.length < 24 || buf.toString('latin1', 0, 8) !== MAGIC) throw new Error('not a NetLens AS table (asn.bin)');
    // One aligned copy of the numeric part: typed arrays need 4-byte alignment, a Buffer may not have it.
    const [v4, v6, as, nameBytes] = [
      buf.readUInt32LE(8),
      buf.readUInt32LE(12),
      buf.readUInt32LE(16),
      buf.readUInt32LE(20),
    ];
    const words = v4 * 3 + v6 * 5 + as * 2 + 1;
    if (buf.length !== 24 + words * 4 + nameBytes) throw new Error('the AS table (asn.bin) is truncated or corrupt');
    const all = new Uint32Array(words);
    for (let i = 0; i < words; i++) all[i] = buf.readUInt32LE(24 + i * 4);
    let o = 0;
    const take = (n: number) => all.subarray(o, (o += n));
    this.v4Start = take(v4);
    this.v4End = take(v4);
    this.v4As = take(v4);
    this.v6StartHi = take(v6);
    this.v6StartLo = take(v6);
    this.v6EndHi = take(v6);
    this.v6EndLo = take(v6);
    this.v6As = take(v6);
    this.asNumber = take(as);
    this.nameOffset = take(as + 1);
    this.names = buf.subarray(24 + words * 4);
  }

  get size(): number {
    return this.v4Start.length + this.v6StartHi.length;
  }

  lookup(ip: ParsedIp): AsnRecord | null {
    const b = ip.bytes;
    if (ip.family === 4) return this.v4(ipv4Number(b));
    if (isV4Mapped(b)) return this.v4(ipv4Number(b, 12));
    const hi = ipv4Number(b, 0);
    const lo = ipv4Number(b, 4);
    // The last range starting at or before the address.
    let lo_ = 0;
    let hi_ = this.v6StartHi.length - 1;
    let found = -1;
    while (lo_ <= hi_) {
      const mid = (lo_ + hi_) >>> 1;
      const sh = this.v6StartHi[mid]!;
      if (sh < hi || (sh === hi && this.v6StartLo[mid]! <= lo)) {
        found = mid;
        lo_ = mid + 1;
      } else hi_ = mid - 1;
    }
    if (found < 0) return null;
    const eh = this.v6EndHi[found]!;
    if (eh < hi || (eh === hi && this.v6EndLo[found]! < lo)) return null;
    return this.record(this.v6As[found]!);
  }

  private v4(n: number): AsnRecord | null {
    let lo = 0;
    let hi = this.v4Start.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.v4Start[mid]! <= n) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found < 0 || this.v4End[found]! < n) return null;
    return this.record(this.v4As[found]!);
  }

  private record(i: number): AsnRecord | null {
    const asn = this.asNumber[i];
    if (asn === undefined || asn === 0) return null;
    let r = this.records.get(i);
    if (!r) {
      r = { asn, org: this.names.toString('utf8', this.nameOffset[i]!, this.nameOffset[i + 1]!) };
      this.records.set(i, r);
    }
    return r;
  }
}
