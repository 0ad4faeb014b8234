/**
 * The worker-thread path: two workers (each with its share of the arrivals and connections) send
 * exactly the plan, and the main thread merges their encoded window histograms exactly. One short
 * run at 300 req/s to 127.0.0.1 (worker start-up under tsx takes most of the time).
 */
import { build, decodeFromCompressedBase64 } from 'hdr-histogram-js';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/clock.js';
import { runLoad } from '../../../src/load/engine.js';
import { loadSchema } from '../../../src/profile/schema.js';
import type { LoadRecord, StageRecord } from '../../../src/timeline/types.js';
import { startTargetServer, type TargetServer } from '../../support/target-server.js';

let server: TargetServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

describe('load.workers: 2', () => {
  it('splits the plan over worker threads without drift and merges their windows exactly', async () => {
    server = await startTargetServer({ paths: { '/b': { statuses: [503] } } });
    const load = loadSchema.parse({
      workers: 2,
      window: '500ms',
      start: 100,
      stages: [
        { duration: '500ms', rate: 100 },
        { duration: '500ms', rate: 500 },
      ],
      connections: 6,
      requests: [
        { name: 'a', path: '/a', weight: 3, tags: { kind: 'read' } },
        { name: 'b', path: '/b', weight: 1, tags: { kind: 'read' } },
      ],
    });
    const records: LoadRecord[] = [];
    const stages: StageRecord[] = [];
    const result = await runLoad({ load, baseUrl: server.url, clock: systemClock, runStartMono: systemClock.now(), signal: new AbortController().signal, drainMs: 2000, onStage: (s) => stages.push(s), onWindows: (b) => records.push(...b) });
    const all = records.filter((r) => r.request === '*');
    const sum = (rs: LoadRecord[], k: 'planned' | 'sent' | 'completed' | 'ok') => rs.reduce((n, r) => n + r[k], 0);
    // 100 req/s for 0.5 s, then a ramp 100 -> 500 over 0.5 s: 50 + 150 arrivals.
    expect(result).toMatchObject({ planned: 200, sent: 200, dropped: 0, stoppedEarly: false });
    expect(result.stages?.map((s) => s.planned)).toEqual([50, 150]);
    // The plan's two full windows (a slow drain may close one more, empty, after the plan).
    expect(all.filter((w) => w.windowMs === 500 && w.t - result.startT < 1000).map((w) => w.planned)).toEqual([50, 150]);
    expect(sum(all, 'completed')).toBe(200);
    // The mix stays exact across workers: 3:1.
    expect(sum(records.filter((r) => r.request === 'a'), 'sent')).toBe(150);
    expect(sum(records.filter((r) => r.request === 'b'), 'sent')).toBe(50);
    expect(sum(records.filter((r) => r.request === 'kind=read'), 'sent')).toBe(200);
    expect(records.find((r) => r.request === 'kind=read')?.tag).toBe('kind');
    // Merged histograms hold every completion, and the per-record summary agrees with them.
    const h = build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 });
    for (const r of all) if (r.hdr) h.add(decodeFromCompressedBase64(r.hdr));
    expect(h.totalCount).toBe(200);
    const lag = all.find((r) => r.lagHdr);
    expect(lag?.lagP50).toBeGreaterThanOrEqual(0);
    expect(lag?.sendLatency?.count).toBeGreaterThan(0);
    // Both workers' connections (3 + 3) were used.
    expect(server.byConnection.size).toBe(6);
    expect(stages.map((s) => s.name ?? s.index)).toEqual([0, 1, 'load-end']);
    console.info(`2 workers: sent ${result.sent}/${result.planned}, windows ${all.map((w) => `${w.sent}@${w.windowMs}`).join(' ')}, lag p99 ${Math.max(...all.map((w) => w.lagP99 ?? 0)).toFixed(2)} ms`);
  });

  it('stops both workers at once on abort', async () => {
    server = await startTargetServer();
    // A plan far longer than the test timeout: the run settles only if BOTH workers obey the stop
    // (the engine waits for every worker's result), so settling is the check, not how fast.
    const load = loadSchema.parse({ workers: 2, start: 200, stages: [{ duration: '10m', rate: 200 }], connections: 4 });
    const controller = new AbortController();
    const records: LoadRecord[] = [];
    const runStartMono = systemClock.now();
    // The drain waits for every answer (the target answers at once): a busy machine cannot cut it short.
    const pending = runLoad({ load, baseUrl: server.url, clock: systemClock, runStartMono, signal: controller.signal, drainMs: 600_000, onStage: () => {}, onWindows: (b) => records.push(...b) });
    // Abort once load is flowing (worker start-up time varies).
    while (server.total < 50) await new Promise((r) => setTimeout(r, 20));
    const abortT = systemClock.now() - runStartMono;
    controller.abort();
    const result = await pending;
    expect(result.stoppedEarly).toBe(true);
    expect(result.endT).toBeGreaterThanOrEqual(abortT);
    // Every request the target got is one the workers counted: none was sent after they reported.
    expect(server.total).toBe(result.sent);
    const all = records.filter((r) => r.request === '*');
    expect(all.reduce((n, r) => n + r.completed, 0)).toBe(result.sent);
    expect(all.reduce((n, r) => n + r.planned, 0)).toBe(result.planned);
    expect(result.planned).toBe(result.sent + result.dropped);
    // Both workers' connections (2 + 2) carried the load up to the stop.
    expect(server.byConnection.size).toBe(4);
  }, 60_000);
});
