/**
 * Pre-opened connections: the first request uses its connection's spare while it is fresh; a spare
 * past its age limit (an idle connection a balancer may have dropped silently) is replaced, and a
 * spare the server closed or wrote to (a `408` before closing) never turns into a failed request.
 * Loopback only, a handful of requests.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock, type Clock } from '../../../src/clock.js';
import { HttpClient } from '../../../src/load/http-client.js';
import type { Outcome } from '../../../src/load/outcome.js';
import { prepareRequests } from '../../../src/load/request-options.js';
import { loadSpec } from '../../support/load-harness.js';

const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** An HTTP server that does `onFirst` to the first connection it accepts. */
async function server(onFirst: (socket: Socket) => void): Promise<{ url: string; accepted: () => number; requests: () => number }> {
  let accepted = 0;
  let requests = 0;
  const s = http.createServer((_req, res) => {
    requests++;
    res.end('ok');
  });
  s.on('connection', (socket: Socket) => {
    if (++accepted === 1) onFirst(socket);
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, accepted: () => accepted, requests: () => requests };
}

/** Pre-opens one connection, waits 100 ms (plus `idleMs` on the client's clock), then sends one GET. */
async function preOpenThenSend(url: string, idleMs = 0): Promise<{ outcome: Outcome; spares: number }> {
  let skipped = 0;
  const clock: Clock = { ...systemClock, now: () => systemClock.now() + skipped };
  const client = new HttpClient({ origin: url, connections: 1, clock });
  try {
    await client.preOpen(1, 2000, new AbortController().signal);
    const spares = client.preOpened;
    await new Promise((r) => setTimeout(r, 100)); // the server acts on the idle spare meanwhile
    skipped = idleMs;
    const [req] = prepareRequests(url, loadSpec({ url, stages: [{ duration: '1s', rate: 1 }] }), { env: {}, vars: {} });
    const outcome = await new Promise<Outcome>((resolve) => client.send(req!, resolve));
    return { outcome, spares };
  } finally {
    await client.close(1000);
  }
}

describe('pre-opened connections', () => {
  it('uses the spare when it is still clean: one connection, no request before the first one', async () => {
    const s = await server(() => {});
    const { outcome, spares } = await preOpenThenSend(s.url);
    expect(spares).toBe(1);
    expect(outcome.status).toBe(200);
    expect(s.accepted()).toBe(1);
    expect(s.requests()).toBe(1);
  });

  it('replaces a spare older than 30 s instead of trusting it', async () => {
    const s = await server(() => {});
    const { outcome } = await preOpenThenSend(s.url, 31_000);
    expect(outcome.status).toBe(200);
    expect(s.accepted()).toBe(2);
    expect(s.requests()).toBe(1);
  });

  it('turns a spare the server closed into a fresh connection, not an error', async () => {
    const s = await server((socket) => setTimeout(() => socket.destroy(), 20));
    const { outcome } = await preOpenThenSend(s.url);
    expect(outcome.status).toBe(200);
    expect(s.accepted()).toBe(2);
  });

  it('turns a spare the server already wrote to (HTTP/1.1) into a fresh connection, not an error', async () => {
    const s = await server((socket) => setTimeout(() => socket.write('HTTP/1.1 408 Request Timeout\r\nconnection: close\r\n\r\n'), 20));
    const { outcome } = await preOpenThenSend(s.url);
    expect(outcome.status).toBe(200);
    expect(s.accepted()).toBe(2);
  });
});
