/**
 * CloudWatch revising a point, through the real AWS SDK client, the real aws-ecs provider and the
 * real poller: the fake serves the period still filling with its data so far, then each closed
 * period's CPUUtilization as a provisional 97 % (as CloudWatch serves a period not yet fully
 * aggregated) and, 2.5 s after the period ended, as its true value (the service is idle: 0 %). The timeline keeps both reads; the analysis
 * must use one value per point, the corrected one, and say that CloudWatch revised points.
 */
import { describe, expect, it } from 'vitest';
import { ecsProvider, startEcsFake, useEcsTestEnv } from './ecs-helpers.js';
import { analyzeRun, onePerPoint, pollLikeARun, readsByPoint } from './revised-points-harness.js';

useEcsTestEnv();

const PROFILE = { name: 'cloudwatch-revised', provider: { name: 'aws-ecs', poll_interval: '250ms' }, targets: { cpu: { max: 0.8 } } };

describe('CloudWatch revised points', () => {
  it('a provisional 97 % CPU later corrected is one value per point: cpu.max judges the corrected value', async () => {
    const fake = await startEcsFake({ autoscaling: false, metricDelayMs: 300, unkind: { partialCurrentPeriod: true } });
    const provider = ecsProvider(fake.url, { metric_interval: '1s', tasks: false });
    await provider.describe(AbortSignal.timeout(10_000));
    // Periods that start before 3 s into the run are revised; the run reads until the last correction has been read.
    const revisedUntil = Date.now() + 3000;
    fake.unkind.revisedPoints = { provisional: (v, metric) => (metric === 'CPUUtilization' ? 97 : v), correctedAfterMs: 2500, which: (start) => start < revisedUntil };
    const run = await pollLikeARun(provider, 250, 8000);

    // The platform did revise: some CPU point was read as 97 % (after its partial read while the
    // period was filling) and last as its true value.
    const cpuReads = [...readsByPoint(run, 'cloudwatch:CPUUtilization').values()];
    const revised = cpuReads.filter((reads) => reads.some((r) => r.cpuPct === 97) && reads.at(-1)!.cpuPct! < 80);
    expect(revised.length).toBeGreaterThan(0);

    const { timeline, result } = analyzeRun(PROFILE, 'aws-ecs', run);
    expect(result.checks.find((c) => c.id === 'cpu.max')).toMatchObject({ status: 'pass' });
    expect(result.cpu.maxPct).toBeLessThan(80);
    expect(onePerPoint(timeline)).toBe(true);
    expect(timeline.samples.filter((s) => s.source === 'cloudwatch:CPUUtilization').every((s) => s.cpuPct! < 80)).toBe(true);
    const note = result.notes.find((n) => n.startsWith('cloudwatch:CPUUtilization revised '));
    expect(note).toMatch(/^cloudwatch:CPUUtilization revised \d+ points? after first read/);
    expect(Number(/revised (\d+) point/.exec(note!)![1])).toBeGreaterThanOrEqual(revised.length);
  }, 30_000);
});
