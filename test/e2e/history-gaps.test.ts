// A range of History's As it was that the record does not cover whole: NetLens was closed (or paused) for a while
// within it. The tab said only a gap at the range's first moment, so a period nothing recorded read as "no
// connections then", and its Export CSV said nothing of it; What changed said none of them either, so its lists read
// as complete. Here a record made beforehand with four pauses, the browser host recording on to it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { formatDateTime } from '../../shared/format.js';
import { HISTORY_CSV_COLUMNS } from '../../shared/record.js';
import { openRecord } from '../../electron/monitor/record/database.js';
import { launchChromium, SCREENSHOTS, showTabByKey, startHost, until, type RunningHost } from './support.js';

const MIN = 60_000;
const now = Math.floor(Date.now() / 1000) * 1000;
/** Minutes back from `now`. */
const ago = (minutes: number) => now - minutes * MIN;
const localInput = (ms: number) => formatDateTime(ms).replace(' ', 'T');
/** What the page says of a period between recordings, from and to minutes back. */
const pause = (from: number, to: number) =>
  `Nothing was recorded from ${formatDateTime(ago(from))} to ${formatDateTime(ago(to))} (NetLens was not recording).`;

let dataDir: string;
let host: RunningHost;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'history-gaps-e2e-'));
  const { db } = openRecord(join(dataDir, 'history.sqlite'), { create: true });
  // Recorded 60-50 minutes ago, then 2 minutes of every 4 until 38 minutes ago, then 36-20 minutes ago: pauses
  // 50-48, 46-44, 42-40 and 38-36 minutes ago.
  for (const [started, alive] of [
    [60, 50],
    [48, 46],
    [44, 42],
    [40, 38],
    [36, 20],
  ] as const)
    db.run('INSERT INTO sessions (started, alive) VALUES (?, ?)', [ago(started), ago(alive)]);
  // A listener of the last of them, open 35-30 minutes ago.
  db.run(
    `INSERT INTO conns (session, proto, family, local_addr, local_port, remote_addr, remote_port, states, listener,
      pid, process, user, first_seen, closed_at) VALUES (5, 'tcp', 'inet', '127.0.0.1', 5999, '0.0.0.0', 0, 'LISTEN', 1,
      4242, 'gapprobe', 'ann', ?, ?)`,
    [ago(35), ago(30)],
  );
  db.close();
  host = await startHost([], { NETLENS_DATA_DIR: dataDir });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  await page.goto(host.url);
  await page.getByRole('tab', { name: 'Connections' }).waitFor();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Shows History's As it was over 55 to 25 minutes ago on `p`, once it shows the range's listener. */
async function showRange(p: Page): Promise<void> {
  await showTabByKey(p, 'Control+5', 'History');
  await p.getByRole('radio', { name: 'Over a range' }).click();
  await p.getByRole('textbox', { name: 'From' }).fill(localInput(ago(55)));
  await p.keyboard.press('Enter');
  await p.getByRole('textbox', { name: 'To' }).fill(localInput(ago(25)));
  await p.keyboard.press('Enter');
  const grid = p.locator('[role="grid"][aria-label="Recorded connections"]');
  await until(
    'the listener of the range',
    async () => (await grid.locator('[data-row-id]', { hasText: 'gapprobe' }).count()) === 1,
  );
}

