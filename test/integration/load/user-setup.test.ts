/**
 * `setup.per: user`: every virtual user logs in itself and sends its own token; the logins are
 * recorded under their name like any request; a failed login is retried; no token reaches the
 * records. Against a loopback server that issues a new token per login. ≤ 2 s, 4 users.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSchema } from '../../../src/profile/schema.js';
import { loadSpec, runOnce } from '../../support/load-harness.js';

interface AuthServer {
  url: string;
  logins: number;
  /** Requests to /api per token, and those without a token it issued. */
  byToken: Map<string, number>;
  unauthorized: number;
  close(): Promise<void>;
}

let server: AuthServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

/** Issues tok-1, tok-2, … per login; fails the first `failFirst` logins with a 500. */
async function authServer(failFirst = 0): Promise<AuthServer> {
  const issued = new Set<string>();
  const s: AuthServer = { url: '', logins: 0, byToken: new Map(), unauthorized: 0, close: async () => {} };
  const srv = http.createServer((req, res) => {
    req.resume();
    if (req.url === '/login') {
      const n = ++s.logins;
      if (n <= failFirst) return void res.writeHead(500).end('busy');
      const token = `tok-${n}`;
      issued.add(token);
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token }));
    }
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token || !issued.has(token)) {
      s.unauthorized++;
      return void res.writeHead(401).end();
    }
    s.byToken.set(token, (s.byToken.get(token) ?? 0) + 1);
    res.writeHead(200).end('ok');
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  s.url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  s.close = async () => {
    srv.closeAllConnections();
    await new Promise((r) => srv.close(r));
  };
  return (server = s);
}

const load = (extra: Record<string, unknown> = {}) =>
  loadSpec({
    model: 'closed',
    start: 4,
    stages: [{ duration: '1500ms', vus: 4 }],
    think_time: '50ms',
    setup: { per: 'user', requests: [{ name: 'login', method: 'POST', path: '/login', json: { user: 'u' }, capture: { token: '$.token' } }] },
    requests: [{ name: 'api', path: '/api', headers: { authorization: 'Bearer {{ vars.token }}' } }],
    ...extra,
  });

const total = (records: Awaited<ReturnType<typeof runOnce>>['records'], name: string, k: 'sent' | 'ok' | 'checkFailures') =>
  records.filter((r) => r.request === name).reduce((n, r) => n + (r[k] ?? 0), 0);

describe('setup per user', () => {
  it('every user logs in once and sends its own token; logins are recorded, tokens are not', async () => {
    const s = await authServer();
    const { records } = await runOnce(load(), s.url);
    expect(s.logins).toBe(4);
    expect(s.unauthorized).toBe(0);
    // Four tokens in use, each by one user for the whole run.
    expect([...s.byToken.keys()].sort()).toEqual(['tok-1', 'tok-2', 'tok-3', 'tok-4']);
    expect(Math.min(...s.byToken.values())).toBeGreaterThan(5);
    expect(total(records, 'login', 'sent')).toBe(4);
    expect(total(records, 'login', 'ok')).toBe(4);
    expect(total(records, 'api', 'ok')).toBe([...s.byToken.values()].reduce((a, b) => a + b, 0));
    expect(JSON.stringify(records)).not.toContain('tok-');
  });

  it('a user whose login fails tries again after its pause, counted as an error of the login', async () => {
    const s = await authServer(1);
    const { records } = await runOnce(load(), s.url);
    expect(s.logins).toBe(5);
    expect(s.unauthorized).toBe(0);
    expect(s.byToken.size).toBe(4);
    expect(total(records, 'login', 'sent')).toBe(5);
    expect(records.filter((r) => r.request === 'login').reduce((n, r) => n + r.errors.http5xx, 0)).toBe(1);
  });

  it('finds a problem in a later setup step before any load (an unset environment variable)', async () => {
    const s = await authServer();
    const steps = [
      { name: 'login', method: 'POST', path: '/login', json: { user: 'u' }, capture: { token: '$.token' } },
      { name: 'profile', path: '/api', headers: { authorization: 'Bearer {{ vars.token }}', 'x-tenant': '{{ env.NOT_SET_ANYWHERE }}' } },
    ];
    await expect(runOnce(load({ setup: { per: 'user', requests: steps } }), s.url)).rejects.toThrow(/NOT_SET_ANYWHERE is not set/);
    expect(s.logins).toBe(0);
  });

  it('is refused for the open model, and a setup name may not repeat a request name', () => {
    const open = loadSchema.safeParse({ stages: [{ duration: '1s', rate: 1 }], setup: { per: 'user', requests: [{ name: 'login', path: '/login' }] } });
    expect(open.success).toBe(false);
    expect(open.error?.issues.map((i) => i.path.join('.'))).toContain('setup.per');
    const dup = loadSchema.safeParse({
      model: 'closed',
      stages: [{ duration: '1s', vus: 1 }],
      requests: [{ name: 'login', path: '/' }],
      setup: { per: 'user', requests: [{ name: 'login', path: '/login' }] },
    });
    expect(dup.error?.issues.map((i) => i.path.join('.'))).toContain('setup.requests.0.name');
  });
});
