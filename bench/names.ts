// Names and places at scale: what the names collector costs per tick once its caches are warm, against a
// plain Map lookup of the same addresses measured in the same run. Prints one JSON line:
//   loadMs                 the first public address: loading country.mmdb and asn.bin (once per process)
//   placeNsPerAddress      Places.lookup of an address already looked up (the cached path), per address
//   bookNsPerRow           NameBook.update of a 50,000-connection table (service names of both ports, the
//                          remote address's place and host, entry reuse), per connection
//   mapGetNsPerAddress     the peer: Map.get of the same address strings
//   placeVsMapGet          placeNsPerAddress / mapGetNsPerAddress
//   bookVsMapGet           bookNsPerRow / mapGetNsPerAddress
// The budget is under 1 µs (1000 ns) for the whole cached path per address.
// Run with `npm run bench:names` (it builds first: the databases live in out/data).
import { performance } from 'node:perf_hooks';
import type { Connection } from '../shared/types.js';
import { NameBook } from '../electron/collectors/names/book.js';
import { Places } from '../electron/collectors/names/places.js';

const ROWS = 50_000;
const ADDRESSES = 10_000;
const ROUNDS = 20;

const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1]!;
const round = (n: number) => Number(n.toFixed(1));

function address(i: number): string {
  // Public space in both families: 11.0.0.0/8 and Google's 2001:4860::/32.
  return i % 4 === 3
    ? `2001:4860:${(i >> 8).toString(16)}::${(i & 255).toString(16)}`
    : `11.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
}

function rows(): Connection[] {
  return Array.from({ length: ROWS }, (_, i) => {
    const remoteAddress = address(i % ADDRESSES);
    return {
      id: `r${i}`,
      proto: i % 5 === 0 ? 'udp' : 'tcp',
      family: remoteAddress.includes(':') ? 'inet6' : 'inet',
      localAddress: '192.168.1.2',
      localPort: 1024 + (i % 60000),
      remoteAddress,
      remotePort: [443, 80, 22, 53][i % 4]!,
      state: 'ESTABLISHED',
      recvQ: 0,
      sendQ: 0,
      uid: 1000,
      user: 'user',
      inode: i,
      processes: [],
      ownerStatus: 'none',
    } satisfies Connection;
  });
}

const addresses = Array.from({ length: ADDRESSES }, (_, i) => address(i));

const places = new Places();
let t = performance.now();
places.lookup(addresses[0]!);
const loadMs = performance.now() - t;
for (const a of addresses) places.lookup(a);

const timePer = (n: number, fn: () => void) => {
  const samples: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    t = performance.now();
    fn();
    samples.push(((performance.now() - t) * 1e6) / n);
  }
  return median(samples);
};

const peer = new Map(addresses.map((a) => [a, { country: null }]));
let sink = 0;
const mapGetNsPerAddress = timePer(ADDRESSES, () => {
  for (const a of addresses) if (peer.get(a)) sink++;
});
const placeNsPerAddress = timePer(ADDRESSES, () => {
  for (const a of addresses) if (places.lookup(a).country) sink++;
});

const book = new NameBook({ places });
const table = rows();
book.update(table);
const bookNsPerRow = timePer(ROWS, () => {
  sink += book.update(table).length;
});

console.log(
  JSON.stringify({
    rows: ROWS,
    addresses: ADDRESSES,
    loadMs: round(loadMs),
    placeNsPerAddress: round(placeNsPerAddress),
    bookNsPerRow: round(bookNsPerRow),
    mapGetNsPerAddress: round(mapGetNsPerAddress),
    placeVsMapGet: round(placeNsPerAddress / mapGetNsPerAddress),
    bookVsMapGet: round(bookNsPerRow / mapGetNsPerAddress),
    sink: sink > 0,
  }),
);
