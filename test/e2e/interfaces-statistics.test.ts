// The Interfaces and Statistics tabs in headless Chromium against the real browser host and this machine's
// real data: interface names from /sys/class/net, lo's address and multicast groups as `ip` reports them,
// loopback traffic this test generates showing up as an RX rate, a chart and moving TCP counters, and an
// error counter (Udp NoPorts, provoked by datagrams to a closed port) highlighted when it rises.
import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  ROOT,
  SCREENSHOTS,
  afterTicks,
  loopbackTraffic,
  sparklinePoints,
  until,
  openApp,
  type OpenApp,
} from './support.js';

const FIXTURES = join(ROOT, 'test/fixtures/captures/linux');

let app: OpenApp;
let page: Page;

beforeAll(async () => {
  app = await openApp({ width: 1360, height: 860 });
  page = app.page;
  await page.locator('[role="tablist"]').waitFor();
});
afterAll(async () => {
  await app?.close();
});

/** 1 to 7 MiB a second over loopback, swelling and ebbing over a few seconds, in steps so every tick sees
 *  traffic. */
const swellingTraffic = () =>
  loopbackTraffic((elapsed) => Math.round((1 + 3 * (1 + Math.sin(elapsed / 1500))) * 64 * 1024), 60);

const panel = () => page.locator('[role="tabpanel"]:not([hidden])');
const cell = (grid: string, rowId: string, column: string) =>
  panel().locator(
    `[role="grid"][aria-label="${grid}"] [role="row"][data-row-id="${rowId}"] [role="gridcell"][data-column="${column}"]`,
  );

/** Opens a saved capture through the toolbar's file picker, as a user would. */
async function openCapture(file: string): Promise<void> {
  const [chooser] = await Promise.all([
    page.waitForEvent('filechooser'),
    page.getByRole('button', { name: 'Open capture…' }).click(),
  ]);
  await chooser.setFiles(file);
  await panel().getByRole('region', { name: 'Capture' }).waitFor();
}

async function backToLive(): Promise<void> {
  await panel().getByRole('button', { name: 'Back to live data' }).click();
  await until(
    'the capture banner to go',
    async () => (await panel().getByRole('region', { name: 'Capture' }).count()) === 0,
  );
}

/** "1.23 MiB/s" → bytes per second; "" (no rate yet) → null. */
function parseRate(text: string): number | null {
  const m = /^([\d.]+) (B|KiB|MiB|GiB)\/s$/.exec(text.trim());
  if (!m) return null;
  const unit = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 }[m[2] as 'B'];
  return Number(m[1]) * unit;
}

describe('Interfaces tab', () => {
  it("lists this machine's interfaces, with lo's IPv4 address", async () => {
    await page.getByRole('tab', { name: 'Interfaces' }).click();
    const grid = panel().getByRole('grid', { name: 'Interfaces' });
    const expected = readdirSync('/sys/class/net').sort();
    const names = await until('every interface', async () => {
      const shown = (await grid.locator('[role="gridcell"][data-column="name"]').allTextContents()).sort();
      if (shown.length !== expected.length)
        throw new Error(`the grid shows [${shown.join(', ')}], /sys/class/net has [${expected.join(', ')}]`);
      return shown;
    });
    expect(names).toEqual(expected);
    expect(await cell('Interfaces', 'lo', 'addresses').textContent()).toContain('127.0.0.1');
    for (const role of ['columnheader', 'row', 'gridcell'])
      expect(await grid.getByRole(role as 'row').count()).toBeGreaterThan(0);
    const n = expected.length;
    expect(await page.locator('[data-status="rows"]').textContent()).toBe(`${n} of ${n} interfaces`);
  });

  it('shows a non-zero RX rate for lo under loopback traffic, a sparkline and its chart when selected', async () => {
    const traffic = await swellingTraffic();
    try {
      const rate = await until(
        'a non-zero RX rate on lo',
        async () => {
          const r = parseRate((await cell('Interfaces', 'lo', 'rxRate').textContent()) ?? '');
          // The page's own WebSocket runs over loopback too: only the test's megabytes reach 1 MiB/s.
          return r !== null && r > 1024 * 1024 ? r : null;
        },
        20_000,
      );
      expect(rate).toBeGreaterThan(1024 * 1024);
      // The sparkline has drawn at least one segment of lo's receive rate.
      await until('lo sparkline', () => cell('Interfaces', 'lo', 'activity').locator('svg polyline.spark-rx').count());

      await cell('Interfaces', 'lo', 'name').click();
      expect(await panel().locator('[role="row"][data-row-id="lo"]').getAttribute('aria-selected')).toBe('true');
      const chart = panel().getByRole('region', { name: 'Throughput of lo' });
      await until('the uPlot canvas for lo', () => chart.locator('.uplot canvas').count());
      // Live points keep arriving: the chart's legend names both series.
      const legend = (await chart.locator('.u-legend').textContent()) ?? '';
      expect(legend).toContain('RX');
      expect(legend).toContain('TX');
      await until(
        'the overlay to go once two samples exist',
        async () => (await chart.locator('.chart-overlay').count()) === 0,
        20_000,
      );
      // More samples of traffic so the saved screenshot shows a chart, not two points.
      await until(
        'eight samples of lo',
        async () => (await sparklinePoints(cell('Interfaces', 'lo', 'activity'))) >= 8,
        20_000,
      );
      await page.screenshot({ path: join(SCREENSHOTS, 'interfaces.png') });
    } finally {
      await traffic.stop();
    }
  });

  it("lists lo's multicast groups as ip maddr reports them", async () => {
    const report = JSON.parse(execFileSync('ip', ['-j', 'maddr', 'show', 'dev', 'lo'], { encoding: 'utf8' })) as {
      maddr?: { family: string; address: string }[];
    }[];
    const expected = (report[0]?.maddr ?? [])
      .filter((m) => m.family === 'inet' || m.family === 'inet6')
      .map((m) => m.address);
    const grid = panel().getByRole('grid', { name: 'Multicast groups of lo' });
    const shown = await until('lo multicast groups', async () => {
      const groups = await grid.locator('[role="gridcell"][data-column="group"]').allTextContents();
      return expected.every((g) => groups.includes(g)) ? groups : null;
    });
    expect(shown.length).toBeGreaterThanOrEqual(expected.length);
  });
});