describe('a range with periods nothing recorded', () => {
  it('says each of them (the first three, and how many more) beside the rows of the range', async () => {
    await showRange(page);
    // On main: no notice at all (the range's first moment is recorded).
    await until(
      'the pauses said',
      async () =>
        (await page.getByTestId('history-gap').allTextContents()).join('') ===
        [
          pause(50, 48),
          pause(46, 44),
          pause(42, 40),
          'Not listed: one more period in the range when nothing was recorded (narrow the range to see them).',
        ].join(' '),
    );
    // The listener closed 30 minutes ago, within the range: struck through, and that said beside the rows.
    expect(await page.getByTestId('history-legend').textContent()).toBe(
      'Rows struck through had closed by the end of the range.',
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'history-gaps.png') });
  }, 60_000);

  it('exports the rows alone in the CSV, as netlens history --format csv writes them: the notes stay in the view', async () => {
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const file = await download;
    const lines = readFileSync(await file.path(), 'utf8').split('\r\n');
    expect(lines[0]).toBe(HISTORY_CSV_COLUMNS.join(','));
    expect(lines[1]).toMatch(/^tcp,inet,127\.0\.0\.1,5999,0\.0\.0\.0,0,LISTEN,true,4242,gapprobe,ann,/);
    // A section of notes after the rows (b1baae3) was read as rows by pandas' read_csv and csv.DictReader.
    expect(lines.slice(2)).toEqual(['']);
    await expect(page.getByTestId('history-gap').count()).resolves.toBeGreaterThan(0);
  });

  it('exports the JSON as netlens history --json writes it: the rows, and every period not recorded', async () => {
    const read = async () => {
      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Export JSON' }).click();
      return JSON.parse(readFileSync(await (await download).path(), 'utf8'));
    };
    const pauseOf = (from: number, to: number) => ({ kind: 'between', lastBefore: ago(from), resumed: ago(to) });
    // The view lists three and counts the fourth; a file read alone lists all four (on main: an array of rows alone).
    const json = await read();
    expect(json).toMatchObject({
      from: ago(55),
      to: ago(25),
      filter: null,
      omitted: 0,
      unreadable: 0,
      gap: null,
      gaps: [pauseOf(50, 48), pauseOf(46, 44), pauseOf(42, 40), pauseOf(38, 36)],
      gapsOmitted: 0,
    });
    expect(json.rows).toHaveLength(1);
    expect(json.rows[0]).toMatchObject({ process: 'gapprobe', localPort: 5999, listener: true });
    // The rows are those the view shows; the filter that chose them is said.
    await page.getByRole('radio', { name: 'Listening', exact: true }).click();
    const listening = await read();
    expect(listening).toMatchObject({ filter: 'listening', gapsOmitted: 0 });
    expect(listening.rows).toEqual(json.rows);
    await page.getByRole('radio', { name: 'All', exact: true }).click();
  });

  it('exports in the JSON the range its rows were read for, not one asked whose answer has not come', async () => {
    // A page whose answers to a range asked are held (by the field only they carry), so that one is asked and not come.
    let holding = false;
    const held: (() => void)[] = [];
    const routed = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    try {
      await routed.routeWebSocket(/\/ws$/, (ws) => {
        const server = ws.connectToServer();
        server.onMessage((message) => {
          if (holding && typeof message === 'string' && message.includes('"gapsOmitted"'))
            held.push(() => ws.send(message));
          else ws.send(message);
        });
        ws.onMessage((message) => server.send(message));
      });
      await routed.goto(host.url);
      await showRange(routed);
      await until('the range caption', async () =>
        ((await routed.getByTestId('history-caption').textContent()) ?? '').includes(formatDateTime(ago(25))),
      );
      // Another range asked, its answer held: the view still shows the rows of the first.
      holding = true;
      await routed.getByRole('textbox', { name: 'From' }).fill(localInput(ago(57)));
      await routed.keyboard.press('Enter');
      await until('the answer to the range asked', () => held.length > 0);
      const download = routed.waitForEvent('download');
      await routed.getByRole('button', { name: 'Export JSON' }).click();
      const file = await download;
      const json = JSON.parse(readFileSync(await file.path(), 'utf8'));
      // On main: from 57 minutes ago, the range asked, beside rows and pauses read for 55-25.
      expect(json).toMatchObject({ from: ago(55), to: ago(25), gapsOmitted: 0 });
      // The file's name says the same moment as its `from` (it said the range asked).
      expect(file.suggestedFilename()).toBe(`netlens-history-${localInput(ago(55)).replace(/[:T]/g, '-')}.json`);
      expect(json.rows).toHaveLength(1);
    } finally {
      holding = false;
      for (const send of held) send();
      await routed.close();
    }
  }, 60_000);

  it('What changed between two moments says them too (the first three, and how many more)', async () => {
    await page.getByRole('radio', { name: 'What changed' }).click();
    await page.getByRole('radio', { name: 'Two moments' }).click();
    const notice = page.getByTestId('changes-gap');
    const said = [
      pause(50, 48),
      pause(46, 44),
      pause(42, 40),
      'Not listed: one more period in the range when nothing was recorded (narrow the range to see them).',
    ].join(' ');
    await page.getByRole('textbox', { name: 'First moment' }).fill(localInput(ago(55)));
    await page.keyboard.press('Enter');
    await page.getByRole('textbox', { name: 'Second moment' }).fill(localInput(ago(25)));
    await page.keyboard.press('Enter');
    // On main: no notice at all (the first moment is recorded), so the lists read as complete.
    await until('the pauses said', async () => {
      const shown = (await notice.allTextContents()).join('');
      if (shown === said) return true;
      throw new Error(`shown "${shown}"`);
    });
    expect(await page.getByTestId('changes').locator('p').first().textContent()).toBe(
      `From ${formatDateTime(ago(55))} to ${formatDateTime(ago(25))}`,
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'history-gaps-changes.png') });
  }, 60_000);
});
