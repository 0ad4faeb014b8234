import { describe, expect, it } from 'vitest';
import { acaEarliestDecisionMs, acaScaleSpec, acaScaleStep, initialAcaScaleState, type AcaScaleDecision, type AcaScaleSpec } from '../../../src/scaling-models/aca-scale-rules.js';

const S = 15_000;

/** Evaluates every 15 s with the given concurrency / cpu per tick; applies each rescale. */
function run(spec: AcaScaleSpec, ticks: { concurrency?: number; cpuPct?: number }[], current0: number) {
  let state = initialAcaScaleState();
  let current = current0;
  const out: (AcaScaleDecision & { tick: number })[] = [];
  ticks.forEach((t, i) => {
    const d = acaScaleStep(spec, state, { current, concurrency: t.concurrency ?? 0, cpuPct: t.cpuPct }, (i + 1) * S);
    state = d.state;
    if (d.rescale) current = d.desired;
    out.push({ ...d, tick: i + 1 });
  });
  return out;
}

describe('ACA scale rules model', () => {
  it('has the ACA defaults and their earliest decisions', () => {
    const spec = acaScaleSpec({ maxReplicas: 10 });
    expect(spec).toMatchObject({ minReplicas: 0, rules: [{ kind: 'http', concurrentRequests: 10 }], httpIntervalMs: 15_000, pollingIntervalMs: 30_000, cooldownPeriodMs: 300_000, scaleDownStabilizationMs: 300_000 });
    expect(acaEarliestDecisionMs(spec)).toEqual({ scaleUpMs: 15_000, scaleDownMs: 300_000 });
    expect(acaEarliestDecisionMs(acaScaleSpec({ maxReplicas: 10, minReplicas: 1, rules: [{ kind: 'cpu', utilizationPct: 70 }] }))).toEqual({ scaleUpMs: 30_000, scaleDownMs: 300_000 });
    expect(() => acaScaleSpec({ maxReplicas: 10, rules: [] })).toThrow(RangeError);
  });

  it('scales up in steps 1, 4, 8, 16 … from zero', () => {
    const spec = acaScaleSpec({ maxReplicas: 100 });
    const d = run(spec, Array(5).fill({ concurrency: 1000 }), 0);
    expect(d.map((x) => x.desired)).toEqual([1, 4, 8, 16, 32]);
    expect(d[0]).toMatchObject({ limitedBy: 'step-limit', recommendation: 100, reason: 'http' });
  });

  it('asks for ceil(concurrency / concurrentRequests) and stays within max', () => {
    const spec = acaScaleSpec({ maxReplicas: 5, minReplicas: 1 });
    expect(run(spec, [{ concurrency: 25 }], 2)[0]).toMatchObject({ desired: 3, rescale: true });
    expect(run(spec, [{ concurrency: 20 }], 2)[0]).toMatchObject({ desired: 2, rescale: false });
    expect(run(spec, [{ concurrency: 900 }, { concurrency: 900 }], 4).map((x) => x.desired)).toEqual([5, 5]);
  });

  it('polls cpu rules every pollingInterval and takes the highest rule', () => {
    const spec = acaScaleSpec({ maxReplicas: 20, minReplicas: 1, rules: [{ kind: 'http', concurrentRequests: 100 }, { kind: 'cpu', utilizationPct: 50 }] });
    const d = run(spec, [{ cpuPct: 100, concurrency: 10 }, { cpuPct: 100, concurrency: 10 }, { cpuPct: 100, concurrency: 10 }], 2);
    // tick 1 polls cpu: ceil(2 × 100 / 50) = 4; tick 2 reuses that poll; tick 3 polls again: ceil(4 × 100 / 50) = 8.
    expect(d.map((x) => [x.desired, x.reason])).toEqual([
      [4, 'cpu'],
      [4, 'cpu'],
      [8, 'cpu'],
    ]);
  });

  it('scales down only to the highest recommendation of the 300 s stabilization window', () => {
    const spec = acaScaleSpec({ maxReplicas: 10, minReplicas: 1 });
    const ticks = [{ concurrency: 80 }, ...Array(25).fill({ concurrency: 10 })];
    const d = run(spec, ticks, 8);
    const firstDown = d.find((x) => x.rescale && x.desired < 8)!;
    // The 8-replica recommendation at tick 1 (15 s) leaves the 300 s window at tick 21 (315 s).
    expect(firstDown).toMatchObject({ tick: 21, desired: 1 });
    expect(d[5]).toMatchObject({ rescale: false, limitedBy: 'stabilization' });
  });

  it('scales to zero only after the cooldown since the last active metric', () => {
    const spec = acaScaleSpec({ maxReplicas: 10, minReplicas: 0, cooldownPeriodMs: 60_000, scaleDownStabilizationMs: 30_000 });
    const d = run(spec, [{ concurrency: 5 }, ...Array(8).fill({ concurrency: 0 })], 1);
    const zero = d.find((x) => x.desired === 0)!;
    expect(zero.reason).toBe('cooldown');
    expect(zero.tick * S - S).toBeGreaterThanOrEqual(60_000);
    expect(d.slice(1, 4).every((x) => x.desired === 1)).toBe(true);
  });
});