describe('Interfaces tab with an opened capture', () => {
  it("shows the capture's interfaces read-only, without rates or chart", async () => {
    const file = join(FIXTURES, 'proc-net-dev.jc.txt');
    const expected = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => /^\s*[\w.-]+:\s*\d/.test(l))
      .map((l) => l.split(':')[0]!.trim())
      .sort();
    await openCapture(file);
    const grid = panel().getByRole('grid', { name: 'Interfaces' });
    const names = await until('the capture rows', async () => {
      const shown = (await grid.locator('[role="gridcell"][data-column="name"]').allTextContents()).sort();
      return shown.join() === expected.join() ? shown : null;
    });
    expect(names).toEqual(expected);
    expect(await grid.locator('[role="columnheader"] [data-column="rxRate"]').count()).toBe(0);
    expect(await panel().locator('.uplot').count()).toBe(0);
    expect(await panel().getByText('A capture is a single reading').count()).toBe(1);
    // Its heading names the interface, and no 10 minutes its body says it has not.
    expect(await panel().locator('.iface-chart > h3').textContent()).not.toContain('last 10 minutes');
    await backToLive();
    await until('the live heading', async () =>
      ((await panel().locator('.iface-chart > h3').textContent()) ?? '').includes('last 10 minutes'),
    );
    await until('live lo again', () => cell('Interfaces', 'lo', 'rxRate').count());
  });
});

