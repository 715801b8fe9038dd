// The Statistics tab by keyboard, in headless Chromium against the browser host: its sections (one grid each) are
// one Tab stop and read as one list (↓ past a section's last counter goes on into the next, ↑ back, Page Up/Down
// across them, Ctrl+Home/End to the first and last counter), "Go to section" puts the focus on the section's first
// counter (from the toolbar's menu button, by mouse or keys, and from its More menu), the button keeps its width as
// the filter hides sections and offers the ones shown, and the stack's "no counter matches" sits where an empty grid's message does (a new user's review).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openApp, textNow, until, type OpenApp } from './support.js';

let app: OpenApp;
let page: Page;

beforeAll(async () => {
  app = await openApp({ width: 1100, height: 700 });
  page = app.page;
  await page.getByRole('tab', { name: 'Statistics' }).click();
  await page.locator('[role="grid"][aria-label="Tcp counters"]').waitFor();
});
afterAll(async () => {
  await app?.close();
});
afterEach(async () => {
  for (let i = 0; i < 3 && (await page.locator('[role="menu"]').count()) > 0; i++) await page.keyboard.press('Escape');
  await page.setViewportSize({ width: 1100, height: 700 });
  await page.getByRole('searchbox', { name: 'Filter counters' }).fill('');
});

const stack = () => page.locator('#panel-statistics .stat-stack');

/** The sections in order, each with its counters' ids in the order its grid shows them. */
const sections = () =>
  stack().evaluate((el) =>
    Array.from(el.querySelectorAll<HTMLElement>(':scope > section.stat-group'), (s) => ({
      group: s.dataset.group!,
      rows: Array.from(s.querySelectorAll<HTMLElement>('[role="row"][data-row-id]'))
        .sort((a, b) => Number(a.getAttribute('aria-rowindex')) - Number(b.getAttribute('aria-rowindex')))
        .map((r) => r.dataset.rowId!),
    })),
  );

/** Where the keyboard is: the grid holding the focus (its section), the row it points at (aria-activedescendant),
 *  whether that row is selected and shown in full below its section's sticky title and headers, and a header button
 *  focused. */
const focus = () =>
  page.evaluate(() => {
    const a = document.activeElement as HTMLElement | null;
    const grid = a?.closest<HTMLElement>('[role="grid"]') ?? null;
    const section = grid?.closest<HTMLElement>('section.stat-group') ?? null;
    const activeId = grid?.getAttribute('aria-activedescendant');
    const row = activeId ? document.getElementById(activeId) : null;
    const view = document.querySelector('#panel-statistics .stat-stack')!.getBoundingClientRect();
    // The section's column headers, which stay under its title as its rows scroll by: a row is in view below them.
    const title = section?.querySelector('.grid-header')?.getBoundingClientRect();
    const box = row?.getBoundingClientRect();
    return {
      group: section?.dataset.group ?? null,
      onGrid: a === grid,
      header: a?.classList.contains('sort-button') ?? false,
      row: row?.getAttribute('data-row-id') ?? null,
      selected: row?.getAttribute('aria-selected') === 'true',
      inView: !!box && !!title && box.top >= title.bottom - 1 && box.bottom <= view.bottom + 1,
    };
  });

/** Presses `key` and waits for the keyboard to be on `row` of `group`'s grid, selected and in view. */
async function pressTo(key: string, group: string, row: string): Promise<void> {
  await page.keyboard.press(key);
  await until(`${key} to reach ${group} ${row}`, async () => {
    const f = await focus();
    return f.group === group && f.onGrid && f.row === row && f.selected && f.inView;
  });
}

/** The focus in the sections by Tab from the toolbar, then on the first counter of all (Ctrl+Home). */
async function intoFirstSection(): Promise<void> {
  await page.getByRole('button', { name: 'Reset baseline' }).focus();
  await page.keyboard.press('Tab');
  await until('the focus in the sections', async () => (await focus()).onGrid);
  const [first] = await sections();
  await pressTo('Control+Home', first!.group, first!.rows[0]!);
}

