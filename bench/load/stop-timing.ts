/**
 * How fast the load engine stops and how precisely it times out: the timing claims the
 * integration tests no longer make (they check order and counts; a busy CI machine stretches
 * every duration). Loopback only: a tiny target on 127.0.0.1 in this process.
 *
 *   npx tsx bench/load/stop-timing.ts [rounds]      # default 5 rounds
 *
 * Per round: the in-thread engine and 2 worker threads aborted once 50 requests arrived (abort ->
 * runLoad settled); a hanging target with a 50 ms drain (abort -> settled); and 10 requests with a
 * 200 ms timeout to a target that never answers (latency recorded for the timeouts).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { build, decodeFromCompressedBase64 } from 'hdr-histogram-js';
import { systemClock } from '../../src/clock.js';
import { runLoad } from '../../src/load/engine.js';
import { loadSchema } from '../../src/profile/schema.js';
import type { LoadRecord } from '../../src/timeline/types.js';

const rounds = Number(process.argv[2] ?? 5);

async function target(): Promise<{ url: string; received: () => number; close: () => Promise<void> }> {
  let received = 0;
  const server = http.createServer((req, res) => {
    received++;
    req.resume();
    if (req.url?.startsWith('/hang')) return; // never answers
    res.end('ok\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received: () => received,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Runs `raw` until `abortWhen` holds; ms from the abort to runLoad settling, and the records. */
async function abortToSettled(raw: Record<string, unknown>, url: string, abortWhen: () => boolean, drainMs: number) {
  const controller = new AbortController();
  const records: LoadRecord[] = [];
  let abortedAt = 0;
  const poll = setInterval(() => {
    if (!controller.signal.aborted && abortWhen()) {
      abortedAt = systemClock.now();
      controller.abort();
    }
  }, 1);
  const runStartMono = systemClock.now();
  await runLoad({ load: loadSchema.parse(raw), baseUrl: url, clock: systemClock, runStartMono, signal: controller.signal, drainMs, onStage: () => {}, onWindows: (b) => records.push(...b) });
  clearInterval(poll);
  return { ms: abortedAt ? systemClock.now() - abortedAt : NaN, records };
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `median ${s[Math.floor(s.length / 2)]!.toFixed(1)} (min ${s[0]!.toFixed(1)}, max ${s.at(-1)!.toFixed(1)}) ms`;
};

const inThread: number[] = [];
const workers: number[] = [];
const drainCut: number[] = [];
const timeoutP50: number[] = [];
const timeoutMax: number[] = [];
for (let i = 0; i < rounds; i++) {
  const t = await target();
  const long = { start: 200, stages: [{ duration: '10m', rate: 200 }], connections: 4 };
  const at50 = () => t.received() >= 50;
  inThread.push((await abortToSettled({ ...long, workers: 1 }, t.url, at50, 500)).ms);
  const base = t.received();
  workers.push((await abortToSettled({ ...long, workers: 2 }, t.url, () => t.received() >= base + 50, 500)).ms);
  const hang = { start: 100, stages: [{ duration: '10m', rate: 100 }], connections: 4, timeout: '10m', requests: [{ name: 'hang', path: '/hang' }], workers: 1 };
  const before = t.received();
  drainCut.push((await abortToSettled(hang, t.url, () => t.received() >= before + 4, 50)).ms);
  const timeouts = { start: 10, stages: [{ duration: '1s', rate: 10 }], connections: 10, requests: [{ name: 'hang', path: '/hang', timeout: '200ms' }], workers: 1 };
  const { records } = await abortToSettled(timeouts, t.url, () => false, 2000);
  const h = build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 });
  for (const r of records) if (r.request === '*' && r.hdr) h.add(decodeFromCompressedBase64(r.hdr));
  timeoutP50.push(h.getValueAtPercentile(50) / 1000);
  timeoutMax.push(h.maxValue / 1000);
  await t.close();
}

console.log(`stop timing, ${rounds} rounds, load average ${(await import('node:os')).loadavg()[0]!.toFixed(1)}`);
console.log(`abort -> settled, in-thread engine (200 req/s):      ${stats(inThread)}`);
console.log(`abort -> settled, 2 worker threads (200 req/s):      ${stats(workers)}`);
console.log(`abort -> settled, 4 requests hanging, drain 50 ms:   ${stats(drainCut)}`);
console.log(`200 ms timeout, latency of the timed-out requests: p50 ${stats(timeoutP50)}; max ${stats(timeoutMax)}`);
