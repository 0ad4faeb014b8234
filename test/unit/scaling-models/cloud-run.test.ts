/** The pure Cloud Run autoscaling model (src/scaling-models/cloud-run.ts). */
import { describe, expect, test } from 'vitest';
import { activeInstances, cloudRunSpec, cloudRunStep, initialCloudRunState, recommendInstances, CLOUD_RUN_DEFAULTS } from '../../../src/scaling-models/cloud-run.js';

const spec = cloudRunSpec({ minInstances: 1, maxInstances: 10, maxConcurrency: 10, idleRetentionMs: 60_000 });
const obs = (atMs: number, inFlight: number, cpu: number, instances: number) => ({ atMs, inFlight, cpu, instances });

describe('cloud run model', () => {
  test('defaults are the documented ones', () => {
    expect(cloudRunSpec()).toEqual(CLOUD_RUN_DEFAULTS);
    expect(CLOUD_RUN_DEFAULTS).toMatchObject({ maxConcurrency: 80, targetConcurrency: 0.6, targetCpu: 0.6, maxInstances: 100, windowMs: 60_000, idleRetentionMs: 900_000 });
    expect(() => cloudRunSpec({ minInstances: 5, maxInstances: 2 })).toThrow(RangeError);
    expect(() => cloudRunSpec({ targetCpu: 0 })).toThrow(RangeError);
  });

  test('concurrency target: instances = ceil(avg in flight / (max concurrency x 60 %))', () => {
    const w = [obs(0, 12, 0.1, 2), obs(5000, 24, 0.1, 2)];
    // avg in flight 18 over a per-instance target of 6 -> 3.
    expect(recommendInstances(spec, w, w[1]!)).toMatchObject({ replicas: 3, byConcurrency: 3, reason: 'request concurrency' });
  });

  test('CPU target: instances = ceil(instances x avg CPU / 60 %); the larger signal wins', () => {
    const w = [obs(0, 1, 0.9, 2), obs(5000, 1, 0.9, 2)];
    expect(recommendInstances(spec, w, w[1]!)).toMatchObject({ replicas: 3, byCpu: 3, reason: 'CPU utilization above target' });
  });

  test('a burst beyond max concurrency starts instances at once; capped at max instances', () => {
    const w = [obs(0, 0, 0, 1)];
    const burst = obs(1000, 45, 0, 1);
    expect(recommendInstances(spec, [...w, burst], burst)).toMatchObject({ replicas: 5, burst: 5, reason: 'requests in flight exceed max concurrency' });
    const huge = obs(1000, 500, 1, 1);
    expect(recommendInstances(spec, [huge], huge)).toMatchObject({ replicas: 10, reason: 'capped at max instances' });
  });

  test('the 1-minute window averages: old observations fall out', () => {
    let state = initialCloudRunState(1);
    let d = cloudRunStep(spec, state, obs(0, 60, 0, 1));
    expect(d).toMatchObject({ instances: 10, changed: true });
    state = d.state;
    d = cloudRunStep(spec, state, obs(30_000, 0, 0, 10));
    expect(d.state.window).toHaveLength(2);
    d = cloudRunStep(spec, d.state, obs(61_000, 0, 0, 10));
    expect(d.state.window.map((o) => o.atMs)).toEqual([30_000, 61_000]);
  });

  test('scale-down waits for the idle retention; never below min instances', () => {
    let state = cloudRunStep(spec, initialCloudRunState(1), obs(0, 30, 0.6, 1)).state;
    expect(state.wanted).toBe(5);
    const quiet = (t: number) => obs(t, 0, 0, 5);
    let d = cloudRunStep(spec, state, quiet(70_000));
    expect(d).toMatchObject({ instances: 5, recommended: 1, changed: false, reason: '4 surplus instance(s) kept idle' });
    d = cloudRunStep(spec, d.state, quiet(100_000));
    expect(d.instances).toBe(5);
    d = cloudRunStep(spec, d.state, quiet(130_000));
    expect(d).toMatchObject({ instances: 1, changed: true, reason: 'idle instances retired' });
    // New load during the idle period cancels it.
    state = cloudRunStep(spec, initialCloudRunState(5), quiet(0)).state;
    expect(state.surplusSince).toBe(0);
    state = cloudRunStep(spec, state, obs(10_000, 200, 1, 5)).state;
    expect(state.surplusSince).toBeNull();
  });

  test('active/idle split', () => {
    expect(activeInstances(spec, 0, 5)).toEqual({ active: 0, idle: 0 });
    expect(activeInstances(spec, 4, 0, 0)).toEqual({ active: 0, idle: 4 });
    // At the load the autoscaler sized for, all are active.
    expect(activeInstances(spec, 5, 0, 5 * 0.5)).toEqual({ active: 5, idle: 0 });
    // Light load packs onto fewer instances.
    expect(activeInstances(spec, 6, 1, 0.25)).toEqual({ active: 1, idle: 5 });
  });
});