describe('Statistics tab', () => {
  const visibleNames = async (grid: string) =>
    panel().locator(`[role="grid"][aria-label="${grid}"] [role="gridcell"][data-column="name"]`).allTextContents();

  const nstatInSegs = () =>
    (
      JSON.parse(execFileSync('nstat', ['-a', '-z', '-j', '-s', 'TcpInSegs'], { encoding: 'utf8' })) as {
        kernel: Record<string, number>;
      }
    ).kernel.TcpInSegs!;

  it("groups counters by protocol in netstat's order, with descriptions", async () => {
    // The Interfaces tests' loopback traffic moved Tcp InSegs while no page showed the counters.
    const beforeShown = nstatInSegs();
    await page.getByRole('tab', { name: 'Statistics' }).click();
    // The first baseline is a reading made after the tab was shown, not the host's last one from before (the
    // deltas then counted everything since the host started): what it holds is at least what nstat read before.
    const baselineInSegs = await until(
      'the first baseline',
      () =>
        panel()
          .locator('[role="row"][data-row-id="Tcp.InSegs"]')
          .evaluate((row) => {
            const num = (col: string) =>
              Number((row.querySelector(`[data-column="${col}"]`)?.textContent ?? '').replace(/[,+]/g, ''));
            const delta = row.querySelector('[data-column="delta"]')?.textContent ?? '';
            return delta === '' ? null : num('value') - num('delta');
          })
          .catch(() => null),
      15_000,
    );
    expect(baselineInSegs).toBeGreaterThanOrEqual(beforeShown);
    expect(await panel().getByTestId('baseline-time').textContent()).toMatch(/^Deltas since .*\(first reading\)$/);
    await panel().getByRole('grid', { name: 'Tcp counters' }).waitFor();
    const order = await panel()
      .locator('section[data-group]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-group')));
    for (const g of ['Ip', 'Icmp', 'Tcp', 'Udp', 'TcpExt', 'IpExt']) expect(order).toContain(g);
    expect(order.indexOf('Ip')).toBeLessThan(order.indexOf('Tcp'));
    expect(order.indexOf('Tcp')).toBeLessThan(order.indexOf('Udp'));
    expect(order.indexOf('Udp')).toBeLessThan(order.indexOf('TcpExt'));
    expect(await cell('Tcp counters', 'Tcp.ActiveOpens', 'description').textContent()).toMatch(/\w+/);
    expect(await cell('Udp counters', 'Udp.InDatagrams', 'description').textContent()).toMatch(/\w+/);
    // The numbers are this machine's: Tcp InSegs never goes below what nstat read a moment before.
    const read = nstatInSegs();
    const shown = async () =>
      Number(((await cell('Tcp counters', 'Tcp.InSegs', 'value').textContent()) ?? '').replace(/,/g, ''));
    await expect.poll(shown, { timeout: 15_000 }).toBeGreaterThanOrEqual(read);
  });

  it('the section reached by Tab shows from its top, its headers below its sticky title, a long one not at its end', async () => {
    // On main Icmp's headers sat under its title, and TcpExt (about 120 counters) showed its last rows. The sections
    // are one Tab stop (statistics-keys.test.ts): the one holding the selected counter.
    const stack = panel().locator('.stat-stack');
    const tabIn = async (group: string) => {
      await stack.evaluate((el) => {
        el.scrollTop = 0;
      });
      await panel().getByRole('button', { name: 'Go to section…' }).focus();
      for (let i = 0; i < 6 && !(await page.evaluate(() => !!document.activeElement?.closest('.stat-stack'))); i++)
        await page.keyboard.press('Tab');
      return page.evaluate((g) => {
        const grid = document.activeElement as HTMLElement;
        const section = grid.closest<HTMLElement>('.stat-group')!;
        const row = document.getElementById(grid.getAttribute('aria-activedescendant') ?? '');
        const view = grid.closest('.stat-stack')!.getBoundingClientRect();
        const title = section.querySelector('h3')!.getBoundingClientRect();
        const box = row?.getBoundingClientRect();
        return {
          group: section.dataset.group === g,
          header: section.querySelector('.grid-header')!.getBoundingClientRect().top - title.bottom,
          row: box ? box.top >= title.bottom - 1 && box.bottom <= view.bottom + 1 : null,
        };
      }, group);
    };
    for (const group of ['Icmp', 'TcpExt']) {
      const first = panel().locator(`section[data-group="${group}"] [role="row"][aria-rowindex="2"]`);
      await first.scrollIntoViewIfNeeded();
      await first.click();
      const at = await tabIn(group);
      expect(at.group, group).toBe(true);
      expect(Math.abs(at.header), `${group}'s headers right below its title`).toBeLessThanOrEqual(2);
      expect(at.row, `${group}'s selected counter in view`).toBe(true);
    }
    // A counter selected far down TcpExt: Tab comes back to it, in view.
    const deep = panel().locator('section[data-group="TcpExt"] [role="row"][aria-rowindex="80"]');
    await deep.scrollIntoViewIfNeeded();
    await deep.click();
    expect((await tabIn('TcpExt')).row, 'the selected counter in view').toBe(true);
    await page.keyboard.press('Escape');
  });

  it('draws a value, rate or delta cell without its clip when its text fits whole, and none spills (issue 15)', async () => {
    // The three columns change each tick at rest; a clipped cell costs the browser a clip node and a paint chunk a
    // frame. A wrong judgement (DataGrid: textFits) would spill over the next cell.
    const cells = () =>
      panel()
        .locator('.grid-row .grid-cell')
        .evaluateAll((els) =>
          (els as HTMLElement[])
            .filter((c) => ['value', 'rate', 'delta'].includes(c.dataset.column ?? ''))
            .map((c) => ({
              column: c.dataset.column!,
              fits: c.classList.contains('fits'),
              spills: c.classList.contains('fits') && c.scrollWidth > c.clientWidth,
              text: c.textContent,
            })),
        );
    await until('a tick with rates', async () => (await cells()).some((c) => c.column === 'rate' && c.text !== ''));
    const shown = await cells();
    for (const column of ['value', 'rate', 'delta'])
      expect(shown.filter((c) => c.column === column && c.fits).length, column).toBeGreaterThan(0);
    expect(shown.filter((c) => c.spills)).toEqual([]);
    // Shown whole: no tooltip repeating it.
    const value = cell('Tcp counters', 'Tcp.InSegs', 'value');
    expect(await value.getAttribute('class')).toContain('fits');
    expect(await value.getAttribute('title')).toBeNull();
  });

  it('narrows with the filter (name, section or description, any case)', async () => {
    const rows = () =>
      panel()
        .locator('[role="row"][data-row-id]')
        .evaluateAll((els) =>
          els.map(
            (e) =>
              `${e.getAttribute('data-row-id')} ${e.querySelector('[data-column="description"]')?.textContent ?? ''}`,
          ),
        );
    await panel().getByRole('searchbox', { name: 'Filter counters' }).fill('RETRANS');
    // Every group's grid re-renders with the filter, and a virtualized grid lays its rows out after it has
    // measured them: wait for the filtered rows, RetransSegs among them.
    await until('the filter to apply', async () => {
      const shown = await rows();
      return (
        shown.every((r) => r.toLowerCase().includes('retrans')) &&
        (await visibleNames('Tcp counters')).includes('RetransSegs')
      );
    });
    expect(await panel().getByRole('grid', { name: 'Udp counters' }).count()).toBe(0);
    await panel().getByRole('searchbox', { name: 'Filter counters' }).fill('');
    await panel().getByRole('grid', { name: 'Udp counters' }).waitFor();
  });

  it('Reset baseline starts deltas from zero; traffic then moves TCP counters with a positive rate', async () => {
    // Paused, nothing moves between the reset and the read.
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('button', { name: 'Resume' }).waitFor();
    // A read started before the pause still lands (monitor.ts publishes it) and shows nothing when it has; a
    // /proc read takes milliseconds, so half a second bounds it.
    await page.waitForTimeout(500);
    await panel().getByRole('button', { name: 'Reset baseline' }).click();
    expect(await panel().getByTestId('baseline-time').textContent()).not.toContain('when NetLens started');
    const deltas = await panel().locator('[role="gridcell"][data-column="delta"]').allTextContents();
    expect(deltas.length).toBeGreaterThan(20);
    // Gauges (sockets in use, DefaultTTL) show no delta; every counter starts again from zero.
    expect(new Set(deltas.filter(Boolean))).toEqual(new Set(['0']));
    expect(deltas.filter((d) => d === '').length).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Resume' }).click();

    const traffic = await swellingTraffic();
    try {
      // Rates shown while paused are the last tick's: wait for ticks after the reset, seen in the deltas.
      const moved = await until(
        'Tcp InSegs and OutSegs to move with a positive rate',
        async () => {
          const num = async (id: string, col: string) =>
            Number.parseFloat(((await cell('Tcp counters', id, col).textContent()) ?? '').replace(/[,+]/g, ''));
          const [rate, inDelta, outDelta] = [
            await num('Tcp.InSegs', 'rate'),
            await num('Tcp.InSegs', 'delta'),
            await num('Tcp.OutSegs', 'delta'),
          ];
          return rate > 0 && inDelta > 0 && outDelta > 0 ? { rate, inDelta, outDelta } : null;
        },
        20_000,
      );
      expect(moved.rate).toBeGreaterThan(0);
      expect(await cell('Tcp counters', 'Tcp.OutSegs', 'delta').textContent()).toMatch(/^\+[\d,]+$/);
      await until('the moved mark on Tcp InSegs', () =>
        cell('Tcp counters', 'Tcp.InSegs', 'name').locator('.moved-dot.on').count(),
      );
    } finally {
      await traffic.stop();
    }
  });

  it('sorted by a figure, a section follows its figures at each tick', async () => {
    const grid = panel().getByRole('grid', { name: 'Ip counters' });
    const sortButton = grid.locator('.sort-button[data-column="value"]');
    const values = async () =>
      (await grid.locator('[role="gridcell"][data-column="value"]').allTextContents()).map((t) =>
        Number(t.replace(/,/g, '')),
      );
    const traffic = await swellingTraffic();
    try {
      await sortButton.click();
      await sortButton.click();
      await until(
        'Ip sorted by value, descending',
        async () => (await grid.locator('.sort-mark').textContent()) === '▼',
      );
      // The cells show each tick's figures while the grid's rows stay as they were: the order must follow them.
      for (let tick = 0; tick < 3; tick++) {
        await afterTicks(page, 1);
        const shown = await values();
        expect(shown.length).toBeGreaterThan(5);
        expect(shown, shown.join(' ')).toEqual([...shown].sort((a, b) => b - a));
      }
    } finally {
      await traffic.stop();
      await sortButton.click();
      await until('Ip unsorted', async () => (await grid.locator('.sort-mark').count()) === 0);
    }
  });

  it("a cut figure's tooltip, under the pointer, follows its text over ticks", async () => {
    const grid = panel().getByRole('grid', { name: 'Ip counters' });
    const resizer = grid.locator('[role="columnheader"]:has(> button[data-column="value"]) .resizer');
    const value = cell('Ip counters', 'Ip.InReceives', 'value');
    const drag = async (toX: number) => {
      const box = (await resizer.boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(toX, box.y + box.height / 2, { steps: 8 });
      await page.mouse.up();
    };
    const wide = (await resizer.boundingBox())!;
    const traffic = await swellingTraffic();
    try {
      // The Value column narrowed until the count is cut: its whole text is the cell's tooltip under the pointer.
      await drag(wide.x - 100);
      await until('the value cut', async () => !/\bfits\b/.test((await value.getAttribute('class')) ?? 'fits'));
      await value.hover();
      const first = await until('its tooltip', () => value.getAttribute('title'));
      await until('the value to move on', async () => ((await value.textContent()) ?? first) !== first);
      // Its row holds no figures (FactRows): the tooltip is the text of the tick, not the one it had when hovered.
      await until('the tooltip to follow the text', async () => {
        const title = await value.getAttribute('title');
        return title !== first && title === (await value.textContent());
      });
    } finally {
      await traffic.stop();
      await drag(wide.x + wide.width / 2);
    }
  });

  it("shows an opened /proc/net/snmp capture's values, without rates or baseline", async () => {
    const file = join(FIXTURES, 'proc-net-snmp.rhel-5.3.txt');
    const lines = readFileSync(file, 'utf8').split('\n');
    const tcp = lines.filter((l) => l.startsWith('Tcp:'));
    const names = tcp[0]!.split(/\s+/).slice(1);
    const values = tcp[1]!.split(/\s+/).slice(1);
    const inSegs = Number(values[names.indexOf('InSegs')]);
    await openCapture(file);
    await until(
      'the captured Tcp InSegs',
      async () =>
        Number(((await cell('Tcp counters', 'Tcp.InSegs', 'value').textContent()) ?? '').replace(/,/g, '')) === inSegs,
    );
    expect(await panel().getByRole('button', { name: 'Reset baseline' }).count()).toBe(0);
    expect(
      await panel().locator('[role="gridcell"][data-column="delta"], [role="gridcell"][data-column="rate"]').count(),
    ).toBe(0);
    await backToLive();
    await panel().getByRole('button', { name: 'Reset baseline' }).waitFor();
  });

  it('highlights an error counter when it rises (Udp NoPorts, from datagrams to a closed port)', async () => {
    const closed = createSocket('udp4');
    await new Promise<void>((r) => closed.bind(0, '127.0.0.1', () => r()));
    const port = closed.address().port;
    await new Promise<void>((r) => closed.close(() => r()));
    const sender = createSocket('udp4');
    const timer = setInterval(() => sender.send(Buffer.from('netlens'), port, '127.0.0.1', () => undefined), 100);
    try {
      const row = panel().locator('[role="grid"][aria-label="Udp counters"] [role="row"][data-row-id="Udp.NoPorts"]');
      // NoPorts is system-wide and other programs may raise it too: wait for both signs of this test's
      // datagrams (a rise since the baseline and the highlight) rather than taking the first one seen.
      const delta = await until(
        'Udp NoPorts highlighted with a rise since the baseline',
        async () => {
          const alarm = /\bstat-alarm\b/.test((await row.getAttribute('class')) ?? '');
          const d = (await cell('Udp counters', 'Udp.NoPorts', 'delta').textContent()) ?? '';
          return alarm && /^\+[\d,]+$/.test(d) ? d : null;
        },
        20_000,
      );
      expect(delta).toMatch(/^\+[\d,]+$/);
      for (const dismiss of await page.getByRole('button', { name: 'Dismiss' }).all()) await dismiss.click();
      await panel()
        .locator('section[data-group="Tcp"]')
        .evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await page.screenshot({ path: join(SCREENSHOTS, 'statistics.png') });
    } finally {
      clearInterval(timer);
      sender.close();
    }
  });
});
