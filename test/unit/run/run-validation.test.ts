/**
 * Whole runs in process (fake clock, scripted load, fault-injecting provider): the kill switch,
 * the duration cap, provider faults mid-run, the warning for a remote target, and the end status.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../../src/analysis/index.js';
import { FaultProvider } from './fault-provider.js';
import { runInProcess } from './run-harness.js';

const base = (extra: object = {}) => ({
  name: 'inproc',
  provider: { name: 'fault', poll_interval: '1s' },
  load: { url: 'http://127.0.0.1:9', stages: [{ duration: '60s', rate: 10 }] },
  ...extra,
});

describe('runValidation: kill switch', () => {
  it('aborts on error_rate within 2 s of the condition holding, marks the run aborted and says why', async () => {
    // From t = 10 s, 60 % of requests fail.
    const r = await runInProcess(base({ abort_when: { error_rate: { above: '50%', for: '5s' } } }), (c) => new FaultProvider(c, () => ({ ok: true })), (t) =>
      t >= 10_000 ? { completed: 10, errors: { http5xx: 6 } } : {},
    );
    expect(r.outcome.status).toBe('aborted');
    expect(r.outcome.reason).toMatch(/^abort_when\.error_rate: error rate above 50% for 5s \(60% in the last window\)/);
    const firstBad = r.windows.find((w) => w.errors.http5xx > 0)!;
    const heldAt = firstBad.t + 5000;
    expect(r.stoppedAtT! - heldAt).toBeLessThanOrEqual(2000);
    expect(r.stoppedAtT! - heldAt).toBeGreaterThanOrEqual(0);
    expect(r.timeline.end).toMatchObject({ status: 'aborted' });
    // No observe phase after an abort; the report says it ended early and why.
    expect(r.timeline.phases.map((p) => p.phase)).not.toContain('observe');
    const result = analyze(r.timeline);
    expect(result.endStatus).toBe('aborted');
    expect(result.notes[0]).toMatch(/the run ended early \(aborted: abort_when\.error_rate/);
    expect(r.logs.some((l) => /run aborted: abort_when\.error_rate/.test(l))).toBe(true);
  });

  it('aborts on p99 and on dropped_rate', async () => {
    const p99 = await runInProcess(base({ abort_when: { p99: { above: '2s', for: '3s' } } }), null, (t) => (t >= 20_000 ? { p99: 2500 } : { p99: 100 }));
    expect(p99.outcome.status).toBe('aborted');
    expect(p99.outcome.reason).toMatch(/^abort_when\.p99: p99 latency above 2s for 3s/);
    expect(p99.stoppedAtT!).toBeLessThanOrEqual(20_000 + 3000 + 2000);
    const dropped = await runInProcess(base({ abort_when: { dropped_rate: { above: '10%' } } }), null, (t) => (t >= 4000 ? { planned: 100, completed: 50, dropped: 50 } : {}));
    expect(dropped.outcome.reason).toMatch(/^abort_when\.dropped_rate: dropped arrivals above 10% for 0ms \(50%/);
    expect(dropped.stoppedAtT!).toBeLessThanOrEqual(4000 + 2000);
  });

  it('aborts when replicas stay at the platform maximum', async () => {
    const r = await runInProcess(base({ abort_when: { replicas_at_max: { for: '10s' } } }), (c) => new FaultProvider(c, (call) => (call >= 5 ? { ok: true, desired: 4, ready: 4 } : { ok: true })), () => ({}));
    expect(r.outcome.status).toBe('aborted');
    expect(r.outcome.reason).toMatch(/abort_when\.replicas_at_max: replicas at the maximum \(4\) for 10s/);
    expect(r.stoppedAtT!).toBeLessThan(25_000);
  });

  it('a condition that does not hold for its whole duration does not abort', async () => {
    // Bad every other 4 s: never 5 s in a row.
    const r = await runInProcess(base({ abort_when: { error_rate: { above: '50%', for: '5s' } } }), null, (t) => (Math.floor(t / 4000) % 2 ? { errors: { timeout: 9 } } : {}));
    expect(r.outcome.status).toBe('completed');
  });

  it('limits.max_duration stops a run that outlives it', async () => {
    // The plan fits (20 s + 9 s), but the provider's metrics arrive a minute late, so the run would wait for them.
    const late = (c: ConstructorParameters<typeof FaultProvider>[0]) => Object.assign(new FaultProvider(c, () => ({ ok: true })), { metricDelayMs: 60_000 });
    const r = await runInProcess(base({ load: { url: 'http://127.0.0.1:9', stages: [{ duration: '20s', rate: 1 }] }, observe_after: '9s', limits: { max_duration: '30s' } }), late, () => ({}));
    expect(r.outcome.status).toBe('aborted');
    expect(r.outcome.reason).toBe('limits.max_duration: the run reached its 30s limit');
    expect(r.timeline.end!.t).toBeLessThanOrEqual(31_000);
  });

  it('the user interrupt wins: status interrupted', async () => {
    const ac = new AbortController();
    const r = await runInProcess(base(), null, (t) => {
      if (t >= 5000) ac.abort(new Error('interrupted by SIGINT'));
      return {};
    }, { signal: ac.signal });
    expect(r.outcome).toMatchObject({ status: 'interrupted', reason: 'interrupted by SIGINT' });
    expect(r.timeline.end).toMatchObject({ status: 'interrupted' });
  });
});

describe('runValidation: provider faults mid-run', () => {
  it('access denied mid-run: the run completes, the gap and a warning are in the timeline and the notes', async () => {
    const r = await runInProcess(base(), (c) => new FaultProvider(c, (call) => (call >= 10 && call < 20 ? { error: 'access-denied', message: 'not authorized to perform ecs:DescribeServices' } : { ok: true })), () => ({}));
    expect(r.outcome.status).toBe('completed');
    expect(r.timeline.gaps.length).toBeGreaterThan(0);
    const notes = analyze(r.timeline).notes;
    expect(notes.some((n) => /^no platform data from \S+ to \S+: fault: not authorized to perform ecs:DescribeServices$/.test(n))).toBe(true);
    expect(notes.some((n) => /mid-run, access was denied/.test(n))).toBe(true);
  });

  it('a mix of faults: every gap is listed with its reason in the notes', async () => {
    const script = (call: number) =>
      call >= 5 && call < 8 ? ({ error: 'throttled', retryAfterMs: 2500, message: 'Rate exceeded' } as const)
      : call >= 15 && call < 25 ? ({ hang: true } as const)
      : call >= 30 && call < 40 ? ({ error: 'unavailable', message: '502 Bad Gateway' } as const)
      : ({ ok: true } as const);
    const r = await runInProcess(base(), (c) => new FaultProvider(c, script), () => ({}));
    const gapNotes = analyze(r.timeline).notes.filter((n) => n.startsWith('no platform data'));
    expect(gapNotes.length).toBe(3);
    expect(gapNotes[0]).toMatch(/Rate exceeded \(throttled\)/);
    expect(gapNotes[1]).toMatch(/no answer within 1s \(timeout\)/);
    expect(gapNotes[2]).toMatch(/502 Bad Gateway/);
  });
});

describe('runValidation: a remote target without a kill switch', () => {
  it('warns (log and timeline note) when the load goes to another host without abort_when.error_rate', async () => {
    const r = await runInProcess(base({ provider: undefined, load: { url: 'https://api.example.com:8443/v1', stages: [{ duration: '3s', rate: 1 }] } }), null, () => ({}));
    const note = r.timeline.notes.find((n) => /not this machine/.test(n.message));
    expect(note?.message).toMatch(/^the load goes to api\.example\.com:8443, not this machine, and abort_when\.error_rate is not set/);
    expect(r.logs.some((l) => l.startsWith('warning: the load goes to api.example.com:8443'))).toBe(true);
  });

  it('says nothing for loopback, or when abort_when.error_rate is set', async () => {
    const local = await runInProcess(base({ provider: undefined, load: { url: 'http://localhost:9', stages: [{ duration: '2s', rate: 1 }] } }), null, () => ({}));
    const guarded = await runInProcess(
      base({ provider: undefined, load: { url: 'https://api.example.com', stages: [{ duration: '2s', rate: 1 }] }, abort_when: { error_rate: { above: '20%', for: '10s' } } }),
      null,
      () => ({}),
    );
    for (const r of [local, guarded]) expect(r.timeline.notes.filter((n) => /not this machine/.test(n.message))).toEqual([]);
  });
});
