import { describe, expect, it } from 'vitest';
import { hpaSpec, hpaStep, initialHpaState, type HpaPod, type HpaState } from '../../../src/scaling-models/hpa.js';

const ready = (...utilizations: number[]): HpaPod[] => utilizations.map((utilization) => ({ ready: true, utilization }));
const unready = (n: number): HpaPod[] => Array.from({ length: n }, () => ({ ready: false }));
const missing = (n: number): HpaPod[] => Array.from({ length: n }, () => ({ ready: true }));
const noStabilization = { scaleDown: { stabilizationWindowMs: 0 } };

describe('hpaStep: the metric formula', () => {
  const spec = hpaSpec({ minReplicas: 1, maxReplicas: 50, targetUtilization: 0.6, behavior: noStabilization });

  it.each([
    { pods: ready(0.9, 0.9), want: 3 }, // ratio 1.5 -> ceil(3)
    { pods: ready(1.2, 1.2, 1.2), want: 6 }, // ratio 2
    { pods: ready(0.7, 0.7), want: 3 }, // ratio 1.167 -> ceil(2.33)
    { pods: ready(0.3, 0.3, 0.3, 0.3), want: 2 }, // ratio 0.5
    { pods: ready(0.05, 0.05), want: 1 }, // ceil(0.17)
  ])('$pods.length pods -> $want', ({ pods, want }) => {
    const d = hpaStep(spec, initialHpaState(), { currentReplicas: pods.length, pods }, 0);
    expect(d.desired).toBe(want);
    expect(d.rescale).toBe(want !== pods.length);
    expect(d.metricReplicas).toBe(want);
  });

  it('says why, in the words of the SuccessfulRescale event', () => {
    expect(hpaStep(spec, initialHpaState(), { currentReplicas: 2, pods: ready(0.9, 0.9) }, 0).reason).toBe('cpu resource utilization (percentage of request) above target');
    expect(hpaStep(spec, initialHpaState(), { currentReplicas: 4, pods: ready(0.1, 0.1, 0.1, 0.1) }, 0).reason).toBe('All metrics below target');
  });

  it('reports the unadjusted mean utilization', () => {
    expect(hpaStep(spec, initialHpaState(), { currentReplicas: 2, pods: ready(0.5, 0.9) }, 0).utilization).toBeCloseTo(0.7);
  });
});

describe('hpaStep: tolerance', () => {
  const spec = hpaSpec({ maxReplicas: 50, targetUtilization: 0.6, behavior: noStabilization });

  it('skips a change within 10 % of the target', () => {
    const d = hpaStep(spec, initialHpaState(), { currentReplicas: 4, pods: ready(0.65, 0.65, 0.65, 0.65) }, 0); // ratio 1.083
    expect(d).toMatchObject({ desired: 4, rescale: false, reason: 'recommended size matches current size' });
    expect(hpaStep(spec, initialHpaState(), { currentReplicas: 4, pods: ready(0.56, 0.56, 0.56, 0.56) }, 0).desired).toBe(4); // 0.933
  });

  it('acts just outside the tolerance, and a custom tolerance applies', () => {
    expect(hpaStep(spec, initialHpaState(), { currentReplicas: 4, pods: ready(0.68, 0.68, 0.68, 0.68) }, 0).desired).toBe(5); // 1.133
    const loose = hpaSpec({ maxReplicas: 50, targetUtilization: 0.6, tolerance: 0.2 });
    expect(hpaStep(loose, initialHpaState(), { currentReplicas: 4, pods: ready(0.68, 0.68, 0.68, 0.68) }, 0).desired).toBe(4);
  });
});

