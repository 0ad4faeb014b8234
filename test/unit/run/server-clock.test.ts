/**
 * The platform clock estimate (pure) and what the poller does with it, on a fake clock: intervals
 * from `Date` headers intersected, a contradiction read as a step, platform-stamped times
 * widened by the bound (read-stamped ones untouched), the estimate written as `clock` records
 * and warned about above 1 s, and a step of this machine's own wall clock noticed.
 */
import { describe, expect, it } from 'vitest';
import { buildTimeline } from '../../../src/timeline/build.js';
import { steadyWallClock } from '../../../src/clock.js';
import { silentLogger } from '../../../src/log.js';
import { Poller } from '../../../src/run/poller.js';
import { changedMaterially, fromPlatformClock, ServerClockEstimator, widenForClock } from '../../../src/run/server-clock.js';
import type { PlatformClock, PlatformEvent, PlatformSample, Provider } from '../../../src/provider.js';
import type { ClockRecord, NoteRecord, SampleRecord, TimelineRecord } from '../../../src/timeline/types.js';
import { FakeClock } from './fake-clock.js';

const BASE = Date.UTC(2026, 10, 27, 3, 0, 0);

describe('ServerClockEstimator', () => {
  it('bounds the offset by the Date resolution and the round trip, and narrows as the phase varies', () => {
    const e = new ServerClockEstimator();
    expect(e.estimate()).toBeNull();
    // Server 5 s ahead. Sent at .300, answered at .320: its Date says second 5 (truncated).
    e.observe({ sentWall: BASE + 300, receivedWall: BASE + 320, serverMs: BASE + 5000 });
    // offset in [5000 - 320, 6000 - 300] = [4680, 5700]
    expect(e.estimate()).toMatchObject({ offsetMs: 5190, boundMs: 510, observations: 1, steps: 0 });
    // Sent at .990, answered at 1.010 (ours): the server's second turned over in between.
    e.observe({ sentWall: BASE + 990, receivedWall: BASE + 1010, serverMs: BASE + 5000 });
    // [4680, 5700] ∩ [3990, 5010] = [4680, 5010]
    e.observe({ sentWall: BASE + 1995, receivedWall: BASE + 2015, serverMs: BASE + 7000 });
    // ∩ [4985, 6005] = [4985, 5010]
    const est = e.estimate()!;
    expect(est.offsetMs).toBe(4997.5);
    expect(est.boundMs).toBe(12.5);
    expect(Math.abs(est.offsetMs - 5000)).toBeLessThanOrEqual(est.boundMs);
  });

  it('reads an answer that contradicts every earlier one as a step, and restarts from it', () => {
    const e = new ServerClockEstimator();
    e.observe({ sentWall: BASE, receivedWall: BASE + 10, serverMs: BASE - 5000 });
    expect(e.observe({ sentWall: BASE + 1000, receivedWall: BASE + 1010, serverMs: BASE + 4000 })).toBe(true);
    const est = e.estimate()!;
    expect(est.steps).toBe(1);
    expect(est.observations).toBe(1);
    expect(est.offsetMs).toBeGreaterThan(2000);
  });

  it('keeps the offset in use while it is still possible (0 when it can be), with the bound to the farther end', () => {
    const e = new ServerClockEstimator();
    // Clocks that may agree: [-320, 700] holds 0, so nothing is moved.
    e.observe({ sentWall: BASE + 300, receivedWall: BASE + 320, serverMs: BASE });
    expect(e.estimate()).toMatchObject({ offsetMs: 0, boundMs: 700 });
    // Narrower, still holding 0: the same offset, a smaller bound (re-read points keep their times).
    e.observe({ sentWall: BASE + 990, receivedWall: BASE + 1010, serverMs: BASE }); // [-1010, 10]
    expect(e.estimate()).toMatchObject({ offsetMs: 0, boundMs: 320 });
    e.observe({ sentWall: BASE + 1995, receivedWall: BASE + 2005, serverMs: BASE + 2000 }); // [-5, 1005]
    expect(e.estimate()).toMatchObject({ offsetMs: 0, boundMs: 10 });
    // A server 2 s ahead: first the middle, then kept while the interval holds it.
    const f = new ServerClockEstimator();
    f.observe({ sentWall: BASE + 300, receivedWall: BASE + 320, serverMs: BASE + 2000 });
    const first = f.estimate()!.offsetMs;
    f.observe({ sentWall: BASE + 500, receivedWall: BASE + 520, serverMs: BASE + 2000 });
    expect(f.estimate()!.offsetMs).toBe(first);
    expect(f.estimate()!.boundMs).toBeGreaterThanOrEqual(Math.abs(first - 2000) - 500);
  });

  it('ignores answers it cannot use', () => {
    const e = new ServerClockEstimator();
    e.observe({ sentWall: BASE + 10, receivedWall: BASE, serverMs: BASE });
    e.observe({ sentWall: BASE, receivedWall: BASE + 1, serverMs: Number.NaN });
    expect(e.estimate()).toBeNull();
  });
});

