/**
 * Azure Monitor revising and delaying points, through the real @azure/monitor-query-metrics and
 * @azure/arm-appcontainers clients, the real azure-container-apps provider and the real poller.
 * The fake serves the last closed minute's UsageNanoCores first as a provisional 97 % of the
 * replica's cores (its true value is 5 %) and corrects it 2 s into the run; an older minute
 * arrives late, after the newer ones; the minute still filling is served as it fills. The
 * analysis must use one value per point, the corrected one, and say that Azure Monitor revised it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TokenCredential } from '@azure/core-auth';
import { FakeAca } from '../../fakes/aca/fake-aca.js';
import { AcaProvider } from '../../../providers/aca/index.js';
import { acaSettingsSchema } from '../../../providers/aca/settings.js';
import { systemClock } from '../../../src/clock.js';
import { silentLogger } from '../../../src/log.js';
import { analyzeRun, onePerPoint, pollLikeARun, readsOfPoint } from './revised-points-harness.js';

const SOURCE = 'azure-monitor:containerApps';
const PROFILE = { name: 'azure-monitor-revised', provider: { name: 'azure-container-apps', poll_interval: '250ms' }, targets: { cpu: { max: 0.8 } } };
const token: TokenCredential = { getToken: async () => ({ token: 'fake-token', expiresOnTimestamp: Date.now() + 3_600_000 }) };

let fake: FakeAca | null = null;
let provider: AcaProvider | null = null;
afterEach(async () => {
  await provider?.close();
  await fake?.close();
  provider = null;
  fake = null;
});

describe('Azure Monitor revised and late points', () => {
  it('a minute first served as 97 % CPU and corrected to 5 % is one value per point: cpu.max judges the corrected value', async () => {
    fake = new FakeAca({ historyMinutes: 5, cpuCores: 0.5, unkind: { partialCurrentPeriod: true } });
    await fake.start();
    const settings = acaSettingsSchema.parse({
      subscription: fake.o.subscription,
      resource_group: fake.o.resourceGroup,
      app: fake.o.app,
      endpoints: { arm: fake.url, metrics: fake.url },
      metric_interval: '500ms',
      metric_lookback: '10m',
      max_retries: 0,
    });
    provider = new AcaProvider(settings, { clock: systemClock, log: silentLogger, env: {} }, { credential: token, tlsCa: fake.cert.cert });
    await provider.describe(AbortSignal.timeout(10_000));
    const t0 = Date.now();
    const minute = Math.floor(t0 / 60_000) * 60_000;
    const lastClosed = minute - 60_000;
    const older = minute - 180_000;
    // The last closed minute (it ended at `minute`) is corrected 2 s into the run; an older one is
    // shown only 3 s into the run, after every newer minute.
    fake.unkind.revisedPoints = { provisional: (v, metric) => (metric === 'UsageNanoCores' ? 0.97 * 0.5 * 1e9 : v), correctedAfterMs: t0 - minute + 2000, which: (start) => start === lastClosed };
    fake.unkind.latePoints = { afterMs: t0 - (older + 60_000) + 3000, which: (start) => start === older };
    const run = await pollLikeARun(provider, 250, 5000);

    const revisedT = lastClosed + 60_000 - run.startedAtWall;
    const lateT = older + 60_000 - run.startedAtWall;
    // The platform did revise the minute (97 %, then 5 %) and the older minute came late, once.
    expect(readsOfPoint(run, SOURCE, revisedT)?.map((r) => Math.round(r.cpuPct!))).toEqual([97, 5]);
    expect(readsOfPoint(run, SOURCE, lateT)).toHaveLength(1);
    expect(readsOfPoint(run, SOURCE, lateT)![0]!.fetchedT).toBeGreaterThan(readsOfPoint(run, SOURCE, revisedT)![0]!.fetchedT);

    const { timeline, result } = analyzeRun(PROFILE, 'azure-container-apps', run);
    expect(result.checks.find((c) => c.id === 'cpu.max')).toMatchObject({ status: 'pass' });
    expect(result.cpu.maxPct).toBeLessThan(80);
    expect(onePerPoint(timeline)).toBe(true);
    const placedAt = (pointT: number) => readsOfPoint(run, SOURCE, pointT)![0]!.t;
    expect(timeline.samples.filter((s) => s.source === SOURCE && s.t === placedAt(revisedT)).map((s) => Math.round(s.cpuPct!))).toEqual([5]);
    expect(timeline.samples.filter((s) => s.source === SOURCE && s.t === placedAt(lateT))).toHaveLength(1);
    expect(result.notes.find((n) => n.startsWith(`${SOURCE} revised `))).toMatch(new RegExp(`^${SOURCE} revised \\d+ points? after first read`));
  }, 30_000);
});
