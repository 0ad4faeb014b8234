/**
 * `max_redirects`: same-origin redirects are followed within one request (its latency includes
 * every hop), a redirect to another origin is not (that server sees nothing), and a loop ends at
 * the limit with the 3xx as the answer. Loopback servers only, 20 requests each.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSpec, runOnce } from '../../support/load-harness.js';

const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function serve(handler: http.RequestListener): Promise<string> {
  const s = http.createServer(handler);
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

describe('redirects', () => {
  it('follows same-origin redirects when asked, never another origin, and stops at the limit', async () => {
    let elsewhere = 0;
    const other = await serve((_q, r) => void (elsewhere++, r.end('other')));
    const seen: string[] = [];
    const url = await serve((q, r) => {
      seen.push(`${q.method} ${q.url}`);
      if (q.url === '/old') return void setTimeout(() => r.writeHead(303, { location: '/new' }).end(), 20);
      if (q.url === '/away') return void r.writeHead(302, { location: `${other}/` }).end();
      if (q.url === '/loop') return void r.writeHead(302, { location: '/loop' }).end();
      q.resume();
      r.end(`at ${q.url}`);
    });
    const requests = [
      { name: 'old', method: 'POST', path: '/old', json: { a: 1 }, checks: { status: [200], body_contains: 'at /new' } },
      { name: 'away', path: '/away' },
      { name: 'loop', path: '/loop' },
    ];
    const { records } = await runOnce(loadSpec({ start: 60, stages: [{ duration: '500ms', rate: 60 }], connections: 2, max_redirects: 3, requests }), url);
    const total = (name: string, k: 'ok' | 'checkFailures') => records.filter((r) => r.request === name).reduce((n, r) => n + (r[k] ?? 0), 0);
    expect(total('old', 'ok')).toBe(10);
    expect(total('old', 'checkFailures')).toBe(0);
    // 303 after a POST: the next hop is a GET.
    expect(seen.filter((x) => x === 'GET /new')).toHaveLength(10);
    // One request's latency covers both hops (the first one takes 20 ms).
    const old = records.filter((r) => r.request === 'old' && r.latency.count > 0);
    expect(Math.min(...old.map((r) => r.latency.p50))).toBeGreaterThanOrEqual(19);
    expect(elsewhere).toBe(0);
    expect(total('away', 'ok')).toBe(10); // the 302 is the answer
    expect(seen.filter((x) => x === 'GET /loop')).toHaveLength(10 * 4); // first try + 3 hops
  });

  it('does not follow by default: the 3xx is the answer', async () => {
    const seen: string[] = [];
    const url = await serve((q, r) => {
      seen.push(q.url ?? '');
      if (q.url === '/old') return void r.writeHead(301, { location: '/new' }).end();
      r.end('new');
    });
    await runOnce(loadSpec({ start: 40, stages: [{ duration: '250ms', rate: 40 }], connections: 1, requests: [{ name: 'old', path: '/old' }] }), url);
    expect(seen.filter((x) => x === '/new')).toHaveLength(0);
    expect(seen.filter((x) => x === '/old')).toHaveLength(10);
  });
});
