/**
 * The load engine against targets that misbehave, all on loopback servers started here:
 * connection resets, a server that accepts and never answers, slow bodies, huge bodies, invalid
 * HTTP, and TLS errors. Each failure is counted in its error class, the arrival schedule holds
 * (every planned arrival is sent or counted as dropped, windows keep coming), and memory stays
 * bounded. The engine is not changed here: a failure is an engine bug to report.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/clock.js';
import { runLoad } from '../../../src/load/engine.js';
import type { ErrorClass, LoadRecord } from '../../../src/timeline/types.js';
import { profileFrom } from '../../unit/run/run-harness.js';

const servers: Array<net.Server> = [];
afterAll(async () => {
  for (const s of servers) {
    (s as http.Server).closeAllConnections?.();
    await new Promise<void>((r) => s.close(() => r()));
  }
});

async function listen<S extends net.Server>(server: S): Promise<string> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const RATE = 20;
const SECONDS = 2;

interface Totals {
  planned: number;
  sent: number;
  dropped: number;
  completed: number;
  ok: number;
  errors: Record<ErrorClass, number>;
  windows: LoadRecord[];
  peakRssGrowthMb: number;
}

/** Runs RATE req/s for SECONDS against `url` in this process (one worker, a short timeout). */
async function load(url: string, extra: object = {}): Promise<Totals> {
  const profile = await profileFrom({ load: { url, start: RATE, stages: [{ duration: `${SECONDS}s`, rate: RATE }], timeout: '600ms', connections: 8, workers: 1, ...extra } });
  const windows: LoadRecord[] = [];
  global.gc?.();
  const baseRss = process.memoryUsage().rss;
  let peak = baseRss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  try {
    await runLoad({
      load: profile.load!,
      baseUrl: url,
      clock: systemClock,
      runStartMono: systemClock.now(),
      signal: new AbortController().signal,
      drainMs: 1000,
      onStage: () => {},
      onWindows: (rs) => windows.push(...rs.filter((r) => r.request === '*')),
    });
  } finally {
    clearInterval(sampler);
  }
  const sum = (f: (w: LoadRecord) => number) => windows.reduce((n, w) => n + f(w), 0);
  const errors = { http4xx: 0, http5xx: 0, timeout: 0, connection: 0, other: 0 } as Record<ErrorClass, number>;
  for (const w of windows) for (const [k, v] of Object.entries(w.errors)) errors[k as ErrorClass] += v;
  return { planned: sum((w) => w.planned), sent: sum((w) => w.sent), dropped: sum((w) => w.dropped), completed: sum((w) => w.completed), ok: sum((w) => w.ok), errors, windows, peakRssGrowthMb: (peak - baseRss) / 1024 ** 2 };
}

/** The schedule held: every planned arrival was sent or dropped, and there is a window for every second. */
function expectScheduleHeld(t: Totals): void {
  expect(t.planned).toBeGreaterThanOrEqual(RATE * SECONDS - 2);
  expect(t.planned).toBeLessThanOrEqual(RATE * SECONDS + 2);
  expect(t.sent + t.dropped).toBe(t.planned);
  const starts = t.windows.map((w) => w.t);
  for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeLessThanOrEqual(1000 + 1);
  expect(t.windows.length).toBeGreaterThanOrEqual(SECONDS);
}

const only = (t: Totals, cls: ErrorClass) => Object.entries(t.errors).filter(([k, v]) => k !== cls && v > 0);

describe.sequential('target misbehaviour', () => {
  it('connection resets are counted as connection errors', async () => {
    const host = await listen(http.createServer((req) => req.socket.destroy()));
    const t = await load(`http://${host}`);
    expectScheduleHeld(t);
    expect(t.errors.connection).toBeGreaterThanOrEqual(t.sent - 2);
    expect(only(t, 'connection')).toEqual([]);
  });

  it('a server that accepts and never answers: timeouts, and the arrivals keep their schedule', async () => {
    const host = await listen(http.createServer(() => {}));
    const t = await load(`http://${host}`);
    expectScheduleHeld(t);
    expect(t.sent).toBeGreaterThanOrEqual(RATE * SECONDS - 2);
    expect(t.errors.timeout).toBeGreaterThanOrEqual(t.sent - 2);
    expect(only(t, 'timeout')).toEqual([]);
  });

  it('a body that trickles past the deadline is a timeout', async () => {
    const host = await listen(
      http.createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        const timer = setInterval(() => res.write('x'), 100);
        res.on('close', () => clearInterval(timer));
      }),
    );
    const t = await load(`http://${host}`);
    expectScheduleHeld(t);
    expect(t.errors.timeout).toBeGreaterThanOrEqual(t.sent - 2);
    expect(t.ok).toBe(0);
  });

  it('huge bodies are read and discarded: ok responses, memory stays bounded', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 97);
    const host = await listen(
      http.createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(8 * chunk.length) });
        for (let i = 0; i < 8; i++) res.write(chunk);
        res.end();
      }),
    );
    // 40 responses of 8 MiB: 320 MiB through the client.
    const t = await load(`http://${host}`, { timeout: '5s' });
    expectScheduleHeld(t);
    expect(t.ok).toBeGreaterThanOrEqual(t.sent - 2);
    expect(t.peakRssGrowthMb).toBeLessThan(160);
  });

  it('invalid HTTP is an error of its own class, not a success', async () => {
    const host = await listen(
      net.createServer((socket) => {
        socket.on('data', () => socket.end('HTTP/1.1 two hundred OK\r\nthis is : not : http\r\n\r\n'));
        socket.on('error', () => {});
      }),
    );
    const t = await load(`http://${host}`);
    expectScheduleHeld(t);
    expect(t.ok).toBe(0);
    expect(t.completed).toBeGreaterThanOrEqual(t.sent - 2);
    // undici: HTTPParserError (HPE_*), no status: `other`.
    expect(t.errors.other).toBeGreaterThanOrEqual(t.sent - 2);
    expect(only(t, 'other')).toEqual([]);
  });

  it('TLS errors (https to a plain HTTP server) are counted, not fatal', async () => {
    const host = await listen(http.createServer((_req, res) => res.end('plain')));
    const t = await load(`https://${host}`);
    expectScheduleHeld(t);
    expect(t.ok).toBe(0);
    // A failed handshake (ERR_SSL_*) means no connection could be set up.
    expect(t.errors.connection).toBeGreaterThanOrEqual(t.sent - 2);
  });
});
