import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planCommand } from '../../../src/commands/plan.js';
import type { CommandContext } from '../../../src/commands/context.js';
import { UsageError } from '../../../src/errors.js';
import { parsePlanArgs } from '../../../src/plan/args.js';
import { resolvePlanInputs } from '../../../src/plan/inputs.js';
import { planCapacity } from '../../../src/plan/plan.js';
import { renderPlanMarkdown, renderPlanText } from '../../../src/plan/render.js';
import type { Plan } from '../../../src/plan/types.js';
import { TimelineBuilder } from '../../support/timeline-builder.js';

function plan(flags: Parameters<typeof resolvePlanInputs>[0], profile: Parameters<typeof resolvePlanInputs>[1] = null, measured: Parameters<typeof resolvePlanInputs>[2] = null): Plan {
  const r = resolvePlanInputs(flags, profile, measured);
  if (!r.inputs) throw new Error(r.missing.join('; '));
  return planCapacity(r.inputs);
}

describe('planCapacity', () => {
  it('10,000 users x 10 req/min = 1,667 req/s: 9 instances at 200 req/s, 11 with a 20% buffer', () => {
    const p = plan({ peakUsers: 10_000, requestsPerUserPerMinute: 10, capacity: 200, buffer: 0.2, months: 0 });
    expect(p.rows).toEqual([{ month: 0, peakUsers: 10_000, requiredRate: 1667, instances: 9, instancesWithBuffer: 11, costPerMonth: null }]);
  });

  it('grows users month by month, compounded, and prices instance-hours', () => {
    const p = plan({ peakUsers: 10_000, requestsPerUserPerMinute: 10, capacity: 200, buffer: 0.2, growth: 0.05, months: 2, price: 0.1 });
    // users 10,000 / 10,500 / 11,025 -> 1,667 / 1,750 / 1,838 req/s -> 9 / 9 / 10 -> 11 / 11 / 12 instances.
    expect(p.rows.map((r) => [r.month, r.requiredRate, r.instances, r.instancesWithBuffer])).toEqual([[0, 1667, 9, 11], [1, 1750, 9, 11], [2, 1838, 10, 12]]);
    expect(p.rows[2]!.peakUsers).toBeCloseTo(11_025, 6);
    expect(p.rows[0]!.costPerMonth).toBeCloseTo(11 * 0.1 * 730, 9);
    expect(p.rows[2]!.costPerMonth).toBeCloseTo(12 * 0.1 * 730, 9);
  });

  it('never goes below the minimum and is not fooled by floating-point dust', () => {
    const p = plan({ peakUsers: 60, requestsPerUserPerMinute: 1, capacity: 200, buffer: 0, months: 0, minInstances: 2 });
    expect(p.rows[0]).toMatchObject({ requiredRate: 1, instances: 2, instancesWithBuffer: 2 });
    // 12,000 req/s / 200 = exactly 60; 10 * 1.1 = 11.000000000000002 must stay 11.
    const q = plan({ peakUsers: 72_000, requestsPerUserPerMinute: 10, capacity: 200, buffer: 0, months: 0 });
    expect(q.rows[0]!.instances).toBe(60);
    expect(plan({ peakUsers: 12_000, requestsPerUserPerMinute: 10, capacity: 200, buffer: 0.1, months: 0 }).rows[0]!.instancesWithBuffer).toBe(11);
  });

  it('says which inputs were measured and which assumed', () => {
    const p = plan({ peakUsers: 10_000, requestsPerUserPerMinute: 10 }, null, { perReplica: 200, detail: 'run x' });
    expect(p.measured).toEqual(['capacity per instance']);
    expect(p.assumed).toEqual(['peak users', 'requests per user per minute', 'monthly growth', 'months', 'buffer', 'min instances', 'hours per month']);
    expect(p.inputs.buffer).toEqual({ value: 0.2, source: 'default' });
    expect(p.inputs.months).toEqual({ value: 12, source: 'default' });
    expect(p.rows).toHaveLength(13);
  });
});

