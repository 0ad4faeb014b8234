/**
 * The poller under provider faults, on a fake clock: retries with backoff inside each read's
 * deadline, Retry-After honoured, every read that could not be made written as a gap (as it
 * happens, so a killed run keeps it), and the poll schedule never pushed back.
 */
import { describe, expect, it } from 'vitest';
import { silentLogger, type Logger } from '../../../src/log.js';
import { Poller } from '../../../src/run/poller.js';
import type { GapRecord, NoteRecord, SampleRecord, TimelineRecord } from '../../../src/timeline/types.js';
import { FakeClock } from './fake-clock.js';
import { FaultProvider, type Fault } from './fault-provider.js';

const POLL_MS = 1000;

function setup(script: (call: number) => Fault, opts: { random?: () => number; log?: Logger; events?: (call: number) => Fault } = {}) {
  const clock = new FakeClock();
  const provider = new FaultProvider(clock, script, opts.events);
  const records: TimelineRecord[] = [];
  const poller = new Poller({
    provider,
    clock,
    log: opts.log ?? silentLogger,
    pollIntervalMs: POLL_MS,
    runStartMono: 0,
    startedAtWall: clock.wallBase,
    append: (r) => records.push(r),
    random: opts.random ?? (() => 0.5),
  });
  const of = <K extends TimelineRecord['kind']>(kind: K) => records.filter((r) => r.kind === kind) as Extract<TimelineRecord, { kind: K }>[];
  return { clock, provider, records, poller, gaps: () => of('gap') as GapRecord[], samples: () => of('sample') as SampleRecord[], notes: () => of('note') as NoteRecord[] };
}

/** Gap records as contiguous spans (what the analysis notes show). */
function spans(gaps: GapRecord[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const g of gaps) {
    const last = out[out.length - 1];
    if (last && g.t <= last[1]) last[1] = Math.max(last[1], g.untilT);
    else out.push([g.t, g.untilT]);
  }
  return out;
}