describe('hpaStep: unready pods and missing metrics', () => {
  const spec = hpaSpec({ maxReplicas: 50, targetUtilization: 0.6, behavior: noStabilization });

  it('counts unready pods as 0 % on a scale-up', () => {
    // [1.2, 1.2, 0] -> mean 0.8 -> ratio 1.33 -> ceil(4)
    expect(hpaStep(spec, initialHpaState(), { currentReplicas: 3, pods: [...ready(1.2, 1.2), ...unready(1)] }, 0).desired).toBe(4);
    // [0.9, 0.9, 0] -> ratio 1.0: the pod still starting absorbs the excess, no scale-up
    expect(hpaStep(spec, initialHpaState(), { currentReplicas: 3, pods: [...ready(0.9, 0.9), ...unready(1)] }, 0)).toMatchObject({ desired: 3, rescale: false });
  });

  it('leaves unready pods out of a scale-down', () => {
    // ratio 0.5 over the 2 ready pods -> ceil(1)
    expect(hpaStep(spec, initialHpaState(), { currentReplicas: 3, pods: [...ready(0.3, 0.3), ...unready(1)] }, 0).desired).toBe(1);
  });

  it('counts missing metrics as 100 % on a scale-down and 0 % on a scale-up', () => {
    // down: [0.3, 1.0] -> ratio 1.08: would flip direction -> no change
    expect(hpaStep(spec, initialHpaState(), { currentReplicas: 2, pods: [...ready(0.3), ...missing(1)] }, 0).desired).toBe(2);
    // down: [0.1, 0.1, 0.1, 1.0] -> mean 0.325 -> ratio 0.54 -> ceil(2.17) = 3
    expect(hpaStep(spec, initialHpaState(), { currentReplicas: 4, pods: [...ready(0.1, 0.1, 0.1), ...missing(1)] }, 0).desired).toBe(3);
    // up: [1.8, 0] -> ratio 1.5 -> ceil(3)
    expect(hpaStep(spec, initialHpaState(), { currentReplicas: 2, pods: [...ready(1.8), ...missing(1)] }, 0).desired).toBe(3);
    // up: [1.2, 0] -> ratio 1.0 -> no change
    expect(hpaStep(spec, initialHpaState(), { currentReplicas: 2, pods: [...ready(1.2), ...missing(1)] }, 0).desired).toBe(2);
  });

  it('does nothing without any metric', () => {
    const d = hpaStep(spec, initialHpaState(), { currentReplicas: 2, pods: [...unready(1), ...missing(1)] }, 0);
    expect(d).toMatchObject({ desired: 2, rescale: false, reason: 'no metrics for the ready pods' });
  });
});

describe('hpaStep: min and max', () => {
  const spec = hpaSpec({ minReplicas: 2, maxReplicas: 5, targetUtilization: 0.5 });

  it('clamps the recommendation to maxReplicas', () => {
    expect(hpaStep(spec, initialHpaState(), { currentReplicas: 2, pods: ready(2, 2) }, 0)).toMatchObject({ desired: 5, limitedBy: 'TooManyReplicas', metricReplicas: 8 });
  });

  it('clamps to minReplicas', () => {
    const s = hpaSpec({ minReplicas: 2, maxReplicas: 5, targetUtilization: 0.5, behavior: noStabilization });
    expect(hpaStep(s, initialHpaState(), { currentReplicas: 4, pods: ready(0, 0, 0, 0) }, 0)).toMatchObject({ desired: 2, limitedBy: 'TooFewReplicas' });
  });

  it('brings a count outside the range back at once', () => {
    expect(hpaStep(spec, initialHpaState(), { currentReplicas: 9, pods: ready(1, 1) }, 0)).toMatchObject({ desired: 5, reason: 'Current number of replicas above Spec.MaxReplicas' });
    expect(hpaStep(spec, initialHpaState(), { currentReplicas: 1, pods: ready(0) }, 0)).toMatchObject({ desired: 2, reason: 'Current number of replicas below Spec.MinReplicas' });
  });

  it('treats a target scaled to zero as disabled', () => {
    expect(hpaStep(spec, initialHpaState(), { currentReplicas: 0, pods: [] }, 0)).toMatchObject({ desired: 0, rescale: false });
  });
});

describe('hpaStep: rate policies', () => {
  it('scales up by max(100 %, 4 pods) per 15 s by default', () => {
    const spec = hpaSpec({ maxReplicas: 100, targetUtilization: 0.5 });
    let state = initialHpaState();
    const d1 = hpaStep(spec, state, { currentReplicas: 2, pods: ready(5, 5) }, 0); // wants 20
    expect(d1).toMatchObject({ desired: 6, limitedBy: 'ScaleUpLimit' }); // max(2×2, 2+4)
    state = d1.state;
    const d2 = hpaStep(spec, state, { currentReplicas: 6, pods: ready(...Array(6).fill(5)) }, 5_000);
    expect(d2).toMatchObject({ desired: 6, rescale: false, limitedBy: 'ScaleUpLimit' }); // the period started at 2
    const d3 = hpaStep(spec, d2.state, { currentReplicas: 6, pods: ready(...Array(6).fill(5)) }, 15_000);
    expect(d3).toMatchObject({ desired: 12, limitedBy: 'ScaleUpLimit' }); // the first event left the window
  });

  it('selectPolicy Min picks the smaller change, Disabled none', () => {
    const min = hpaSpec({ maxReplicas: 100, targetUtilization: 0.5, behavior: { scaleUp: { selectPolicy: 'Min' } } });
    expect(hpaStep(min, initialHpaState(), { currentReplicas: 2, pods: ready(5, 5) }, 0).desired).toBe(4); // min(2×2, 2+4)
    const off = hpaSpec({ maxReplicas: 100, targetUtilization: 0.5, behavior: { scaleUp: { selectPolicy: 'Disabled' } } });
    expect(hpaStep(off, initialHpaState(), { currentReplicas: 2, pods: ready(5, 5) }, 0)).toMatchObject({ desired: 2, rescale: false });
  });

  it('limits scale-down by its policies', () => {
    const spec = hpaSpec({
      maxReplicas: 100,
      targetUtilization: 0.5,
      behavior: { scaleDown: { stabilizationWindowMs: 0, policies: [{ type: 'Percent', value: 50, periodMs: 60_000 }, { type: 'Pods', value: 1, periodMs: 60_000 }] } },
    });
    const d1 = hpaStep(spec, initialHpaState(), { currentReplicas: 10, pods: ready(...Array(10).fill(0)) }, 0);
    expect(d1).toMatchObject({ desired: 5, limitedBy: 'ScaleDownLimit' }); // Max: the larger change, 50 %
    const d2 = hpaStep(spec, d1.state, { currentReplicas: 5, pods: ready(...Array(5).fill(0)) }, 30_000);
    expect(d2).toMatchObject({ desired: 5, rescale: false }); // the period started at 10: 50 % already taken
    const d3 = hpaStep(spec, d2.state, { currentReplicas: 5, pods: ready(...Array(5).fill(0)) }, 60_000);
    expect(d3.desired).toBe(2); // trunc(5 × 0.5)
  });
});

