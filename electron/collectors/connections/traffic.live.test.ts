// Live: a loopback transfer of known size, as the collector and `netlens dump connections --json` see it.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../../shared/types.js';
import { CLI, requireBuild } from '../../../test/e2e/support.js';
import { DOWN, loopbackTransfer, MiB, near, type Transfer, UP } from '../../../test/transfer.js';
import { LinuxConnectionsCollector } from './linux.js';

describe.skipIf(process.platform !== 'linux')('traffic of a loopback transfer', () => {
  let transfer: Transfer;

  beforeAll(async () => {
    transfer = await loopbackTransfer();
  });

  afterAll(() => transfer?.close());

  const ends = (rows: Connection[]) => transfer.ends(rows);

  it('shows the bytes on both ends through the collector, and why UDP and listeners have none', async () => {
    const collector = new LinuxConnectionsCollector();
    collector.setExtras(['traffic']);
    const r = await collector.read();
    collector.dispose();
    expect(r.diagnostics.skipped).toBe(0);
    transfer.expectCounted(r.rows);
  });

  it('reads no traffic while none is asked for', async () => {
    const collector = new LinuxConnectionsCollector();
    const r = await collector.read();
    collector.dispose();
    expect(ends(r.rows).clientEnd).toBeDefined();
    expect(r.rows.every((x) => x.bytesSent === undefined && x.trafficNote === undefined)).toBe(true);
  });

  it('shows the same bytes in `netlens dump connections --json`', async () => {
    requireBuild();
    const { stdout } = await promisify(execFile)(process.execPath, [CLI, 'dump', 'connections', '--json'], {
      maxBuffer: 256 * MiB,
    });
    const rows = JSON.parse(stdout) as Connection[];
    const { clientEnd, serverEnd } = ends(rows);
    near(clientEnd?.bytesSent, UP);
    near(clientEnd?.bytesReceived, DOWN);
    near(serverEnd?.bytesSent, DOWN);
    near(serverEnd?.bytesReceived, UP);
    // Every row carries the fields: null where the OS keeps no count.
    for (const row of rows) {
      expect(row).toHaveProperty('bytesSent');
      expect(row).toHaveProperty('bytesReceived');
      expect(row).toHaveProperty('rttMs');
      if (row.bytesSent === null) expect(row.trafficNote).toMatch(/^n\/a: /);
    }
  });
});