describe('plan inputs', () => {
  const profile = { plan: { peak_users: 500, requests_per_user_per_minute: 6, monthly_growth: 0.1, capacity_per_instance: 50 }, cost: { instance_hour: 0.2, currency: 'EUR' } };

  it('flags beat the run, the run beats the profile, the profile beats defaults', () => {
    const fromProfile = resolvePlanInputs({}, profile, null).inputs!;
    expect(fromProfile.capacityPerInstance).toEqual({ value: 50, source: 'profile' });
    expect(fromProfile.peakUsers).toEqual({ value: 500, source: 'profile' });
    expect(fromProfile.pricePerInstanceHour).toEqual({ value: 0.2, source: 'profile' });
    expect(fromProfile.currency).toBe('EUR');
    const measured = resolvePlanInputs({}, profile, { perReplica: 80, detail: 'run' }).inputs!;
    expect(measured.capacityPerInstance).toEqual({ value: 80, source: 'measured', detail: 'run' });
    const flagged = resolvePlanInputs({ capacity: 100, peakUsers: 1000, growth: 0 }, profile, { perReplica: 80, detail: 'run' }).inputs!;
    expect(flagged.capacityPerInstance.source).toBe('flag');
    expect(flagged.peakUsers).toEqual({ value: 1000, source: 'flag' });
    expect(flagged.monthlyGrowth).toEqual({ value: 0, source: 'flag' });
  });

  it('lists what is missing', () => {
    expect(resolvePlanInputs({ peakUsers: 10 }, null, null).missing).toHaveLength(2);
  });

  it('parses command-line values', () => {
    expect(parsePlanArgs({ peakUsers: '10_000', requestsPerUser: '10', growth: '5%', buffer: '0.2', months: '12', price: '0.05', capacity: 200 })).toEqual({
      peakUsers: 10_000, requestsPerUserPerMinute: 10, growth: 0.05, buffer: 0.2, months: 12, price: 0.05, capacity: 200,
    });
    expect(() => parsePlanArgs({ months: '1.5' })).toThrow(UsageError);
    expect(() => parsePlanArgs({ capacity: '0' })).toThrow(/above 0/);
    expect(() => parsePlanArgs({ buffer: 'lots' })).toThrow(/not a number/);
  });
});

describe('rendering', () => {
  const p = plan({ peakUsers: 10_000, requestsPerUserPerMinute: 10, capacity: 200, buffer: 0.2, months: 1, price: 0.1, currency: 'USD' });
  it('prints the table with thousands separators, sources and the rounding rule', () => {
    const text = renderPlanText(p);
    expect(text).toMatch(/\b0\s+10,000\s+1,667\s+9\s+11\s+803\.00 USD/);
    expect(text).toContain('assumed (flag)');
    expect(text).toContain('with buffer = ceil(instances * (1 + buffer))');
    expect(renderPlanMarkdown(p)).toContain('| 0 | 10,000 | 1,667 | 9 | 11 | 803.00 USD |');
  });
});

describe('planCommand', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'scaleproof-plan-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function cx(): { cx: CommandContext; out: () => string } {
    let text = '';
    const stream = { write: (s: string) => ((text += s), true), isTTY: false } as unknown as NodeJS.WriteStream;
    return { cx: { providers: {}, clock: undefined as never, log: { info() {}, warn() {}, debug() {} }, env: {}, stdout: stream, stderr: stream }, out: () => text };
  }

  it('plans from explicit numbers', async () => {
    const c = cx();
    const code = await planCommand({ capacity: '200', peakUsers: '10000', requestsPerUser: '10', buffer: '20%', months: '0', format: 'json' }, c.cx);
    expect(code).toBe(0);
    const out = JSON.parse(c.out()) as Plan;
    expect(out.rows[0]).toMatchObject({ requiredRate: 1667, instances: 9, instancesWithBuffer: 11 });
  });

  it('measures capacity from a run folder and takes the scenario from its profile', async () => {
    // 2 replicas, 20..80 req/s: CPU = 10 + 1.5 x req/s per replica, so 40 req/s per replica at 70%.
    const level = (t: number) => (t < 20_000 ? 20 : t < 40_000 ? 40 : t < 60_000 ? 60 : 80);
    const b = new TimelineBuilder({
      provider: { name: 'fake', poll_interval: '1s' },
      load: { url: 'http://127.0.0.1:1', start: 20, stages: [20, 40, 60, 80].flatMap((rate) => [{ duration: '0s', rate }, { duration: '20s', rate }]) },
      targets: { cpu: { target: '70%' } },
      plan: { peak_users: 4800, requests_per_user_per_minute: 1, months: 0, buffer: '0%' },
      cost: { instance_hour: 1 },
    }).stagesFromProfile(0);
    for (let t = 0; t < 80_000; t += 1000) {
      b.load(t, { latenciesMs: Array.from({ length: level(t) }, () => 20) });
      b.sample(t, { desired: 2, ready: 2, cpuPct: 10 + 1.5 * (level(t - 1000) / 2) });
    }
    const file = path.join(dir, 'timeline.ndjson');
    writeFileSync(file, b.end(80_000).records().map((r) => JSON.stringify(r)).join('\n'));
    const c = cx();
    expect(await planCommand({ runDir: dir }, c.cx)).toBe(0);
    // 4,800 users x 1 / 60 = 80 req/s at 40 per instance = 2 instances; 2 x 1 x 730 = 1,460.
    expect(c.out()).toMatch(/capacity per instance: 40 req\/s - measured: .*cpu-target/);
    expect(c.out()).toMatch(/\b0\s+4,800\s+80\s+2\s+2\s+1,460\.00\b/);
    expect(c.out()).toContain('measured: capacity per instance');
  });

  it('refuses to plan without the numbers it needs', async () => {
    await expect(planCommand({ capacity: '200' }, cx().cx)).rejects.toThrow(/peak users/);
  });
});
