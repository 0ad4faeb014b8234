/**
 * Truth suite, Kubernetes: the real CLI against the fake API server in each unkind mode (and all
 * together), every case a short scale-up and scale-down of the fake HPA (model time x20). What
 * the CLI measured must agree with the fake's record (HPA decisions, ready count changes),
 * counted in reads, and nothing may be invented. Lingering: pods deleted by a scale-down stay
 * listed with their deletionTimestamp for the 30 s (model) grace period Kubernetes defaults to.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeFake, type KubeFake } from '../../fakes/kubernetes/index.js';
import type { FakeKubeUnkind } from '../../fakes/kubernetes/api-server.js';
import { runProfile, type ProfileRun } from '../../support/cli.js';
import type { E2EReport } from '../../support/agreement.js';
import { expectNoInventedFlap, expectNothingInvented, expectSeenInReads, readTimes, runCases } from './truth.js';

interface Mode {
  api?: FakeKubeUnkind;
  /** false: the provider lists on every read (its fallback when watches fail), so every read meets the mode. */
  watch?: boolean;
  /** Model seconds a deleted pod stays listed (Terminating). */
  graceSeconds?: number;
}

const CASES: Record<string, Mode> = {
  pagination: { api: { pageSize: 1 }, watch: false },
  'throttling with Retry-After': { api: { throttle: { burst: 14, refillPerSec: 3, retryAfterSeconds: 1 } }, watch: false },
  'throttling without Retry-After': { api: { throttle: { burst: 14, refillPerSec: 3, retryAfterSeconds: 0 } }, watch: false },
  lingering: { graceSeconds: 30 },
  all: { api: { pageSize: 1, throttle: { burst: 14, refillPerSec: 3, retryAfterSeconds: 1 } }, graceSeconds: 30, watch: false },
};

type Report = Omit<E2EReport, 'scaleDowns'> & { scaleDowns: (E2EReport['scaleDowns'][number] & { settledDesired: number })[] };
interface Case {
  fake: KubeFake;
  run: ProfileRun<Report>;
}
let cases = new Map<string, Case>();

/**
 * The truth inside the reported window is checked for reads by list (the window is the read).
 * A watch notification is stamped on arrival: how late it arrives depends on the machine, so it
 * is checked in reads (seen by the next one), as kubernetes-e2e does, not against a slack in ms.
 */
const marginChecked = (records: readonly { kind: string; source?: string }[]) => ({ checkMargin: source(records) === 'k8s:list' });
/** The source of desired / ready: the watch, or the list on every read. */
const source = (records: readonly { kind: string; source?: string }[]) => (records.some((r) => r.kind === 'sample' && r.source === 'k8s:watch') ? 'k8s:watch' : 'k8s:list');

async function runCase(name: string, mode: Mode): Promise<Case> {
  const fake = await startKubeFake({ behavior: { scaleDown: { stabilizationWindowMs: 40_000 } }, capacityPerReplica: 20, ...(mode.graceSeconds ? { terminationGraceSeconds: mode.graceSeconds } : {}), ...(mode.api ? { api: { unkind: mode.api } } : {}) });
  const run = await runProfile<Report>(
    `k8s-truth-${name.replace(/\W+/g, '-')}`,
    `name: k8s-truth
provider:
  name: kubernetes
  poll_interval: 500ms
  settings:
    kubeconfig: ${fake.kubeconfig}
    namespace: demo
    deployment: web
    metrics_interval: 1s
    watch: ${mode.watch ?? true}
load:
  url: ${fake.app.url}
  start: 5
  stages:
    - { name: baseline, duration: 1s, rate: 5 }
    - { name: jump, duration: 0s, rate: 60 }
    - { name: peak, duration: 5s, rate: 60 }
    - { name: drop, duration: 0s, rate: 5 }
    - { name: tail, duration: 2s, rate: 5 }
observe_after: 4s
targets:
  error_rate: 50%
`,
    { timeoutMs: 90_000 },
  );
  return { fake, run };
}

beforeAll(async () => {
  cases = await runCases(Object.keys(CASES), (name) => runCase(name, CASES[name]!));
}, 200_000);