describe('hpaStep: stabilization', () => {
  it('holds a scale-down until the 300 s window has only lower recommendations', () => {
    const spec = hpaSpec({ minReplicas: 1, maxReplicas: 10, targetUtilization: 0.5 });
    let state: HpaState = initialHpaState();
    state = hpaStep(spec, state, { currentReplicas: 5, pods: ready(0.5, 0.5, 0.5, 0.5, 0.5) }, 0).state; // recommends 5
    for (let t = 15_000; t < 300_000; t += 15_000) {
      const d = hpaStep(spec, state, { currentReplicas: 5, pods: ready(0.05, 0.05, 0.05, 0.05, 0.05) }, t);
      expect(d).toMatchObject({ desired: 5, rescale: false, stabilizedBy: 'ScaleDownStabilized', metricReplicas: 1 });
      state = d.state;
    }
    const d = hpaStep(spec, state, { currentReplicas: 5, pods: ready(0.05, 0.05, 0.05, 0.05, 0.05) }, 300_000);
    expect(d).toMatchObject({ desired: 1, rescale: true, reason: 'All metrics below target' });
  });

  it('follows the highest recommendation in the window, not the current one', () => {
    const spec = hpaSpec({ maxReplicas: 10, targetUtilization: 0.5, behavior: { scaleDown: { stabilizationWindowMs: 60_000 } } });
    let state = hpaStep(spec, initialHpaState(), { currentReplicas: 6, pods: ready(0.5, 0.5, 0.5, 0.5, 0.5, 0.5) }, 0).state; // 6
    state = hpaStep(spec, state, { currentReplicas: 6, pods: ready(0.3, 0.3, 0.3, 0.3, 0.3, 0.3) }, 30_000).state; // 4
    const d = hpaStep(spec, state, { currentReplicas: 6, pods: ready(0.1, 0.1, 0.1, 0.1, 0.1, 0.1) }, 61_000); // 2, window has 4
    expect(d).toMatchObject({ desired: 4, stabilizedBy: 'ScaleDownStabilized' });
  });

  it('takes the lowest recommendation in a scale-up window', () => {
    const spec = hpaSpec({ maxReplicas: 10, targetUtilization: 0.5, behavior: { scaleUp: { stabilizationWindowMs: 60_000 } } });
    let state = hpaStep(spec, initialHpaState(), { currentReplicas: 2, pods: ready(0.5, 0.5) }, 0).state; // 2
    const held = hpaStep(spec, state, { currentReplicas: 2, pods: ready(1.5, 1.5) }, 10_000); // wants 6
    expect(held).toMatchObject({ desired: 2, rescale: false, stabilizedBy: 'ScaleUpStabilized' });
    state = held.state;
    const partly = hpaStep(spec, state, { currentReplicas: 2, pods: ready(1.0, 1.0) }, 30_000); // 4; window [2, 6, 4]
    expect(partly.desired).toBe(2);
    const d = hpaStep(spec, partly.state, { currentReplicas: 2, pods: ready(1.5, 1.5) }, 61_000); // window [6, 4, 6]
    expect(d).toMatchObject({ desired: 4, stabilizedBy: 'ScaleUpStabilized' });
  });
});

describe('hpaStep: purity', () => {
  it('never changes the state it was given', () => {
    const spec = hpaSpec({ maxReplicas: 10, targetUtilization: 0.5 });
    const state = Object.freeze(initialHpaState());
    const d = hpaStep(spec, state, { currentReplicas: 2, pods: ready(1, 1) }, 0);
    expect(state).toEqual(initialHpaState());
    expect(d.state).not.toBe(state);
    expect(hpaStep(spec, state, { currentReplicas: 2, pods: ready(1, 1) }, 0)).toEqual(d);
  });

  it('rejects a spec with min above max', () => {
    expect(() => hpaSpec({ minReplicas: 3, maxReplicas: 2, targetUtilization: 0.5 })).toThrow(RangeError);
  });
});
