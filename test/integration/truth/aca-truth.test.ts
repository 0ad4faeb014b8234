/**
 * Truth suite, Azure Container Apps: the real CLI against the fake ARM / Azure Monitor in each
 * unkind mode (and all together), every case a short scale-up and scale-down. What the CLI
 * measured must agree with the fake's scale rules record (decisions, ready replica changes),
 * counted in reads, and nothing may be invented. Pagination is always on: the revisions list
 * comes in two pages behind an absolute nextLink.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAca, type FakeAcaUnkind } from '../../fakes/aca/fake-aca.js';
import { runProfile, type ProfileRun } from '../../support/cli.js';
import type { E2EReport } from '../../support/agreement.js';
import { expectNoInventedFlap, expectNothingInvented, expectSeenInReads, readTimes, runCases } from './truth.js';

const POLL_MS = 400;

const CASES: Record<string, FakeAcaUnkind> = {
  pagination: {},
  'throttling with Retry-After': { throttle: { burst: 6, refillPerSec: 4, retryAfterSeconds: 1 } },
  'throttling without Retry-After': { throttle: { burst: 6, refillPerSec: 4, retryAfterSeconds: 0 } },
  lingering: { lingerMs: 2500 },
  all: { throttle: { burst: 6, refillPerSec: 4, retryAfterSeconds: 1 }, lingerMs: 2500 },
};

interface Case {
  fake: FakeAca;
  run: ProfileRun<E2EReport>;
}
let cases = new Map<string, Case>();

/** Reads that carry `desired`: the replica read, or the revisions alone when the replicas could not be read. */
const desiredReads = (records: Case['run']['records']) => [...readTimes(records, 'aca:replicas'), ...readTimes(records, 'aca:revisions')].sort((a, b) => a - b);

async function runCase(name: string, unkind: FakeAcaUnkind): Promise<Case> {
  const fake = new FakeAca({ minReplicas: 1, maxReplicas: 5, rules: [{ kind: 'http', concurrentRequests: 3 }], httpIntervalMs: 500, scaleDownStabilizationMs: 2000, cooldownPeriodMs: 2000, replicaStartMs: 600, appOptions: { concurrency: 3, serviceMs: 60 }, unkind });
  await fake.start();
  const run = await runProfile<E2EReport>(
    `aca-truth-${name.replace(/\W+/g, '-')}`,
    `name: aca-truth
provider:
  name: azure-container-apps
  poll_interval: ${POLL_MS}ms
  settings:
    subscription: ${fake.o.subscription}
    resource_group: ${fake.o.resourceGroup}
    app: ${fake.o.app}
    credential: access-token
    endpoints: { arm: ${fake.url}, metrics: ${fake.url} }
    metric_interval: 2s
    metric_delay: 1s
    max_retries: 0
load:
  url: ${fake.app.url}
  connections: 4
  start: 10
  stages:
    - { name: baseline, duration: 1s, rate: 10 }
    - { name: jump, duration: 0s, rate: 80 }
    - { name: peak, duration: 5s, rate: 80 }
    - { name: drop, duration: 0s, rate: 0 }
    - { name: idle, duration: 5s, rate: 0 }
observe_after: 1s
`,
    { timeoutMs: 90_000, env: { AZURE_ACCESS_TOKEN: 'fake-token', NODE_EXTRA_CA_CERTS: fake.cert.certFile } },
  );
  return { fake, run };
}

beforeAll(async () => {
  cases = await runCases(Object.keys(CASES), (name) => runCase(name, CASES[name]!));
}, 200_000);

afterAll(async () => {
  for (const c of cases.values()) {
    await c.fake.close();
    c.run.remove();
  }
});

describe.each(Object.keys(CASES))('ACA truth, unkind mode: %s', (name) => {
  it('the run completes and the mode really happened', () => {
    const { fake, run } = cases.get(name)!;
    expect(run.res.code, run.res.stderr).not.toBeNull();
    expect(run.report.scaleUps.length).toBeGreaterThan(0);
    expect(fake.requests.some((r) => r.path.endsWith('/revisions'))).toBe(true);
    if (CASES[name]!.throttle) expect(fake.throttled).toBeGreaterThan(0);
    if (CASES[name]!.lingerMs) expect(fake.decisions.some((d) => d.to < d.from)).toBe(true);
  });

  it('the first scale-up decision: not before the scaler made it, at the next read', () => {
    const { fake, run } = cases.get(name)!;
    const up = run.report.scaleUps[0]!;
    const decision = fake.decisions.find((d) => d.to > d.from && d.atWall - run.startedAtWall >= up.loadChangeT);
    // The platform never scaled (a starved load generator): nothing may be reported either.
    if (!decision) return expect(up.firstDesiredIncrease.atT).toBeNull();
    // Throttled reads leave holes: the analysis may then decline to judge, never make a value up.
    if (up.firstDesiredIncrease.atT === null) return expect(up.outcome === 'scaled' || !run.records.some((r) => r.kind === 'gap')).toBe(false);
    expectSeenInReads(up.firstDesiredIncrease, decision.atWall - run.startedAtWall, desiredReads(run.records), { checkMargin: true });
  });

  it('ready at peak: not before the replicas were ready, at the next read', () => {
    const { fake, run } = cases.get(name)!;
    const up = run.report.scaleUps[0]!;
    if (up.readyAtPeak.atT === null) return expect(up.outcome).not.toBe('scaled');
    const reached = fake.readiness.find((r) => r.atWall - run.startedAtWall >= up.loadChangeT && r.ready >= up.peakDesired)!;
    expect(reached).toBeDefined();
    expectSeenInReads(up.readyAtPeak, reached.atWall - run.startedAtWall, readTimes(run.records, 'aca:replicas'));
  });

  it('the scale-down: desired falls no earlier than the scaler decided, at the next read (a lingering replica changes nothing)', () => {
    const { fake, run } = cases.get(name)!;
    const down = run.report.scaleDowns.find((d) => d.outcome === 'scaled');
    if (!down) return;
    const decision = fake.decisions.find((d) => d.to < d.from && d.atWall - run.startedAtWall >= down.loadChangeT)!;
    expect(decision).toBeDefined();
    expectSeenInReads(down.firstDesiredDecrease, decision.atWall - run.startedAtWall, desiredReads(run.records));
  });

  it('nothing invented: no value inside a gap, nothing twice, only counts the platform had, no extra flap', () => {
    const { fake, run } = cases.get(name)!;
    const desired = [fake.decisions[0]?.from ?? fake.desired, ...fake.decisions.map((d) => d.to)];
    const ready = [1, ...fake.readiness.map((r) => r.ready)];
    expectNothingInvented(run.records, [
      { source: 'aca:replicas', field: 'desired', values: new Set(desired) },
      { source: 'aca:revisions', field: 'desired', values: new Set(desired) },
      { source: 'aca:replicas', field: 'ready', values: { min: Math.min(...ready), max: Math.max(...ready) } },
    ]);
    expectNoInventedFlap(run.records, 'aca:replicas', 'desired', desired);
    expectNoInventedFlap(run.records, 'aca:revisions', 'desired', desired);
    expectNoInventedFlap(run.records, 'aca:replicas', 'ready', ready);
  });
});
