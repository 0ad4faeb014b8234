/**
 * Faults of a distributed run on the fake API server: an agent killed mid-run (SIGKILL, like an
 * OOM kill) is reported and its share is missing from then on; pods that never become ready
 * (ImagePullBackOff, Unschedulable) fail the run with each pod named and why. The Job and the
 * ConfigMap are deleted either way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeJobs } from '../../fakes/kubernetes/jobs.js';
import type { TargetServer } from '../../support/target-server.js';
import { run, startTarget } from './harness.js';

let target: TargetServer;
beforeAll(async () => {
  target = await startTarget();
});
afterAll(async () => {
  await target?.close();
});

describe('distributed load: faults', () => {
  it('reports an agent killed mid-run: its share is missing from then on, the others finish, the Job is deleted', async () => {
    let killed = false;
    let jobsRef: FakeJobs | null = null;
    const r = await run({
      agents: 3,
      stages: [
        { duration: '0s', rate: 150 },
        { duration: '6s', rate: 150 },
      ],
      faults: {
        onPodLine: (pod, line) => {
          if (!killed && /-1-/.test(pod) && line.includes('"type":"part"') && line.includes('"part":{"index":2,')) {
            killed = true;
            jobsRef?.kill(1, 'SIGKILL');
          }
        },
      },
      during: (jobs) => (jobsRef = jobs),
    });
    expect(killed).toBe(true);
    expect(r.error).toBeNull();
    const lost = r.notes.filter((n) => n.level === 'warning' && /agent 1 of 3 was lost/.test(n.message));
    expect(lost).toHaveLength(1);
    expect(lost[0].message).toMatch(/exit code 137/);
    expect(lost[0].message).toMatch(/1\/3 share of the load is missing/);
    const all = r.windows.filter((w) => w.request === '*' && w.windowMs === 1000);
    // Before the kill every window has the full 150; well after it, two shares of three.
    expect(all[1].planned).toBe(150);
    expect(all[5].planned).toBe(100);
    expect(r.result!.stoppedEarly).toBe(true);
    expect(r.result!.planned).toBeLessThan(r.plan.totalArrivals);
    expect(r.result!.planned).toBeGreaterThan(r.plan.totalArrivals * 0.7);
    expect(r.deleted.jobs).toHaveLength(1);
    expect(r.deleted.left).toBe(0);
  }, 75_000); // ~15 s on an idle 2-core box; the margin is for a loaded CI runner

  it('fails with the pods that never became ready and why, and still deletes the Job', async () => {
    const r = await run({ agents: 3, stages: [{ duration: '2s', rate: 30 }], faults: { faults: { 1: { kind: 'ImagePullBackOff' }, 2: { kind: 'Unschedulable' } } }, readyTimeout: '5s' });
    expect(r.result).toBeNull();
    const msg = (r.error as Error).message;
    expect(msg).toMatch(/[23] of 3 agents not ready after 5 s/); // agent 0 is fine, but may still be starting on a busy machine
    expect(msg).toMatch(/agent 1: pod scaleproof-[a-z0-9]+-1-[a-z0-9]+: ImagePullBackOff: Back-off pulling image "ghcr.io\/scaleproof\/scaleproof:/);
    expect(msg).toMatch(/agent 2: pod \S+: Pending, not scheduled: Unschedulable: 0\/3 nodes are available: 3 Insufficient cpu/);
    expect(r.deleted.jobs).toHaveLength(1);
    expect(r.deleted.left).toBe(0);
  }, 30_000);
});
