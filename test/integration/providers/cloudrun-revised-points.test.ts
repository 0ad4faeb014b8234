/**
 * Cloud Monitoring revising a minute, through the real @google-cloud/monitoring client (gRPC),
 * the real cloud-run provider and the real poller. Ten instances run all along (nothing scales
 * down: the idle ones are kept). After the planned load drops, one minute of instance_count is
 * first served as a partial count, 2 instead of 10 (as a minute read before all of its points
 * are visible), and corrected a few seconds later. Read twice, that minute decided a scale-down
 * that never happened (scale_down_time passed) and a flap (10, 2, 10); read once, at its last
 * value, nothing scaled down and nothing flapped. Model time runs 60 times faster: a "minute"
 * is one real second.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CloudRunProvider } from '../../../providers/cloudrun/index.js';
import { cloudRunSettingsSchema } from '../../../providers/cloudrun/settings.js';
import { systemClock } from '../../../src/clock.js';
import { silentLogger } from '../../../src/log.js';
import { startCloudRunFake, type CloudRunFake } from '../../fakes/cloudrun/index.js';
import { analyzeRun, onePerPoint, pollLikeARun, readsByPoint } from './revised-points-harness.js';

const SOURCE = 'cloud-monitoring:instance_count';

/** 50 req/s planned for 2 s, then 5 req/s to the end: one load decrease, at t = 2 s (planned only: the service is idle). */
const PROFILE = {
  name: 'cloud-monitoring-revised',
  provider: { name: 'cloud-run', poll_interval: '250ms' },
  load: { url: 'http://127.0.0.1:1', start: 50, stages: [{ duration: '2s', rate: 50 }, { duration: '0s', rate: 5 }, { duration: '60s', rate: 5 }] },
  targets: { autoscaling: { scale_down_time: '5s', max_flaps: 0 } },
};

let fake: CloudRunFake | null = null;
let provider: CloudRunProvider | null = null;
afterEach(async () => {
  await provider?.close();
  await fake?.stop();
  provider = null;
  fake = null;
});

describe('Cloud Monitoring revised points', () => {
  it('a minute first read as 2 instances and corrected to 10 decides no scale-down and no flap', async () => {
    fake = await startCloudRunFake({ timeScale: 60, initialInstances: 10, scaling: { minInstances: 1, maxInstances: 10, idleRetentionMs: 1e9 } });
    provider = new CloudRunProvider(cloudRunSettingsSchema.parse({ ...fake.settings, logs: false }), { clock: systemClock, log: silentLogger, env: {} });
    await provider.describe(AbortSignal.timeout(10_000));
    // The minute that starts 3 s into the run (after the load decrease) is served as a fifth of
    // its count until 3 s after it ended.
    const runStart = Date.now();
    fake.platform.unkind = {
      revisedPoints: { provisional: (v, metric) => (metric.startsWith('instance_count') ? Math.round(v / 5) : v), correctedAfterMs: 3000, which: (start) => start >= runStart + 3000 && start < runStart + 4000 },
    };
    const run = await pollLikeARun(provider, 250, 10_000);

    // The platform did revise that minute: first 2 instances, last 10. (Another minute may be
    // revised on its own: the active and idle series come on separate pages, and a minute that
    // turns visible between them is first read short of one of them.)
    const revised = [...readsByPoint(run, SOURCE).values()].filter((reads) => reads.length > 1).map((reads) => reads.map((r) => r.desired));
    expect(revised).toContainEqual([2, 10]);
    expect(revised.every((list) => list.at(-1) === 10)).toBe(true);
    expect(fake.platform.truth.decisions).toEqual([]);

    const { timeline, result } = analyzeRun(PROFILE, 'cloud-run', run);
    expect(result.checks.find((c) => c.id === 'autoscaling.scale_down_time')).toMatchObject({ status: 'fail', detail: 'replicas never fell after the load change at 2s (desired stayed at 10)' });
    expect(result.checks.find((c) => c.id === 'autoscaling.max_flaps')).toMatchObject({ status: 'pass', measured: '0 flaps' });
    expect(result.scaleDowns).toHaveLength(1);
    expect(result.scaleDowns[0]).toMatchObject({ outcome: 'no-scale', settledDesired: 10 });
    expect(result.replicas).toMatchObject({ minDesired: 10, maxDesired: 10 });
    expect(onePerPoint(timeline)).toBe(true);
    expect(result.notes).toContain(`${SOURCE} revised ${revised.length} point${revised.length === 1 ? '' : 's'} after first read: each counts once, at its last-read value (the timeline keeps every read)`);
  }, 30_000);
});
