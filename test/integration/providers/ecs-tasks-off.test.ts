/**
 * The aws-ecs provider with `tasks: false`, against the fake control plane on 127.0.0.1
 * (test/fakes/ecs). The setting must stop every task read (ListTasks, DescribeTasks,
 * DescribeTaskDefinition) and take `ready` from DescribeServices' RUNNING count, the same path
 * as the access-denied fallback but chosen, so without a warning. The fake records every call it
 * serves (`requests`), which is what proves the task reads never happened.
 *
 * The service has a container health check and scales out from 1 to its minimum of 3 on its own
 * (a bounds rescale: no load needed), so the two ways of counting `ready` differ: RUNNING
 * (tasks: false) reaches 3 about `healthCheckMs` before HEALTHY (the tasks) does.
 */
import { describe, expect, it } from 'vitest';
import type { FakeEcs } from '../../fakes/ecs/fake-ecs.js';
import type { EcsSettingsInput } from '../../../providers/ecs/settings.js';
import { ecsProvider, pollUntil, signal, startEcsFake, useEcsTestEnv } from './ecs-helpers.js';

const TASK_OPS = ['ListTasks', 'DescribeTasks', 'DescribeTaskDefinition'];
const HEALTH_CHECK_MS = 1500;

let fake: FakeEcs;
const provider = (extra: Partial<EcsSettingsInput>, warnings: string[] = []) => ecsProvider(fake.url, extra, warnings);
useEcsTestEnv();
/** The operations the fake served, e.g. `DescribeServices`. */
const ops = () => fake.requests.map((r) => r.target.split('.')[1] ?? '');

describe('aws-ecs provider with tasks: false', () => {
  // Control: the same fake with the default (tasks: true) does read the tasks, so the absence
  // of those calls below comes from the setting, not from a fake or path that never makes them.
  it('reads the tasks by default (control)', async () => {
    fake = await startEcsFake({ healthCheckMs: HEALTH_CHECK_MS });
    const p = provider({});
    await p.describe(signal());
    const s = await p.sample(signal());
    expect(ops()).toEqual(expect.arrayContaining(TASK_OPS));
    expect(s.some((x) => x.source === 'ecs:tasks' && x.ready === 1)).toBe(true);
    expect(s.find((x) => x.source === 'ecs:DescribeServices')?.ready).toBeUndefined();
  });

  it('never reads the tasks and takes ready from the RUNNING count, unhealthy tasks included', async () => {
    fake = await startEcsFake({ initialDesired: 1, minCapacity: 3, maxCapacity: 4, taskStartMs: 200, healthCheckMs: HEALTH_CHECK_MS });
    const warnings: string[] = [];
    const p = provider({ tasks: false }, warnings);
    const d = await p.describe(signal());
    // A choice, not a missing permission: no "without the tasks" warning.
    expect(d.warnings.join('\n')).not.toMatch(/without the tasks|ListTasks|DescribeTasks|DescribeTaskDefinition/);

    // Poll like the poller until the new tasks are HEALTHY, then a little longer.
    const startWall = Date.now();
    const { samples, events } = await pollUntil(p, 100, () => fake.serving >= 3 && Date.now() - startWall >= 300);
    samples.push(...(await p.sample(signal())));

    // Not one task read, although the provider polled DescribeServices all along.
    expect(ops().filter((op) => TASK_OPS.includes(op))).toEqual([]);
    expect(ops().filter((op) => op === 'DescribeServices').length).toBeGreaterThan(10);
    expect(samples.some((s) => s.source === 'ecs:tasks')).toBe(false);
    expect([...events.values()].some((e) => e.source === 'ecs:tasks')).toBe(false);

    // ready is DescribeServices' RUNNING count in every sample.
    const svc = samples.filter((s) => s.source === 'ecs:DescribeServices');
    expect(svc.length).toBeGreaterThan(10);
    expect(svc.every((s) => typeof s.running === 'number' && s.ready === s.running)).toBe(true);
    expect(samples.filter((s) => s.ready !== undefined).every((s) => s.source === 'ecs:DescribeServices')).toBe(true);

    // RUNNING reached 3 before the health check passed: ready counted the unhealthy tasks, as
    // the README says of tasks: false (the tasks would have shown 3 only once HEALTHY).
    expect(fake.decisions).toEqual([expect.objectContaining({ from: 1, to: 3, trigger: 'bounds' })]);
    const healthyAt = fake.readiness.find((r) => r.running >= 3)!.atWall;
    const firstReady3 = svc.filter((s) => s.ready! >= 3).sort((a, b) => a.atWall - b.atWall)[0]!;
    expect(firstReady3.atWall).toBeLessThan(healthyAt);
    expect(warnings.filter((w) => /ecs:(ListTasks|DescribeTasks|DescribeTaskDefinition)/.test(w))).toEqual([]);
  });
});