describe('poller faults', () => {
  it('retries a transient 5xx within the same read: no gap, one extra call', async () => {
    const s = setup((call) => (call === 1 ? { error: 'unavailable' } : { ok: true }));
    s.poller.start();
    await s.clock.advance(3 * POLL_MS + 10);
    await s.clock.runUntil(s.poller.stop());
    expect(s.gaps()).toEqual([]);
    expect(s.poller.stats.retries).toBe(1);
    // The retry came after a jittered wait: 0.5 × 100 ms.
    expect(s.provider.calls[2]! - s.provider.calls[1]!).toBe(50);
  });

  it('records a 5xx outage as a gap from the last good read to the first good one, and recovers', async () => {
    const s = setup((call) => (call >= 2 && call < 20 ? { error: 'unavailable', message: 'DescribeServices: 503 Service Unavailable' } : { ok: true }));
    s.poller.start();
    await s.clock.advance(12 * POLL_MS);
    await s.clock.runUntil(s.poller.stop());
    const [span, ...rest] = spans(s.gaps());
    expect(rest).toEqual([]);
    expect(span![0]).toBe(POLL_MS); // last good read at t = 1 s
    expect(s.gaps().every((g) => g.reason === 'fault: DescribeServices: 503 Service Unavailable')).toBe(true);
    const firstGoodAfter = s.samples().find((x) => x.fetchedT > POLL_MS)!;
    expect(span![1]).toBe(firstGoodAfter.fetchedT);
    // Each failed poll wrote its piece at once (a killed run keeps the outage).
    expect(s.gaps().length).toBeGreaterThan(3);
  });

  it('honours Retry-After: no call before it has passed, the wait is a gap', async () => {
    const s = setup((call) => (call === 1 ? { error: 'throttled', retryAfterMs: 4500, message: 'Rate exceeded' } : { ok: true }));
    s.poller.start();
    await s.clock.advance(8 * POLL_MS);
    await s.clock.runUntil(s.poller.stop());
    const throttledAt = s.provider.calls[1]!;
    const next = s.provider.calls[2]!;
    expect(next - throttledAt).toBeGreaterThanOrEqual(4500);
    expect(next - throttledAt).toBeLessThan(4500 + POLL_MS + 1);
    const [span] = spans(s.gaps());
    expect(span![0]).toBe(0);
    expect(span![1]).toBeGreaterThanOrEqual(throttledAt + 4500);
    expect(s.gaps()[0]!.reason).toMatch(/Rate exceeded \(throttled\)/);
  });

  it('a read that never answers is cut at its deadline; the schedule holds', async () => {
    const s = setup((call) => (call >= 1 && call <= 5 ? { hang: true } : { ok: true }));
    s.poller.start();
    await s.clock.advance(10 * POLL_MS);
    await s.clock.runUntil(s.poller.stop());
    // One read per poll interval, hung or not: the hang never delays the next poll.
    const starts = s.provider.calls.filter((t) => t <= 10 * POLL_MS);
    expect(starts.length).toBeGreaterThanOrEqual(10);
    for (let i = 1; i < 10; i++) expect(starts[i]! - starts[i - 1]!).toBeLessThanOrEqual(POLL_MS);
    expect(s.gaps()[0]!.reason).toMatch(/no answer within 1s \(timeout\)/);
    expect(spans(s.gaps())).toHaveLength(1);
  });

  it('a dropped connection (a plain Error) is retried, then recorded as a gap with its message', async () => {
    const s = setup((call) => (call >= 1 && call < 30 ? { dropped: true } : { ok: true }), { random: () => 1 });
    s.poller.start();
    await s.clock.advance(4 * POLL_MS);
    await s.clock.runUntil(s.poller.stop());
    // Backoff with random = 1: waits of 100, 200, 400 ms within the 1 s budget, then give up.
    const within = s.provider.calls.filter((t) => t >= POLL_MS && t < 2 * POLL_MS);
    expect(within.map((t) => t - POLL_MS)).toEqual([0, 100, 300, 700]);
    expect(s.gaps()[0]!.reason).toBe('socket hang up');
  });

  it('malformed answers are bad-response gaps; a partial answer keeps its usable samples', async () => {
    // Retries use most of the budget (random = 1), so each malformed kind fails a whole read.
    const script = (call: number): Fault => (call === 0 ? { ok: true } : call < 5 ? { malformed: 'not-a-list' } : call < 9 ? { malformed: 'bad-values' } : { malformed: 'partial' });
    const s = setup(script, { random: () => 1 });
    s.poller.start();
    await s.clock.advance(6 * POLL_MS);
    await s.clock.runUntil(s.poller.stop());
    const reasons = new Set(s.gaps().map((g) => g.reason));
    expect([...reasons]).toEqual(['fault: sample() did not return a list', 'fault: malformed platform data (1 unusable sample)']);
    // The partial answer's valid sample was kept and closed the gap.
    expect(s.samples().length).toBeGreaterThanOrEqual(2);
    expect(s.samples().every((x) => Number.isFinite(x.t) && x.desired! >= 0)).toBe(true);
  });

  it('data that stops advancing becomes a stale-data gap', async () => {
    const s = setup((call) => (call >= 2 ? { stale: true } : { ok: true }));
    s.poller.start();
    await s.clock.advance(20 * POLL_MS);
    s.poller.closeOpenGap();
    const stale = s.gaps().filter((g) => g.reason.startsWith('stale platform data'));
    expect(stale.length).toBeGreaterThan(0);
    // Not before the 10 s freshness limit.
    expect(Math.min(...stale.map((g) => g.untilT))).toBeGreaterThan(10_000);
    await s.clock.runUntil(s.poller.stop());
  });

  it('credentials expiring mid-run: a gap and one warning note; reads resume when they work again', async () => {
    const warnings: string[] = [];
    const log: Logger = { ...silentLogger, warn: (m) => warnings.push(m) };
    const s = setup((call) => (call >= 3 && call < 8 ? { error: 'credentials', message: 'ExpiredTokenException: The security token included in the request is expired' } : { ok: true }), { log });
    s.poller.start();
    await s.clock.advance(12 * POLL_MS);
    await s.clock.runUntil(s.poller.stop());
    // Not retried within a read: one call per poll while failing.
    expect(s.poller.stats.retries).toBe(0);
    expect(spans(s.gaps())).toHaveLength(1);
    expect(s.notes()).toHaveLength(1);
    expect(s.notes()[0]!.message).toMatch(/mid-run, the credentials stopped working .*ExpiredTokenException.*The load goes on/);
    expect(warnings.some((w) => /credentials stopped working/.test(w))).toBe(true);
    expect(s.samples().some((x) => x.fetchedT >= 8 * POLL_MS)).toBe(true);
  });

  it('access denied mid-run is a gap with a warning too, not the end of the run', async () => {
    const s = setup((call) => (call >= 2 ? { error: 'access-denied', message: 'not authorized to perform ecs:DescribeServices' } : { ok: true }));
    s.poller.start();
    await s.clock.advance(6 * POLL_MS);
    await s.poller.stop();
    s.poller.closeOpenGap();
    expect(s.notes()[0]!.message).toMatch(/access was denied.*ecs:DescribeServices/);
    const [span] = spans(s.gaps());
    expect(span![0]).toBe(POLL_MS);
  });

  it('events failing while samples work: no gap, events picked up later from the same point', async () => {
    const s = setup(() => ({ ok: true }), { events: (call) => (call < 3 ? { error: 'unavailable' } : { ok: true }) });
    s.poller.start();
    await s.clock.advance(6 * POLL_MS);
    await s.clock.runUntil(s.poller.stop());
    expect(s.gaps()).toEqual([]);
    expect(s.provider.eventCalls).toBeGreaterThan(3);
  });

  it('firstRead gives up on the fake clock, not the real one', async () => {
    const s = setup(() => ({ hang: true }));
    s.poller.start();
    const first = s.poller.firstRead(3000);
    await s.clock.advance(3001);
    expect(await first).toBe(false);
    await s.clock.runUntil(s.poller.stop());
  });
});
