// History → As it was opens at 5 minutes ago, or at the record's first moment once an answer says the record begins
// later. That answer can come while the user is typing a moment: it must not replace what is being typed (it did:
// the field took the record's first moment, and Enter then asked that one). The page's WebSocket is routed here so
// that the answer is held until the moment is typed, whatever the machine's load (the clean-clone CI of b85ff25
// lost the race in polish-newuser.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openApp, openRoutedPage, showTabByKey, until, type OpenApp } from './support.js';

let app: OpenApp;
let page: Page;
/** The first answer that says the record begins after the moment asked, held until released. */
let held: string | null = null;
let release: (() => void) | null = null;

beforeAll(async () => {
  app = await openApp({ width: 1100, height: 700 });
  let holding = true;
  page = await openRoutedPage(
    app,
    (message, toPage) => {
      if (holding && typeof message === 'string' && message.includes('"kind":"before"')) {
        const m = JSON.parse(message) as { type?: string; result?: { gap?: { kind?: string } } };
        if (m.type === 'response' && m.result?.gap?.kind === 'before') {
          holding = false;
          held = message;
          release = () => toPage(message);
          return;
        }
      }
      toPage(message);
    },
    { viewport: { width: 1100, height: 700 }, timezoneId: 'UTC' },
  );
}, 60_000);

afterAll(async () => {
  await app?.close();
});

describe('a moment typed in As it was', () => {
  it('is kept when the answer saying where the record begins arrives while it is typed', async () => {
    await showTabByKey(page, 'Control+5', 'History');
    const moment = page.getByRole('textbox', { name: 'Moment' });
    await moment.waitFor();
    // The page asked for 5 minutes ago; the host's record began seconds ago: its answer says so, and is held.
    await until('the answer about 5 minutes ago', () => held !== null);
    const day = (await moment.inputValue()).slice(0, 10);
    await moment.fill(`${day} 14:05`);
    release!();
    // Applied: either it moved the moment to the record's first one (the defect) or it shows the gap it says.
    const caption = page.getByTestId('history-caption');
    await until(
      'the held answer applied',
      async () =>
        ((await caption.textContent()) ?? '').includes('when the record begins') ||
        (await page.getByTestId('history-gap').count()) > 0,
    );
    expect(await moment.inputValue()).toBe(`${day} 14:05`);
    await moment.press('Enter');
    await until('the typed moment asked', async () =>
      ((await caption.textContent()) ?? '').startsWith(`Open at ${day} 14:05:00`),
    );
  });
});
