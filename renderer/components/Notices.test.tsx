// The notices stack compactly: the newest shows, the older ones wait behind "N more" (the errors among them said), a
// notice that comes again is counted; the store ends a notice that is no longer true.
import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, describe, expect, it } from 'vitest';
import { dataStore, endNotices, pushNotice } from '../store/data.js';
import { LostBanner, NEW_ADDRESS_HINT_MS, NoticeList } from './Notices.js';

// The list as the store holds it (a server render reads a store's initial state: the list is given its notices).
const render = () =>
  renderToStaticMarkup(<NoticeList notices={dataStore.getState().notices} retry={() => undefined} />);

afterEach(() => dataStore.setState({ notices: [] }));

describe('the notices', () => {
  it('show the newest, the older ones behind "N more", which counts the errors and warnings among them', () => {
    pushNotice('error', 'agent-stopped', 'The destroy-event reader stopped: closed sockets show a tick late.');
    pushNotice('warning', 'record-paused', 'Recording paused: the data folder is read-only.');
    pushNotice('info', 'monitor-recovered', 'The monitor is running again.');
    pushNotice('warning', 'alert-new-listener', 'New listener reachable beyond this machine: tcp 0.0.0.0:8080 nc');
    const html = render();
    // Every notice is there (a screen reader heard each as it came), the older three hidden.
    expect(html.match(/class="notice /g)).toHaveLength(4);
    expect(html.match(/<div[^>]*class="notice [^"]*"[^>]*hidden=""/g)).toHaveLength(3);
    expect(html).toMatch(/<div class="notice warning" role="status" data-notice="\d+"><span><bdi>New listener/);
    expect(html).toContain('aria-expanded="false"');
    expect(html).toContain('>3 more (1 error, 1 warning)</button>');
    // Each can be dismissed, by its button or Escape.
    expect(html.match(/aria-label="Dismiss" aria-keyshortcuts="Escape"/g)).toHaveLength(4);
  });

  it('count a notice that comes again instead of repeating it, and show one alone without "more"', () => {
    pushNotice('info', 'monitor-recovered', 'The monitor is running again.');
    pushNotice('info', 'monitor-recovered', 'The monitor is running again.');
    pushNotice('info', 'monitor-recovered', 'The monitor is running again.');
    expect(dataStore.getState().notices.map((n) => n.count)).toEqual([3]);
    const html = render();
    expect(html).toContain('×3');
    expect(html).not.toContain('more');
    expect(html).not.toContain('hidden');
  });

  it('end when no longer true: the capture opened, once back at live data; a failure to open one stays', () => {
    pushNotice('info', 'capture', 'Opened ss.txt: 12 rows of ss -tanp.');
    pushNotice('warning', 'alert-new-listener', 'New listener');
    endNotices('capture', 'info');
    expect(dataStore.getState().notices.map((n) => n.text)).toEqual(['New listener']);
    pushNotice('error', 'capture', 'Could not open notes.txt: not a capture NetLens knows.');
    endNotices('capture', 'info');
    expect(dataStore.getState().notices.map((n) => n.code)).toEqual(['alert-new-listener', 'capture']);
  });
});

describe('the banner while the connection is lost', () => {
  const at = new Date(2026, 11, 5, 9, 12, 30).getTime();

  it('says since when, and after a while on the browser host that a new launch answers at the address it printed', () => {
    const long = renderToStaticMarkup(<LostBanner browser since={Date.now() - NEW_ADDRESS_HINT_MS - 1} />);
    expect(long).toContain('reconnecting');
    expect(long).toContain('may answer at another address: open the one it printed');
    const fresh = renderToStaticMarkup(<LostBanner browser since={Date.now()} />);
    expect(fresh).not.toContain('another address');
    expect(renderToStaticMarkup(<LostBanner browser since={at} />)).toContain(
      'Lost the connection to NetLens at 09:12:30',
    );
  });

  it('says nothing of addresses in the desktop app, whose window has none', () => {
    expect(renderToStaticMarkup(<LostBanner browser={false} since={at} />)).not.toContain('address');
  });
});
