import { describe, expect, it } from 'vitest';
import { KillSwitch } from '../../../src/run/kill-switch.js';
import type { LoadRecord, SampleRecord, TargetRecord } from '../../../src/timeline/types.js';

const win = (t: number, over: Partial<LoadRecord> & { failed?: number; p99?: number } = {}): LoadRecord => {
  const completed = over.completed ?? 10;
  const p99 = over.p99 ?? 10;
  return {
    kind: 'load', t, windowMs: 1000, request: over.request ?? '*', planned: over.planned ?? completed, sent: completed, completed, ok: completed - (over.failed ?? 0),
    dropped: over.dropped ?? 0, throttled: 0, errors: { http4xx: 0, http5xx: over.failed ?? 0, timeout: 0, connection: 0, other: 0 }, inFlight: 0,
    latency: { count: completed, mean: p99, p50: p99, p90: p99, p95: p99, p99, p999: p99, max: p99 },
  };
};
const sample = (t: number, desired: number): SampleRecord => ({ kind: 'sample', t, fetchedT: t, resolutionMs: 0, source: 'x', desired, ready: desired });

describe('KillSwitch (pure)', () => {
  it('fires error_rate once the streak has lasted `for`, with the condition named', () => {
    const ks = new KillSwitch({ error_rate: { above: 0.5, for: 3000 } });
    expect(ks.push(win(0, { failed: 6 }))).toBeNull();
    expect(ks.push(win(1000, { failed: 6 }))).toBeNull();
    const hit = ks.push(win(2000, { failed: 7 }));
    expect(hit).toEqual({ condition: 'error_rate', t: 3000, message: 'abort_when.error_rate: error rate above 50% for 3s (70% in the last window)' });
    expect(ks.push(win(3000, { failed: 7 }))).toBeNull(); // fires once
  });

  it('a good window breaks the streak; an empty window bridges it; per-request windows are ignored', () => {
    const ks = new KillSwitch({ error_rate: { above: 0.5, for: 3000 } });
    ks.push(win(0, { failed: 6 }));
    ks.push(win(1000, { failed: 0 }));
    ks.push(win(2000, { failed: 6 }));
    expect(ks.push(win(3000, { completed: 0 }))).toBeNull();
    expect(ks.push(win(4000, { failed: 10, completed: 10, request: 'api' }))).toBeNull();
    expect(ks.push(win(4000, { failed: 6 }))?.t).toBe(5000);
  });

  it('exactly at the threshold is not above it', () => {
    const ks = new KillSwitch({ error_rate: { above: 0.5, for: 0 }, p99: { above: 100, for: 0 }, dropped_rate: { above: 0.1, for: 0 } });
    expect(ks.push(win(0, { failed: 5, p99: 100, planned: 10, dropped: 1 }))).toBeNull();
    expect(ks.push(win(1000, { p99: 101 }))?.condition).toBe('p99');
  });

  it('replicas_at_max uses the platform maximum from the target record, else the profile; late samples do not rewind', () => {
    const ks = new KillSwitch({ replicas_at_max: { for: 5000 } }, { maxReplicas: 10 });
    const target: TargetRecord = { kind: 'target', t: 0, description: { summary: 's', scaling: { maxReplicas: 3, rules: [], timings: {} }, warnings: [] } };
    ks.push(target);
    ks.push(sample(1000, 3));
    ks.push(sample(500, 1)); // late, for an earlier time
    expect(ks.push(sample(4000, 3))).toBeNull();
    expect(ks.push(sample(6000, 3))).toMatchObject({ condition: 'replicas_at_max', t: 6000 });
  });

  it('says when replicas_at_max cannot be evaluated', () => {
    expect(new KillSwitch({ replicas_at_max: { for: 0 } }).missingMaxReplicas).toBe(true);
    expect(new KillSwitch({ replicas_at_max: { for: 0 } }, { maxReplicas: 2 }).missingMaxReplicas).toBe(false);
    expect(new KillSwitch({ error_rate: { above: 0.1, for: 0 } }).missingMaxReplicas).toBe(false);
  });
});
