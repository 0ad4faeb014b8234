import { build, decodeFromCompressedBase64 } from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/clock.js';
import { WindowRecorder } from '../../../src/load/window-recorder.js';
import { classifyError, classifyStatus } from '../../../src/load/outcome.js';
import type { LoadRecord } from '../../../src/timeline/types.js';

/** A clock that only moves when told: the recorder never sleeps. */
class ManualClock implements Clock {
  t = 0;
  now = () => this.t;
  wallNow = () => 1_700_000_000_000 + this.t;
  sleep = async () => {};
}

function setup(opts: { names?: string[]; windowMs?: number; runStartMono?: number; originMono?: number; plannedLevel?: (t: number) => number } = {}) {
  const clock = new ManualClock();
  clock.t = opts.originMono ?? 100;
  const batches: LoadRecord[][] = [];
  const rec = new WindowRecorder({
    clock,
    runStartMono: opts.runStartMono ?? 0,
    originMono: opts.originMono ?? 100,
    windowMs: opts.windowMs ?? 1000,
    names: opts.names ?? ['a', 'b'],
    ...(opts.plannedLevel ? { plannedLevel: opts.plannedLevel } : {}),
    emit: (r) => batches.push(r),
  });
  return { clock, rec, batches };
}

describe('WindowRecorder', () => {
  it('counts planned/sent/dropped by intended time and completions by completion time', () => {
    const { clock, rec, batches } = setup();
    rec.planned(0, 150);
    rec.sent(0, 150, 151);
    rec.planned(1, 1090); // intended in window 0 (origin 100)
    rec.dropped(1, 1090);
    rec.planned(0, 1099);
    rec.sent(0, 1099, 1102.5); // sent late, still window 0 by intent
    clock.t = 1105;
    rec.completed(0, 'ok', false, 150, 1105); // completes in window 1: 955 ms from intent
    clock.t = 1100;
    rec.tick();
    expect(batches).toHaveLength(1);
    const [all, a, b] = batches[0];
    expect(all).toMatchObject({ kind: 'load', t: 100, windowMs: 1000, request: '*', planned: 3, sent: 2, dropped: 1, completed: 0, inFlight: 1 });
    expect(all.lagP99).toBeCloseTo(3.5, 2);
    expect(a).toMatchObject({ request: 'a', planned: 2, sent: 2, dropped: 0, inFlight: 1 });
    expect(b).toMatchObject({ request: 'b', planned: 1, sent: 0, dropped: 1, inFlight: 0 });
    clock.t = 2100;
    rec.tick();
    const [all1, a1] = batches[1];
    expect(all1).toMatchObject({ t: 1100, completed: 1, ok: 1, sent: 0, inFlight: 1 });
    expect(all1.latency.count).toBe(1);
    expect(all1.latency.max).toBeCloseTo(955, 0);
    expect(a1.request).toBe('a');
    expect(batches[1]).toHaveLength(2); // b had no activity in window 1
  });

  it('classifies outcomes: 4xx, 429 as throttled, 5xx, timeout, connection', () => {
    const { clock, rec, batches } = setup({ names: ['x'] });
    const outcomes: Array<[number | Error, boolean]> = [
      [200, false], [302, false], [404, false], [429, true], [500, false], [503, false],
      [Object.assign(new Error('t'), { code: 'UND_ERR_HEADERS_TIMEOUT' }), false],
      [Object.assign(new Error('s'), { code: 'UND_ERR_SOCKET' }), false],
      [Object.assign(new Error('r'), { cause: { code: 'ECONNRESET' } }), false],
      [new Error('?'), false],
    ];
    for (const [o, throttled] of outcomes) {
      rec.sent(0, 200, 200);
      rec.completed(0, typeof o === 'number' ? classifyStatus(o) : classifyError(o), throttled, 200, 210);
    }
    rec.sent(0, 300, 300);
    rec.completed(0, 'timeout', false, 300, 310);
    clock.t = 1100;
    rec.tick();
    const [all, x] = batches[0];
    expect(all).toMatchObject({ completed: 11, ok: 2, throttled: 1, errors: { http4xx: 2, http5xx: 2, timeout: 2, connection: 2, other: 1 }, inFlight: 0 });
    expect(x.errors).toEqual(all.errors);
  });

  it('computes percentiles in ms and ships an hdr of microseconds that merges exactly', () => {
    const { clock, rec, batches } = setup({ names: ['x'] });
    // Window 0: latencies 1..100 ms; window 1: 101..200 ms.
    for (let i = 1; i <= 200; i++) {
      const end = i <= 100 ? 500 : 1500;
      rec.sent(0, end - i, end - i);
      rec.completed(0, 'ok', false, end - i, end);
    }
    clock.t = 2100;
    rec.tick();
    expect(batches).toHaveLength(2);
    const w0 = batches[0][0];
    expect(w0.latency.count).toBe(100);
    expect(w0.latency.p50).toBeCloseTo(50, 0);
    expect(w0.latency.p99).toBeCloseTo(99, 0);
    expect(w0.latency.max).toBeCloseTo(100, 0);
    expect(w0.latency.mean).toBeCloseTo(50.5, 1);
    // Merge the two windows as the analysis does.
    const merged = build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 });
    for (const batch of batches) merged.add(decodeFromCompressedBase64(batch[0].hdr as string));
    expect(merged.totalCount).toBe(200);
    expect(merged.getValueAtPercentile(50) / 1000).toBeCloseTo(100, 0);
    expect(merged.getValueAtPercentile(99) / 1000).toBeCloseTo(198, 0);
    expect(merged.maxValue).toBeGreaterThanOrEqual(199_900);
  });

  it('emits empty windows to keep the series continuous, and flushes the final partial window', () => {
    const { clock, rec, batches } = setup({ runStartMono: 40, names: ['x'] });
    clock.t = 3100;
    rec.tick();
    expect(batches.map((b) => b[0].t)).toEqual([60, 1060, 2060]);
    expect(batches.every((b) => b.length === 1 && b[0].latency.count === 0 && b[0].hdr === undefined)).toBe(true);
    rec.sent(0, 3200, 3200);
    clock.t = 3350;
    rec.close();
    const last = batches.at(-1) as LoadRecord[];
    expect(last[0]).toMatchObject({ t: 3060, windowMs: 250, sent: 1, inFlight: 1 });
    rec.completed(0, 'ok', false, 3200, 3400); // after close: ignored
    rec.tick();
    expect(batches).toHaveLength(4);
  });

  it('reports planned users from the plan in the closed model', () => {
    const { clock, rec, batches } = setup({ names: ['x'], plannedLevel: (t) => Math.floor(t / 1000) + 1 });
    clock.t = 3100;
    rec.tick();
    expect(batches.map((b) => b[0].planned)).toEqual([1, 2, 3]);
  });

  it('keeps nothing per request: many requests leave one open window', () => {
    const { clock, rec, batches } = setup({ names: ['x'] });
    for (let i = 0; i < 50_000; i++) {
      rec.sent(0, 100 + i / 100, 100 + i / 100);
      rec.completed(0, 'ok', false, 100 + i / 100, 101 + i / 100);
    }
    clock.t = 1100;
    rec.tick();
    expect(batches[0][0].latency.count).toBe(50_000);
    expect(rec.inFlight()).toBe(0);
  });
});

describe('classifyError', () => {
  it('puts TLS handshake and certificate failures with connection failures', () => {
    for (const code of ['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_TLS_CERT_ALTNAME_INVALID', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'CERT_HAS_EXPIRED', 'EPROTO']) {
      expect(classifyError(Object.assign(new Error(code), { code })), code).toBe('connection');
    }
    expect(classifyError(Object.assign(new Error('x'), { code: 'ERR_SOMETHING_ELSE' }))).toBe('other');
  });
});