describe('conversion', () => {
  it('moves a platform time by the offset, then to its latest with a resolution widened by 2 x bound', () => {
    const est = { offsetMs: 5000, boundMs: 20, observations: 3, steps: 0 };
    expect(fromPlatformClock(BASE + 5000, est)).toBe(BASE);
    expect(fromPlatformClock(BASE, null)).toBe(BASE);
    expect(widenForClock({ atWall: BASE, resolutionMs: 0 }, 20)).toEqual({ atWall: BASE + 20, resolutionMs: 40 });
    expect(widenForClock({ atWall: BASE, resolutionMs: 5 }, 0)).toEqual({ atWall: BASE, resolutionMs: 5 });
  });

  it('says when an estimate is worth a new record', () => {
    const a = { source: 's', offsetMs: 5000, boundMs: 500, observations: 1, steps: 0 };
    expect(changedMaterially(null, a)).toBe(true);
    expect(changedMaterially(a, { ...a, offsetMs: 5050, observations: 2 })).toBe(false);
    expect(changedMaterially(a, { ...a, boundMs: 20 })).toBe(true);
    expect(changedMaterially(a, { ...a, steps: 1 })).toBe(true);
  });
});

/** A provider whose platform clock is `offsetMs` ahead: it converts (as a real one does) and marks. */
class SkewedProvider implements Provider {
  readonly name = 'skewed';
  clock: PlatformClock | null;
  constructor(private readonly wall: () => number, offsetMs: number, boundMs: number) {
    this.clock = { source: 'http-date:skewed', offsetMs, boundMs, observations: 4, steps: 0 };
  }
  async describe() {
    return { summary: 'skewed', scaling: { rules: [], timings: {} }, warnings: [] };
  }
  serverClockForRead(): PlatformClock | null {
    return this.clock;
  }
  async sample(): Promise<PlatformSample[]> {
    const now = this.wall();
    // A replica started 1 s ago, stamped by the platform, converted; and a count read now.
    const started = fromPlatformClock(now - 1000 + this.clock!.offsetMs, this.clock);
    return [
      { atWall: started, resolutionMs: 0, source: 'skewed:tasks', ready: 2, platformStamped: true },
      { atWall: now, resolutionMs: 3, source: 'skewed:service', desired: 2 },
    ];
  }
  async events(): Promise<PlatformEvent[]> {
    return [];
  }
  async close() {}
}

function poll(offsetMs: number, boundMs: number) {
  const clock = new FakeClock(BASE);
  const provider = new SkewedProvider(() => clock.wallNow(), offsetMs, boundMs);
  const records: TimelineRecord[] = [];
  let drift = 0;
  const poller = new Poller({ provider, clock, log: silentLogger, pollIntervalMs: 1000, runStartMono: 0, startedAtWall: BASE, append: (r) => records.push(r), wallDriftMs: () => drift });
  const of = <K extends TimelineRecord['kind']>(kind: K) => records.filter((r) => r.kind === kind) as Extract<TimelineRecord, { kind: K }>[];
  return { clock, provider, poller, records, setDrift: (d: number) => (drift = d), clocks: () => of('clock') as ClockRecord[], notes: () => of('note') as NoteRecord[], samples: () => of('sample') as SampleRecord[] };
}

