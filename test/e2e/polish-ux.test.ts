// A new user's review (review.md, L21): a remote host's chip stays compact, so that at 1100 px the toolbar keeps
// Refresh, Pause, Open capture… and Export….
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openApp, SCREENSHOTS, until, type OpenApp } from './support.js';

let app: OpenApp;
let page: Page;
let dir: string;

const grid = () => page.locator('[role="grid"][aria-label="Connections"]');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'netlens-ux-'));
  // A remote host that never answers: ssh to a closed port on loopback.
  writeFileSync(join(dir, 'ssh_config'), 'Host revhost\n  HostName 127.0.0.1\n  Port 9\n');
  app = await openApp({ width: 1100, height: 700 }, ['--ssh-config', join(dir, 'ssh_config')]);
  page = app.page;
  await grid().locator('[role="row"][data-row-id]').first().waitFor();
});

afterAll(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('polish for a new user', () => {
  it('with a remote host that does not answer, the toolbar at 1100 px keeps Refresh, Pause, Open capture… and Export…; the chip says why in its tooltip', {
    timeout: 60_000,
  }, async () => {
    await page.getByRole('button', { name: 'More netlens' }).click();
    await page.getByRole('menu', { name: 'More netlens' }).getByRole('menuitem', { name: 'Add host…' }).click();
    await page.getByRole('textbox', { name: 'ssh destination' }).fill('revhost');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    const chip = page.getByRole('status', { name: 'Host revhost' });
    await until(
      'the chip to say why',
      async () => {
        const title = (await chip.getAttribute('title')) ?? '';
        return /^revhost: disconnected \(.+\)/.test(title);
      },
      20_000,
    ).catch(async (e) => {
      throw new Error(`${e}: ${await chip.getAttribute('title')}`);
    });
    // Its state in words for screen readers; the reason stays in the tooltip and in the ⋯ menu.
    expect(await chip.textContent()).toBe('revhost: disconnected');
    const bar = page.getByRole('toolbar', { name: 'NetLens' });
    for (const control of [
      bar.getByRole('combobox', { name: 'Refresh interval' }),
      bar.getByRole('button', { name: 'Pause' }),
      bar.getByRole('button', { name: 'Open capture…' }),
      bar.getByRole('button', { name: 'Export…' }),
      chip,
    ])
      expect(await control.isVisible(), String(control)).toBe(true);
    const box = (await chip.boundingBox())!;
    expect(box.width).toBeLessThan(120);
    // What moved into ⋯ is there, the host's state with its reason among it.
    await page.getByRole('button', { name: 'More netlens' }).click();
    const menu = page.getByRole('menu', { name: 'More netlens' });
    expect(await menu.textContent()).toMatch(/Show revhost: disconnected \(.+\)/);
    await page.screenshot({ path: join(SCREENSHOTS, 'ux-host-chip-1100.png') });
    await page.keyboard.press('Escape');
  });
});