afterAll(async () => {
  for (const c of cases.values()) {
    await c.fake.stop();
    c.run.remove();
  }
});

describe.each(Object.keys(CASES))('Kubernetes truth, unkind mode: %s', (name) => {
  it('the run completes and the mode really happened', () => {
    const { fake, run } = cases.get(name)!;
    expect(run.res.code, run.res.stderr).not.toBeNull();
    expect(run.report.scaleUps.length).toBeGreaterThan(0);
    const mode = CASES[name]!;
    if (mode.api?.pageSize) expect(fake.api.requests.some((r) => r.query.continue)).toBe(true);
    if (mode.api?.throttle) expect(fake.api.throttled).toBeGreaterThan(0);
    if (mode.graceSeconds) expect(fake.cluster.truth.decisions.some((d) => d.to < d.from)).toBe(true);
  });

  it('the first scale-up decision: not before the HPA made it, at the next read, the truth inside the window', () => {
    const { fake, run } = cases.get(name)!;
    const up = run.report.scaleUps[0]!;
    // Throttled reads leave holes: the analysis may then decline to judge, never make a value up.
    const decision = fake.cluster.truth.decisions.find((d) => d.atWall - run.startedAtWall >= up.loadChangeT && d.to > d.from);
    // The HPA never scaled (a starved load generator): nothing may be reported either.
    if (!decision) return expect(up.firstDesiredIncrease.atT).toBeNull();
    if (up.firstDesiredIncrease.atT === null) return expect(up.outcome === 'scaled' || !run.records.some((r) => r.kind === 'gap')).toBe(false);
    expectSeenInReads(up.firstDesiredIncrease, decision.atWall - run.startedAtWall, readTimes(run.records, source(run.records)), marginChecked(run.records));
  });

  it('ready at peak: not before the pods were ready, the truth inside the window', () => {
    const { fake, run } = cases.get(name)!;
    const up = run.report.scaleUps[0]!;
    if (up.readyAtPeak.atT === null) return expect(up.outcome).not.toBe('scaled');
    const truth = fake.cluster.readyReachedAt(up.peakDesired, run.startedAtWall + up.loadChangeT)!;
    expect(truth).toBeDefined();
    expectSeenInReads(up.readyAtPeak, truth - run.startedAtWall, readTimes(run.records, source(run.records)), marginChecked(run.records));
  });

  it('the scale-down: ready settles no earlier than the pods stopped being ready (a terminating pod is not ready)', () => {
    const { fake, run } = cases.get(name)!;
    for (const down of run.report.scaleDowns.filter((d) => d.outcome === 'scaled' && d.readyAtSettled.atT !== null)) {
      // Already there at the load change (the scale-up never reached its peak): the truth is the change itself.
      const changeWall = run.startedAtWall + down.loadChangeT;
      const atChange = fake.cluster.truth.ready.filter((r) => r.atWall <= changeWall).at(-1)?.ready;
      const truth = atChange !== undefined && atChange <= down.settledDesired ? changeWall : fake.cluster.readyReachedAt(down.settledDesired, changeWall, 'lte')!;
      expect(truth).toBeDefined();
      expectSeenInReads(down.readyAtSettled, truth - run.startedAtWall, readTimes(run.records, source(run.records)), marginChecked(run.records));
    }
  });

  it('nothing invented: no value inside a gap, nothing twice, only counts the platform had, no extra flap', () => {
    const { fake, run } = cases.get(name)!;
    const d = fake.cluster.truth.decisions;
    const desired = [d[0]?.from ?? fake.cluster.deployment().spec.replicas, ...d.map((x) => x.to)];
    const ready = [1, ...fake.cluster.truth.ready.map((r) => r.ready)];
    const src = source(run.records);
    expectNothingInvented(run.records, [
      { source: src, field: 'desired', values: new Set(desired) },
      { source: src, field: 'ready', values: { min: Math.min(...ready), max: Math.max(...ready) } },
    ]);
    expectNoInventedFlap(run.records, src, 'desired', desired);
    expectNoInventedFlap(run.records, src, 'ready', ready);
  });
});