describe('poller and platform clocks', () => {
  it('widens platform-stamped samples by the bound, leaves read-stamped ones, and records the estimate once', async () => {
    const s = poll(5000, 20);
    s.poller.start();
    await s.clock.advance(3000);
    await s.clock.runUntil(s.poller.stop());
    const tasks = s.samples().filter((r) => r.source === 'skewed:tasks');
    expect(tasks.length).toBeGreaterThan(0);
    for (const r of tasks) {
      expect(r.platformStamped).toBe(true);
      expect(r.resolutionMs).toBe(40);
      // Truth (1 s before the read) lies in [t - resolution, t].
      expect(r.t - r.resolutionMs).toBeLessThanOrEqual(r.fetchedT - 1000);
      expect(r.t).toBeGreaterThanOrEqual(r.fetchedT - 1000);
    }
    for (const r of s.samples().filter((x) => x.source === 'skewed:service')) {
      expect(r.resolutionMs).toBe(3);
      expect(r.platformStamped).toBeUndefined();
    }
    expect(s.clocks()).toEqual([{ kind: 'clock', t: 0, source: 'http-date:skewed', offsetMs: 5000, boundMs: 20, observations: 4 }]);
    expect(s.notes().filter((n) => n.message.includes('5s ahead of'))).toHaveLength(1);
  });

  it('places a re-read metric point where it was first placed, even after the bound narrowed, so a revision of it is the same point', async () => {
    const s = poll(0, 400);
    const minuteEnd = BASE - 60_000;
    let cpu = 97;
    s.provider.sample = async () => [{ atWall: minuteEnd, resolutionMs: 60_000, source: 'skewed:cpu', cpuPct: cpu, platformStamped: true }];
    s.poller.start();
    await s.clock.advance(2000);
    s.provider.clock = { source: 'http-date:skewed', offsetMs: 0, boundMs: 30, observations: 9, steps: 0 };
    await s.clock.advance(2000);
    cpu = 5; // the platform revises the minute
    await s.clock.advance(2000);
    await s.clock.runUntil(s.poller.stop());
    const reads = s.samples().filter((r) => r.source === 'skewed:cpu');
    expect(reads.map((r) => r.cpuPct)).toEqual([97, 5]);
    expect(new Set(reads.map((r) => r.t)).size).toBe(1);
    expect(reads[0]).toMatchObject({ t: -60_000 + 400, resolutionMs: 60_800 });
    expect(buildTimeline([{ kind: 'header', version: 1, runId: 'r', scaleproofVersion: '0', startedAtWall: BASE, profilePath: 'p', profile: {} as never, provider: 'skewed', pollIntervalMs: 1000, windowMs: 1000 }, ...s.records]).samples.filter((r) => r.source === 'skewed:cpu').map((r) => r.cpuPct)).toEqual([5]);
  });

  it('never places a platform-stamped sample after a count the same read stamped (no flap from the widening)', async () => {
    const s = poll(0, 130);
    s.provider.sample = async () => {
      const now = s.clock.wallNow();
      // A task started 20 ms before the answer was read: the count before it, then after it, then the read's own count.
      return [
        { atWall: now - 21, resolutionMs: 0, source: 'skewed:tasks', ready: 2, platformStamped: true },
        { atWall: now - 20, resolutionMs: 0, source: 'skewed:tasks', ready: 4, platformStamped: true },
        { atWall: now, resolutionMs: 5, source: 'skewed:tasks', ready: 4 },
      ];
    };
    s.poller.start();
    await s.clock.advance(500);
    await s.clock.runUntil(s.poller.stop());
    const first = s.samples().slice(0, 3);
    expect(first.map((r) => r.ready)).toEqual([2, 4, 4]);
    const [before, start, read] = first as [SampleRecord, SampleRecord, SampleRecord];
    expect(before.t).toBeLessThan(read.t);
    expect(start.t).toBeLessThan(read.t);
    // Still no earlier than the clock bound allows: the earliest possible time is kept.
    expect(start.t - start.resolutionMs).toBe(read.t - 20 - 130);
    expect([...s.samples()].sort((a, b) => a.t - b.t).map((r) => r.ready).slice(0, 3)).toEqual([2, 4, 4]);
  });

  it('writes a step of the platform clock and warns about it', async () => {
    const s = poll(-5000, 20);
    s.poller.start();
    await s.clock.advance(2000);
    s.provider.clock = { source: 'http-date:skewed', offsetMs: 1000, boundMs: 500, observations: 1, steps: 1 };
    await s.clock.advance(2000);
    await s.clock.runUntil(s.poller.stop());
    expect(s.clocks().map((c) => [c.offsetMs, c.step ?? false])).toEqual([
      [-5000, false],
      [1000, true],
    ]);
    expect(s.notes().some((n) => n.message.includes('stepped'))).toBe(true);
  });

  it('notices this machine’s wall clock stepping against the run’s steady clock', async () => {
    const s = poll(0, 5);
    s.poller.start();
    await s.clock.advance(2000);
    s.setDrift(-4000);
    await s.clock.advance(2000);
    await s.clock.runUntil(s.poller.stop());
    const local = s.clocks().filter((c) => c.source === 'local-wall');
    expect(local).toEqual([expect.objectContaining({ offsetMs: -4000, step: true })]);
    expect(s.notes().some((n) => n.message.includes('wall clock stepped by 4s back'))).toBe(true);
  });
});

describe('steadyWallClock', () => {
  it('follows the monotonic clock from its anchor, and measures the drift of the real wall clock', () => {
    let mono = 100;
    let wall = BASE;
    const base = { now: () => mono, wallNow: () => wall, sleep: async () => {} };
    const steady = steadyWallClock(base);
    mono += 1000;
    wall += 1000;
    expect(steady.wallNow()).toBe(BASE + 1000);
    expect(steady.driftMs()).toBe(0);
    wall -= 3000; // NTP steps the machine back
    mono += 500;
    wall += 500;
    expect(steady.wallNow()).toBe(BASE + 1500);
    expect(steady.driftMs()).toBe(-3000);
  });
});
