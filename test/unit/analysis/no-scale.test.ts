import { describe, expect, it } from 'vitest';
import { analyze } from '../../../src/analysis/index.js';
import { TimelineBuilder } from '../../support/timeline-builder.js';
import { stepProfile } from './fixtures.js';

/** The step run (10 -> 300 req/s at 10 s, 60 s hold) where replicas stay at 2 all along. */
function flat(cpuPct: number, targets: Record<string, unknown>) {
  const b = new TimelineBuilder(stepProfile(targets)).stagesFromProfile(0);
  for (let t = 0; t < 70_000; t += 1000) b.sample(t, { desired: 2, ready: 2, cpuPct });
  return analyze(b.end(70_000).build());
}

describe('a load increase that did not scale', () => {
  it('passes scale_up_time when utilization never passed the target: no scale-up was needed', () => {
    const r = flat(35, { cpu: { target: '60%' }, autoscaling: { scale_up_time: '30s' } });
    expect(r.scaleUps[0]!.outcome).toBe('no-scale');
    expect(r.checks.find((c) => c.id === 'autoscaling.scale_up_time')!.status).toBe('pass');
  });

  it('fails it when utilization was above the target and replicas still never rose', () => {
    const r = flat(95, { cpu: { target: '60%' }, autoscaling: { scale_up_time: '30s' } });
    expect(r.checks.find((c) => c.id === 'autoscaling.scale_up_time')).toMatchObject({ status: 'fail', detail: expect.stringContaining('replicas never rose') });
  });

  it('is unknown when the window was shorter than the target', () => {
    const r = flat(95, { cpu: { target: '60%' }, autoscaling: { scale_up_time: '5m' } });
    expect(r.checks.find((c) => c.id === 'autoscaling.scale_up_time')!.status).toBe('unknown');
  });
});
