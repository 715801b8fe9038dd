// Live: where netlink's binary is not there (a build for an architecture without one, a file removed), the
// connections collector reads /proc and ss as before, says why in a note on every reading, and loses no row.
// Run as a bundle in a folder of its own: the loader then finds no binary, neither beside the bundle nor in
// the working folder's node_modules.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleScript } from '../../../test/bundle-script.js';

const dir = mkdtempSync(join(tmpdir(), 'netlens-no-netlink-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SCRIPT = (linux: string) => `
import net from 'node:net';
import { once } from 'node:events';
import { LinuxConnectionsCollector } from ${JSON.stringify(linux)};
void (async () => {
  const tcp = net.createServer().listen(0, '127.0.0.1');
  await once(tcp, 'listening');
  const unix = net.createServer().listen(${JSON.stringify(join(dir, 'listener.sock'))});
  await once(unix, 'listening');
  const port = (tcp.address() as net.AddressInfo).port;
  const ours = (rows: { localPort: number; path?: string; state: string }[]) =>
    rows.filter((r) => r.localPort === port || r.path?.endsWith('listener.sock')).map((r) => r.state + ' ' + (r.path || r.localPort));
  const out: Record<string, unknown> = {};
  for (const traffic of [false, true]) {
    const options = { tables: ['tcp', 'unix'], destroyEvents: { command: ['true'] } };
    const fallback = new LinuxConnectionsCollector(options);
    const plain = new LinuxConnectionsCollector({ ...options, sockDiag: false });
    if (traffic) for (const c of [fallback, plain]) c.setExtras(['traffic']);
    const a = await fallback.read();
    const b = await plain.read();
    out[String(traffic)] = { notes: a.diagnostics.notes, rows: ours(a.rows), plain: ours(b.rows), plainNotes: b.diagnostics.notes };
    fallback.dispose();
    plain.dispose();
  }
  console.log(JSON.stringify(out));
  process.exit(0);
})();
`;

describe.runIf(process.platform === 'linux')('without the netlink binary', () => {
  it('reads /proc (and ss, with traffic) with a note saying why, and the same rows', async () => {
    const bundle = await bundleScript(dir, 'reading', SCRIPT(join(__dirname, 'linux.ts')));
    const run = spawnSync(process.execPath, [bundle], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, NETLENS_ROOT: '' },
    });
    expect(run.stderr).toBe('');
    const out = JSON.parse(run.stdout) as Record<
      string,
      { notes: string[]; rows: string[]; plain: string[]; plainNotes: string[] }
    >;
    const missing = `no netlink binary for ${process.platform}-${process.arch}`;
    expect(out.false!.notes).toEqual([
      `TCP sockets read from /proc: ${missing}`,
      `unix sockets read from /proc/net/unix: ${missing}`,
    ]);
    expect(out.true!.notes).toEqual([
      `TCP sockets read with ss: ${missing}`,
      `unix sockets read from /proc/net/unix: ${missing}`,
    ]);
    for (const traffic of ['false', 'true']) {
      const r = out[traffic]!;
      expect(r.rows.sort()).toEqual([expect.stringMatching(/^LISTEN \d+$/), `LISTENING ${join(dir, 'listener.sock')}`]);
      expect(r.rows).toEqual(r.plain.sort());
      expect(r.plainNotes).toEqual([]);
    }
  });
});
