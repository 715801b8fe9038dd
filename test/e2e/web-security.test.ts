// The browser host's security model: a per-launch token on every request and upgrade, Host and Origin
// checks, loopback only; and the API door rejects malformed requests over the WebSocket.
import { request } from 'node:http';
import { execFileSync } from 'node:child_process';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startHost, until, type RunningHost } from './support.js';
import { readProcessIdentity } from '../../electron/actions/process-identity.js';

let host: RunningHost;
beforeAll(async () => {
  host = await startHost();
});
afterAll(async () => {
  await host?.stop();
});

function get(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: host.port, path, headers: { Host: `127.0.0.1:${host.port}`, ...headers } },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function upgrade(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ opened: boolean; status: number | null }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}${path}`, { headers });
    ws.on('open', () => {
      ws.close();
      resolve({ opened: true, status: null });
    });
    ws.on('unexpected-response', (_req, res) => resolve({ opened: false, status: res.statusCode ?? null }));
    ws.on('error', () => resolve({ opened: false, status: null }));
  });
}

describe('browser host security', () => {
  it('sends the token address to the per-launch page path, token in the fragment, no cookie, a strict CSP', async () => {
    const r = await get(`/?token=${host.token}`);
    expect(r.status).toBe(303);
    expect(r.headers['set-cookie']).toBeUndefined();
    const location = String(r.headers.location);
    expect(location).toMatch(new RegExp(`^/[0-9a-f]{48}/#token=${host.token}$`));
    const page = await get(location.split('#')[0]!);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<div id="root">');
    expect(page.headers['set-cookie']).toBeUndefined();
    const asset = /src="\.\/(assets\/[^"]+\.js)"/.exec(page.body)?.[1];
    expect((await get(`${location.split('#')[0]}${asset}`)).status).toBe(200);
    expect((await get(`/${asset}`)).status).toBe(401);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toMatch(/https?:/);
  });

  it('takes no cookie as a credential (a cookie would reach every port on this host)', async () => {
    expect((await get('/', { Cookie: `netlens-token-${host.port}=${host.token}` })).status).toBe(401);
    expect((await get('/index.html', { Cookie: `netlens-token=${host.token}` })).status).toBe(401);
  });

  it('accepts the token as a WebSocket subprotocol, answering with the plain protocol only', async () => {
    const accepted = await new Promise<string>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws`, ['netlens', `netlens-token.${host.token}`]);
      ws.on('open', () => {
        resolve(ws.protocol);
        ws.close();
      });
      ws.on('error', reject);
    });
    expect(accepted).toBe('netlens');
    const refused = await new Promise<number | null>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws`, ['netlens', 'netlens-token.wrong']);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? null));
      ws.on('open', () => resolve(0));
      ws.on('error', () => resolve(null));
    });
    expect(refused).toBe(401);
  });

  it('answers 401 to a missing or wrong token, on pages and assets', async () => {
    expect((await get('/')).status).toBe(401);
    expect((await get('/index.html')).status).toBe(401);
    expect((await get('/?token=wrong')).status).toBe(401);
    expect((await get(`/?token=${host.token.slice(0, -1)}`)).status).toBe(401);
    expect((await get('/', { Cookie: `netlens-token-${host.port}=nope` })).status).toBe(401);
    // The answer says where the address comes from whichever way NetLens was started, and what the token is for.
    const refused = await get('/');
    const body = refused.body;
    expect(body).toMatch(/printed it in the terminal when it started \(npm start, npm run web or netlens web\)/);
    expect(body).toMatch(/keeps other users and other web pages on this machine out/);
    // A page in the reader's scheme (it was plain text, black on white in a dark desktop), with nothing of the request.
    expect(refused.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(body).toContain('<meta name="color-scheme" content="light dark">');
    expect((await get('/?token=%3Cscript%3E')).body).toBe(body);
  });

  it('answers 403 to a foreign Host or Origin even with the right token', async () => {
    expect((await get(`/?token=${host.token}`, { Host: 'evil.example' })).status).toBe(403);
    expect((await get(`/?token=${host.token}`, { Host: `attacker.example:${host.port}` })).status).toBe(403);
    expect((await get(`/?token=${host.token}`, { Origin: 'http://evil.example' })).status).toBe(403);
    expect((await get(`/?token=${host.token}`, { Origin: `http://127.0.0.1:${host.port + 1}` })).status).toBe(403);
    expect((await get(`/?token=${host.token}`, { Host: `localhost:${host.port}` })).status).toBe(303);
  });

  it('survives malformed requests: an unparseable URL, a broken cookie (400/401, and it keeps serving)', async () => {
    expect((await get('//')).status).toBe(400);
    expect((await get('/%', {})).status).toBe(401);
    expect((await get('/', { Cookie: `netlens-token-${host.port}=%E0%A4%A` })).status).toBe(401);
    expect((await get(`/?token=${host.token}`)).status).toBe(303);
    expect(host.child.exitCode).toBeNull();
  });

  it('refuses WebSocket upgrades without the token or from a foreign origin', async () => {
    expect(await upgrade(`/ws?token=${host.token}`, { Host: 'evil.example' })).toEqual({ opened: false, status: 403 });
    expect(await upgrade('/ws')).toEqual({ opened: false, status: 401 });
    expect(await upgrade('/ws?token=wrong')).toEqual({ opened: false, status: 401 });
    expect(await upgrade(`/ws?token=${host.token}`, { Origin: 'http://evil.example' })).toEqual({
      opened: false,
      status: 403,
    });
    expect((await upgrade(`/ws?token=${host.token}`)).opened).toBe(true);
  });

  it('refuses traversal in any encoding, on the page path too', async () => {
    const page = String((await get(`/?token=${host.token}`)).headers.location).split('#')[0]!;
    for (const p of [
      '/../../etc/passwd',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/%252e%252e/etc/passwd',
      '/..%2f..%2fetc/passwd',
      '/%2e%2e%5c%2e%2e%5cetc%5cpasswd',
      '/assets/%00',
    ]) {
      for (const path of [`${p}?token=${host.token}`, `${page}${p.slice(1)}`]) {
        const r = await get(path);
        expect([400, 401, 404], path).toContain(r.status);
        expect(r.body, path).not.toContain('root:');
      }
    }
  });

  it('compares tokens in constant time: any length, any content, never a throw', async () => {
    const { tokenMatches } = await import('../../electron/web.js');
    expect(tokenMatches(host.token, host.token)).toBe(true);
    for (const given of [
      '',
      'x',
      host.token.slice(1),
      `${host.token}x`,
      host.token.toUpperCase(),
      '\u0000'.repeat(48),
      null,
      undefined,
    ]) {
      expect(tokenMatches(host.token, given)).toBe(false);
    }
  });

  it('cuts off a client that trickles its headers (slowloris), and serves others meanwhile', async () => {
    const slow = connect({ host: '127.0.0.1', port: host.port });
    await new Promise((r) => slow.once('connect', r));
    slow.write(`GET /?token=${host.token} HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nX-Slow: `);
    const trickle = setInterval(() => slow.write('a'), 500);
    let closed = false;
    slow.once('close', () => (closed = true));
    slow.on('error', () => undefined);
    expect((await get(`/?token=${host.token}`)).status).toBe(303);
    await until('the server to close the slow connection', () => closed, 30_000);
    clearInterval(trickle);
  });

  it('keeps serving with 500 connections open', async () => {
    const sockets = await Promise.all(
      Array.from(
        { length: 500 },
        () =>
          new Promise<ReturnType<typeof connect>>((resolve, reject) => {
            const s = connect({ host: '127.0.0.1', port: host.port });
            s.once('connect', () => resolve(s));
            s.once('error', reject);
          }),
      ),
    );
    expect((await get(`/?token=${host.token}`)).status).toBe(303);
    expect(await upgrade(`/ws?token=${host.token}`)).toEqual({ opened: true, status: null });
    for (const s of sockets) s.destroy();
    expect(host.child.exitCode).toBeNull();
  });

  it('listens on 127.0.0.1 only', async () => {
    const listening = execFileSync('ss', ['-ltnH', `sport = :${host.port}`], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/)[3]);
    expect(listening).toEqual([`127.0.0.1:${host.port}`]);
    const refused = await new Promise<string>((resolve) => {
      const s = connect({ host: '127.0.0.2', port: host.port });
      s.on('connect', () => {
        s.destroy();
        resolve('connected');
      });
      s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
  });

  it('refuses to kill the launcher that started it (npm run web), which would pass the SIGTERM on', async () => {
    // This test process stands for scripts/start.mjs: it started the host and names itself, as the launcher does.
    let termed = 0;
    const onTerm = () => termed++;
    process.on('SIGTERM', onTerm);
    const launched = await startHost([], { NETLENS_LAUNCHER_PID: String(process.pid) });
    try {
      const ws = new WebSocket(`ws://127.0.0.1:${launched.port}/ws?token=${launched.token}`);
      const answers: { id?: number; ok?: boolean; result?: unknown }[] = [];
      ws.on('message', (d) => answers.push(JSON.parse(d.toString())));
      await new Promise((r) => ws.on('open', r));
      const startTime = (await readProcessIdentity(process.pid))!.startTime;
      ws.send(
        JSON.stringify({
          type: 'request',
          id: 1,
          method: 'kill',
          params: { pid: process.pid, startTime, signal: 'TERM' },
        }),
      );
      const answer = await until('the answer', () => answers.find((m) => m.id === 1));
      // On main the launcher got the SIGTERM (and passed it on: the host stopped before logging the kill).
      expect(answer.result).toEqual({ outcome: 'refused', message: `PID ${process.pid} is part of NetLens itself` });
      expect(termed).toBe(0);
      ws.close();
    } finally {
      process.off('SIGTERM', onTerm);
      await launched.stop();
    }
  });

  it('rejects malformed requests over the WebSocket with an answer, and keeps serving', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`);
    const messages: { type: string; id?: number; ok?: boolean; error?: string; code?: string }[] = [];
    ws.on('message', (d) => messages.push(JSON.parse(d.toString())));
    await new Promise((r) => ws.on('open', r));
    const send = (m: unknown) => ws.send(typeof m === 'string' ? m : JSON.stringify(m));
    send('not json');
    send({ type: 'request', id: 1, method: 'kill', params: { pid: 'self', startTime: null, signal: 'TERM' } });
    send({ type: 'request', id: 2, method: 'kill', params: { pid: 0, startTime: null, signal: 'KILL' } });
    send({
      type: 'request',
      id: 3,
      method: 'kill',
      params: { pid: 12, startTime: null, signal: 'TERM', shell: 'true' },
    });
    send({
      type: 'request',
      id: 4,
      method: 'closeConnection',
      params: {
        proto: 'tcp',
        family: 'inet',
        localAddress: '$(reboot)',
        localPort: 1,
        remoteAddress: '127.0.0.1',
        remotePort: 2,
      },
    });
    send({ type: 'request', id: 5, method: 'hostInfo', params: {} });
    const answers = await until('answers', () => {
      const r = messages.filter((m) => m.type === 'response');
      return r.length >= 5 ? r : null;
    });
    const byId = new Map(answers.map((a) => [a.id, a]));
    for (const id of [1, 2, 3, 4]) {
      expect(byId.get(id)!.ok, `request ${id}`).toBe(false);
      expect(byId.get(id)!.error).toMatch(/rejected/);
    }
    expect(byId.get(5)!.ok).toBe(true);
    const notices = messages.filter((m) => m.type === 'notice' && m.code === 'rejected');
    // Text that is not JSON, and a binary frame, are named as such (they read "Expected (…) but received undefined").
    expect(notices.map((m) => (m as { text?: string }).text)).toContain(
      'rejected message: not JSON (messages are JSON text)',
    );
    ws.send(Buffer.from([1, 2, 3]), { binary: true });
    await until('the binary frame refused', () =>
      messages.some(
        (m) => (m as { text?: string }).text === 'rejected message: a binary frame (messages are JSON text)',
      ),
    );
    ws.close();
  });
});