describe('Statistics by keyboard', () => {
  it('the sections are one Tab stop: the one holding the selected counter, else the first', async () => {
    const list = await sections();
    expect(list.length).toBeGreaterThan(5);
    const tabStops = () =>
      stack()
        .locator('[role="grid"]')
        .evaluateAll((grids) =>
          grids.filter((g) => (g as HTMLElement).tabIndex === 0).map((g) => g.getAttribute('aria-label')),
        );
    await until(
      'one Tab stop, the first section',
      async () => JSON.stringify(await tabStops()) === JSON.stringify([`${list[0]!.group} counters`]),
    );
    // Tab from the toolbar's last control comes to the first section, and the next Tab leaves the stack.
    await page.getByRole('button', { name: 'Reset baseline' }).focus();
    await page.keyboard.press('Tab');
    await until('Tab into the first section', async () => {
      const f = await focus();
      return f.onGrid && f.group === list[0]!.group;
    });
    await page.keyboard.press('Tab');
    await until('the focus out of the sections', () =>
      page.evaluate(() => !document.activeElement?.closest('.stat-stack')),
    );
    // A counter selected in Tcp: Tcp's grid is the Tab stop, and Shift+Tab from after the stack comes back to it.
    await stack().locator('[role="row"][data-row-id="Tcp.InSegs"]').click();
    await until('the Tab stop on Tcp', async () => JSON.stringify(await tabStops()) === '["Tcp counters"]');
    await page.getByRole('button', { name: 'Reset baseline' }).focus();
    await page.keyboard.press('Tab');
    await until('Tab into Tcp', async () => {
      const f = await focus();
      return f.group === 'Tcp' && f.row === 'Tcp.InSegs';
    });
  });

  it('↓ past a section goes on into the next one, ↑ back; ↑ on the very first counter reaches the headers', async () => {
    const list = await sections();
    await intoFirstSection();
    // Through every section to the last by End and ↓, each entered at its first counter, in view.
    for (let i = 0; i + 1 < list.length; i++) {
      const [here, next] = [list[i]!, list[i + 1]!];
      await pressTo('End', here.group, here.rows.at(-1)!);
      await pressTo('ArrowDown', next.group, next.rows[0]!);
    }
    // ↓ on the last counter of all stays there.
    const last = list.at(-1)!;
    await pressTo('End', last.group, last.rows.at(-1)!);
    await pressTo('ArrowDown', last.group, last.rows.at(-1)!);
    // And back up: ↑ from a section's first counter goes to the previous section's last one.
    for (let i = list.length - 1; i > 0; i--) {
      const [here, before] = [list[i]!, list[i - 1]!];
      await pressTo('Home', here.group, here.rows[0]!);
      await pressTo('ArrowUp', before.group, before.rows.at(-1)!);
    }
    // Only above the first section's first counter are the headers (which sort and size every section).
    await pressTo('Home', list[0]!.group, list[0]!.rows[0]!);
    await page.keyboard.press('ArrowUp');
    await until('the headers', async () => {
      const f = await focus();
      return f.header && f.group === list[0]!.group;
    });
    await pressTo('ArrowDown', list[0]!.group, list[0]!.rows[0]!);
  });

  it('a section entered by ↓ shows from its top, its headers right below its title', async () => {
    const list = await sections();
    await intoFirstSection();
    for (let i = 0; i + 1 < list.length; i++) {
      await pressTo('End', list[i]!.group, list[i]!.rows.at(-1)!);
      await pressTo('ArrowDown', list[i + 1]!.group, list[i + 1]!.rows[0]!);
      const gap = await stack()
        .locator(`section[data-group="${list[i + 1]!.group}"]`)
        .evaluate(
          (s) =>
            s.querySelector('.grid-header')!.getBoundingClientRect().top -
            s.querySelector('h3')!.getBoundingClientRect().bottom,
        );
      expect(Math.abs(gap), `${list[i + 1]!.group}'s headers right below its title`).toBeLessThanOrEqual(2);
    }
  });

  it("a long section's column headers stay under its title as its rows scroll by; a narrow one scrolls sideways", async () => {
    const headerUnderTitle = () =>
      stack().evaluate((el) => {
        // The longest section (TcpExt on Linux), scrolled to its middle.
        const longest = Array.from(el.querySelectorAll<HTMLElement>(':scope > section.stat-group')).sort(
          (a, b) => b.offsetHeight - a.offsetHeight,
        )[0]!;
        el.scrollTop = longest.offsetTop + longest.offsetHeight / 2 - el.clientHeight / 2;
        const title = longest.querySelector('h3')!.getBoundingClientRect();
        const header = longest.querySelector('.grid-header')!.getBoundingClientRect();
        const scroller = longest.querySelector<HTMLElement>('.grid-scroll')!;
        return {
          rows: longest.querySelectorAll('[role="row"][data-row-id]').length,
          gap: header.top - title.bottom,
          sideways: scroller.scrollWidth > scroller.clientWidth && getComputedStyle(scroller).overflowX === 'auto',
        };
      });
    const wide = await headerUnderTitle();
    expect(wide.rows, 'a section longer than the window').toBeGreaterThan(30);
    // No gap between them for a row to show through (the title was 28.5-30 px tall: a new user's review of 12-07).
    expect(Math.abs(wide.gap), 'its headers right below its title, mid-section').toBeLessThanOrEqual(0.5);
    expect(wide.sideways).toBe(false);
    // At the desktop window's least width (720 px) its columns fit, Description cut: its headers still stay in view
    // (the section scrolled sideways there, its headers out of view: a new user's review of 12-07).
    await page.setViewportSize({ width: 720, height: 600 });
    await until('the section laid out at 720 px', async () => {
      const at720 = await headerUnderTitle();
      return !at720.sideways && Math.abs(at720.gap) <= 0.5;
    });
    // Narrower still (a browser's window), its columns do not all fit: the section scrolls sideways to its last one.
    await page.setViewportSize({ width: 560, height: 600 });
    await until('the section to scroll sideways', async () => (await headerUnderTitle()).sideways);
  });

  it('Page Down and Up go on across sections; Ctrl+End and Ctrl+Home reach the last and first counters', async () => {
    const list = await sections();
    await intoFirstSection();
    const first = list[0]!;
    await pressTo('End', first.group, first.rows.at(-1)!);
    await page.keyboard.press('PageDown');
    const down = await until('Page Down into a later section', async () => {
      const f = await focus();
      return f.group !== first.group && f.onGrid && f.selected && f.inView ? f : null;
    });
    expect(list.findIndex((s) => s.group === down.group)).toBeGreaterThan(0);
    // A page on, not the next section's first counter (a page is more than one row at this height).
    expect(down.row).not.toBe(list[1]!.rows[0]);
    // Page Up goes back the same number of rows.
    await pressTo('PageUp', first.group, first.rows.at(-1)!);
    await pressTo('Control+End', list.at(-1)!.group, list.at(-1)!.rows.at(-1)!);
    await pressTo('Control+Home', first.group, first.rows[0]!);
  });

  it('"Go to section" puts the focus on the section\'s first counter, selected: the arrows go on from there', async () => {
    const list = await sections();
    const tcp = list.find((s) => s.group === 'Tcp')!;
    await page.getByRole('button', { name: 'Go to section…' }).click();
    await page.getByRole('menu', { name: 'Go to section' }).getByRole('menuitem', { name: 'Tcp', exact: true }).click();
    await until('the focus on Tcp', async () => {
      const f = await focus();
      return f.group === 'Tcp' && f.onGrid && f.row === tcp.rows[0] && f.selected && f.inView;
    });
    // The section at the top of the view.
    const top = await stack().evaluate((el) => {
      const s = el.querySelector('section[data-group="Tcp"]')!;
      return s.getBoundingClientRect().top - el.getBoundingClientRect().top;
    });
    expect(Math.abs(top)).toBeLessThanOrEqual(2);
    await pressTo('ArrowDown', 'Tcp', tcp.rows[1]!);
  });

  it('"Go to …" in the toolbar\'s More menu (a narrow window) puts the focus there too', async () => {
    await page.setViewportSize({ width: 560, height: 700 });
    const more = page.getByRole('button', { name: 'More in Statistics options' });
    await more.waitFor();
    const udp = (await sections()).find((s) => s.group === 'Udp')!;
    await more.click();
    await page
      .getByRole('menu', { name: 'More in Statistics options' })
      .getByText('Go to Udp', { exact: true })
      .click();
    await until('the focus on Udp', async () => {
      const f = await focus();
      return f.group === 'Udp' && f.onGrid && f.row === udp.rows[0] && f.selected;
    });
    await pressTo('ArrowDown', 'Udp', udp.rows[1]!);
  });

  it('the section button keeps its width as the filter hides sections, and offers the sections shown', async () => {
    const button = page.getByRole('button', { name: 'Go to section…' });
    const width = async () => (await button.boundingBox())!.width;
    const before = await width();
    // Only short names left (Tcp's InSegs; the widest names, as MPTcpExt, hidden).
    await page.getByRole('searchbox', { name: 'Filter counters' }).fill('insegs');
    await until('Udp hidden', async () => (await stack().locator('section[data-group="Udp"]').count()) === 0);
    expect(await stack().locator('section[data-group="MPTcpExt"], section[data-group="UdpLite6"]').count()).toBe(0);
    expect(await width()).toBe(before);
    await button.click();
    const offered = await page.getByRole('menu', { name: 'Go to section' }).getByRole('menuitem').allTextContents();
    expect(offered).toContain('Tcp');
    expect(offered).not.toContain('Udp');
  });

  it('the section button by keyboard: ↓ opens its menu (a closed select took it for a choice), whose choice moves the keyboard', async () => {
    const list = await sections();
    const button = page.getByRole('button', { name: 'Go to section…' });
    await button.focus();
    const scrolled = await stack().evaluate((el) => el.scrollTop);
    // A closed select took ↓ for a choice: it jumped to the first section and took the focus out of the toolbar.
    await page.keyboard.press('ArrowDown');
    const menu = page.getByRole('menu', { name: 'Go to section' });
    await menu.waitFor();
    expect(await stack().evaluate((el) => el.scrollTop)).toBe(scrolled);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('menuitem');
    await page.keyboard.press('Escape');
    await until('the focus back on the button', () => button.evaluate((b) => b === document.activeElement));
    await page.keyboard.press('Enter');
    await menu.waitFor();
    expect(await menu.getByRole('menuitem').allTextContents()).toEqual(list.map((s) => s.group));
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const second = list[1]!;
    await until(`the focus on ${second.group}`, async () => {
      const f = await focus();
      return f.group === second.group && f.onGrid && f.row === second.rows[0] && f.selected;
    });
  });

  it('Tab back to a counter on screen moves nothing', async () => {
    // A new user's review of 12-07: the stack jumped 536 px to show the section's top though its counter showed.
    const icmp = (await sections()).find((s) => s.group === 'Icmp')!;
    await stack().evaluate((el) => {
      el.scrollTop = 0;
    });
    const row = stack().locator(`[data-row-id="${icmp.rows[1]}"]`);
    await row.scrollIntoViewIfNeeded();
    await row.click();
    const before = await stack().evaluate((el) => el.scrollTop);
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    await until('the focus back on Icmp', async () => (await focus()).group === 'Icmp');
    expect(await stack().evaluate((el) => el.scrollTop)).toBe(before);
    expect((await focus()).inView).toBe(true);
  });

  it('sorts the descriptions regardless of case', async () => {
    const header = page.locator('#panel-statistics section[data-group="Ip"] .sort-button[data-column="description"]');
    await header.click();
    const descriptions = () =>
      stack().evaluate((el) =>
        Array.from(el.querySelectorAll<HTMLElement>('section[data-group="Ip"] [role="row"][data-row-id]'))
          .sort((a, b) => Number(a.getAttribute('aria-rowindex')) - Number(b.getAttribute('aria-rowindex')))
          .map((r) => r.querySelector('[data-column="description"]')?.textContent ?? ''),
      );
    try {
      await until(
        'sorted by description',
        async () => {
          const d = await descriptions();
          return (
            d.length > 3 &&
            d.join('\n') === [...d].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())).join('\n')
          );
        },
        5000,
      );
      // "IP forwarding…" came before "default time-to-live…", a capital before every small letter.
      const d = await descriptions();
      expect(d.findIndex((x) => x.startsWith('default'))).toBeLessThan(
        d.findIndex((x) => x.startsWith('IP forwarding')),
      );
    } finally {
      // Back to the sections' own order: descending, then none.
      await header.click();
      await header.click();
    }
  });

  it('"No counter matches" sits centred below the toolbar, as an empty grid says so', async () => {
    await page.getByRole('searchbox', { name: 'Filter counters' }).fill('no-such-counter-anywhere');
    const message = stack().locator('.loading[role="status"]');
    await until('the message', async () => ((await textNow(message)) ?? '').includes('No counter matches'));
    const place = await message.evaluate((el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      const text = range.getBoundingClientRect();
      const box = el.parentElement!.getBoundingClientRect();
      return {
        centre: text.left + text.width / 2 - (box.left + box.width / 2),
        top: text.top - box.top,
      };
    });
    expect(Math.abs(place.centre)).toBeLessThanOrEqual(2);
    expect(place.top).toBeGreaterThanOrEqual(30);
    expect(place.top).toBeLessThanOrEqual(80);
  });
});
