// A new user's review (newuser.md N12): on a first run, History's What changed "since 1 hour ago" listed every
// listener and process alive as NetLens started as new, saying only "From <an hour ago> to now"; As it was opened
// at 5 minutes ago, before the record, on "Nothing recorded then.". Here a fresh host, and the tab opened once the
// record's first read (its baseline) is written.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { RecordedConnection } from '../../shared/record.js';
import { CLI, openApp, SCREENSHOTS, until, type OpenApp } from './support.js';

let app: OpenApp;
let page: Page;

/** What `netlens history --json` says of the host's record over the last 10 minutes. */
function recorded(): { rows: RecordedConnection[]; gap: { kind: string; begins?: number } | null } {
  const out = execFileSync(process.execPath, [CLI, 'history', '--since', '10m', '--json'], {
    env: { ...process.env, NETLENS_DATA_DIR: app.host.dataDir },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  return JSON.parse(out);
}

/** A moment as the moment picker takes it (local time, whole seconds), and as the page writes it (a space for T). */
const localInput = (ms: number) => {
  const d = new Date(ms);
  const p = (x: number) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
};
const localTime = (ms: number) => localInput(ms).replace('T', ' ');

/** Screenshots at 1100×700 and 800×600, light and dark; then 1100×700 and the system's theme again. */
async function shots(name: string): Promise<void> {
  for (const [width, height] of [
    [1100, 700],
    [800, 600],
  ] as const)
    for (const theme of ['light', 'dark'] as const) {
      await page.setViewportSize({ width, height });
      await page.emulateMedia({ colorScheme: theme });
      await page.screenshot({ path: join(SCREENSHOTS, `${name}-${width}-${theme}.png`) });
    }
  await page.emulateMedia({ colorScheme: null });
  await page.setViewportSize({ width: 1100, height: 700 });
}

let begins = 0;

beforeAll(async () => {
  app = await openApp({ width: 1100, height: 700 });
  page = app.page;
  await page.getByRole('tab', { name: 'Connections' }).waitFor();
  // The baseline written (within a batch, 5 s): the host's own listener among it.
  const record = await until(
    'the baseline in the record',
    () => {
      const r = recorded();
      return r.rows.length > 0 ? r : false;
    },
    30_000,
    500,
  );
  // (On main the answer had no gap: the tests below then fail on what the page shows.)
  begins = record.gap?.begins ?? 0;
}, 60_000);

afterAll(async () => {
  await app?.close();
});

describe('a record that began minutes ago', () => {
  it('As it was opens at its first moment, not before it, and a moment before it says so', async () => {
    await page.keyboard.press('Control+5');
    const caption = page.getByTestId('history-caption');
    // On main: "Open at <5 minutes ago>" and "Nothing recorded then.".
    await until(
      'the first moment shown',
      async () => (await caption.textContent()) === `Open at ${localTime(begins)}, when the record begins`,
    );
    const rows = page.locator('[role="grid"][aria-label="Recorded connections"] [role="row"][data-row-id]');
    await until('its rows', async () => (await rows.count()) > 0);
    await page.getByRole('textbox', { name: 'Moment' }).fill(localInput(begins - 60_000));
    await page.keyboard.press('Enter');
    await until(
      'the gap said',
      async () =>
        (await page.getByTestId('history-gap').textContent()) ===
        `The record begins at ${localTime(begins)}: nothing was recorded before it.`,
    );
    await shots('history-begins-as-it-was');
  });

  it('What changed since an hour ago compares with its first moment: what was open then is no news', async () => {
    await page.getByRole('radio', { name: 'What changed' }).click();
    const gap = page.getByTestId('changes-gap');
    await gap.waitFor();
    // On main: no such line, and the host's own listener (and every other one open) among the new listeners.
    expect(await gap.textContent()).toMatch(
      new RegExp(
        `^The record begins at ${localTime(begins)}, later than the \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d asked for: what was open then is the baseline, not new\\.$`,
      ),
    );
    expect(await page.getByTestId('changes').locator('p').first().textContent()).toMatch(
      new RegExp(`^From ${localTime(begins)} to `),
    );
    const listener = page
      .getByRole('region', { name: 'New listeners' })
      .locator('tr', { hasText: `:${app.host.port}` });
    expect(await listener.count()).toBe(0);
    await shots('history-begins-what-changed');
  });
});
