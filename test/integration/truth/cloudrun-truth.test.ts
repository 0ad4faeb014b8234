/**
 * Truth suite, Cloud Run: the real CLI against the fake Admin API / Cloud Monitoring / Cloud
 * Logging (gRPC, model time x20: a "minute" is 3 s) in each unkind mode and all together.
 * Monitoring is per minute and late, so agreement here is the window, not the next read: a
 * milestone is never before the fake's record, and the record lies inside [atT - margin, atT].
 * Pagination is always on (one series per ListTimeSeries page, three entries per log page).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCloudRunFake, type CloudRunFake } from '../../fakes/cloudrun/index.js';
import type { FakeGoogleApis } from '../../fakes/cloudrun/grpc-server.js';
import { runProfile, type ProfileRun } from '../../support/cli.js';
import type { E2EReport } from '../../support/agreement.js';
import { expectNothingInvented, runCases } from './truth.js';

type Unkind = Partial<FakeGoogleApis['unkind']>;
const CASES: Record<string, Unkind> = {
  pagination: {},
  'log read quota': { logReadsPerMinute: 1 },
  throttling: { throttle: { burst: 8, refillPerSec: 4 } },
  all: { logReadsPerMinute: 1, throttle: { burst: 8, refillPerSec: 4 } },
};

interface Case {
  fake: CloudRunFake;
  run: ProfileRun<E2EReport>;
}
let cases = new Map<string, Case>();

async function runCase(name: string, unkind: Unkind): Promise<Case> {
  const fake = await startCloudRunFake({ capacityPerInstance: 20 });
  Object.assign(fake.apis.unkind, unkind);
  const s = fake.settings;
  const run = await runProfile<E2EReport>(
    `cloudrun-truth-${name.replace(/\W+/g, '-')}`,
    `name: cloudrun-truth
provider:
  name: cloud-run
  poll_interval: 1s
  settings:
    project: ${s.project}
    region: ${s.region}
    service: ${s.service}
    endpoint: "${s.endpoint}"
    insecure: true
    alignment_period: ${s.alignment_period}
    metric_delay: ${s.metric_delay}
    lookback: ${s.lookback}
    log_interval: ${s.log_interval}
load:
  start: 5
  stages:
    - { name: baseline, duration: 2s, rate: 5 }
    - { name: jump, duration: 0s, rate: 60 }
    - { name: peak, duration: 9s, rate: 60 }
    - { name: drop, duration: 0s, rate: 5 }
    - { name: tail, duration: 1s, rate: 5 }
observe_after: 1s
`,
    { timeoutMs: 90_000, env: { METADATA_SERVER_DETECTION: 'none' } },
  );
  return { fake, run };
}

beforeAll(async () => {
  // All four at once: these runs mostly wait for late Monitoring points, not on the CPU.
  cases = await runCases(Object.keys(CASES), (name) => runCase(name, CASES[name]!), Number(process.env.TRUTH_PARALLEL ?? 4));
}, 200_000);

afterAll(async () => {
  for (const c of cases.values()) {
    await c.fake.stop();
    c.run.remove();
  }
});

describe.each(Object.keys(CASES))('Cloud Run truth, unkind mode: %s', (name) => {
  it('the run completes and the mode really happened', () => {
    const { fake, run } = cases.get(name)!;
    expect(run.res.code, run.res.stderr).not.toBeNull();
    expect(run.report.scaleUps.length).toBeGreaterThan(0);
    expect(fake.apis.calls.some((c) => c.method === 'listTimeSeries' && c.request.pageToken)).toBe(true);
    if (CASES[name]!.logReadsPerMinute) {
      expect(fake.apis.exhausted.listLogEntries).toBeGreaterThan(0);
      // Said once, however many polls met the quota.
      expect(run.res.stderr.match(/Cloud Logging read quota reached/g) ?? []).toHaveLength(1);
    }
    if (CASES[name]!.throttle) expect(fake.apis.exhausted.other).toBeGreaterThan(0);
  });

  it('the first scale-up decision: never before the platform made it, the record inside the window', () => {
    const { fake, run } = cases.get(name)!;
    const up = run.report.scaleUps[0]!;
    const m = up.firstDesiredIncrease;
    if (m.atT === null) return expect(up.outcome).not.toBe('scaled');
    const decision = fake.platform.truth.decisions.find((d) => d.atWall >= run.startedAtWall + up.loadChangeT - 1000 && d.to > d.from)!;
    expect(decision).toBeDefined();
    const truthT = decision.atWall - run.startedAtWall;
    expect(m.atT, 'observed before the platform decided').toBeGreaterThanOrEqual(truthT - 5);
    expect(m.atT - m.marginMs, 'the record lies before the reported window').toBeLessThanOrEqual(truthT + 5);
  });

  it('ready at peak: never before the instances were ready, the record inside the window', () => {
    const { fake, run } = cases.get(name)!;
    const up = run.report.scaleUps[0]!;
    const m = up.readyAtPeak;
    if (m.atT === null) return expect(up.outcome).not.toBe('scaled');
    const reached = fake.platform.truth.instances.find((r) => r.atWall >= run.startedAtWall + up.loadChangeT && r.ready >= up.peakDesired)!;
    expect(reached).toBeDefined();
    const truthT = reached.atWall - run.startedAtWall;
    expect(m.atT, 'observed before the instances were ready').toBeGreaterThanOrEqual(truthT - 5);
    expect(m.atT - m.marginMs, 'the record lies before the reported window').toBeLessThanOrEqual(truthT + 5);
  });

  it('nothing invented: no value inside a gap, nothing twice, no instance count the platform never had', () => {
    const { fake, run } = cases.get(name)!;
    const counts = fake.platform.truth.instances.map((r) => r.ready);
    expectNothingInvented(run.records, [{ source: 'cloud-monitoring:instance_count', field: 'ready', values: { min: 0, max: Math.max(1, ...counts, ...fake.platform.truth.decisions.map((d) => d.to)) } }]);
  });
});
