/**
 * The generic mode's ScaleFollower: each Scale read becomes a `k8s:scale` sample stamped at the
 * answer with the round trip as resolution; a failing read is said once (warning), and so is its
 * recovery (info); a change of the Scale's selector is followed and reported once. The API is a stand-in object: only the state logic is under test here (the
 * real client against the fake API server is in kubernetes-scale-subresource.test.ts).
 */
import type * as k8s from '@kubernetes/client-node';
import { describe, expect, test } from 'vitest';
import { ScaleFollower } from '../../../providers/kubernetes/scale-follower.js';
import type { ScaleApi } from '../../../providers/kubernetes/scale-client.js';
import type { Scale, ScaleTarget } from '../../../providers/kubernetes/scale.js';
import type { Clock } from '../../../src/clock.js';

const ROLLOUT: ScaleTarget = { kind: 'Rollout', apiVersion: 'argoproj.io/v1alpha1', group: 'argoproj.io', version: 'v1alpha1', plural: 'rollouts', namespaced: true };
const scale = (replicas: number, selector = 'app=web'): Scale => ({ spec: { replicas }, status: { replicas, selector } });

/** A ScaleApi whose Scale reads answer from `answers` in turn (an Error is thrown), each taking `roundTripMs` on `clock`. */
function api(answers: (Scale | Error)[], clock: { t: number }, roundTripMs = 7): ScaleApi {
  const custom = {
    getNamespacedCustomObjectScale: async () => {
      clock.t += roundTripMs;
      const next = answers.shift();
      if (!next) throw new Error('no more answers');
      if (next instanceof Error) throw next;
      return next;
    },
    getNamespacedCustomObject: async () => ({ spec: { template: { spec: { containers: [{ name: 'app', resources: { requests: { cpu: '250m' } } }] } } } }),
  } as unknown as k8s.CustomObjectsApi;
  return { core: {} as k8s.CoreV1Api, custom, namespace: 'demo', call: (_c, fn) => fn() };
}

function clockAt(state: { t: number }): Clock {
  return { now: () => state.t, wallNow: () => 1_000_000 + state.t, sleep: async () => {} };
}

describe('ScaleFollower', () => {
  test('load reads the selector and, when asked, the pod template; asWorkload has the shape the mapping reads', async () => {
    const t = { t: 0 };
    const f = new ScaleFollower(api([scale(3, 'app=web,track=stable')], t), ROLLOUT, 'web');
    await f.load(true);
    expect(f.selector).toBe('app=web,track=stable');
    expect(f.asWorkload()).toEqual({ spec: { replicas: 3, template: { spec: { containers: [{ name: 'app', resources: { requests: { cpu: '250m' } } }] } } } });
  });

  test('a Scale without a selector is a configuration error that says how to look', async () => {
    const f = new ScaleFollower(api([{ spec: { replicas: 2 }, status: { replicas: 2 } }], { t: 0 }), ROLLOUT, 'web');
    await expect(f.load(false)).rejects.toThrow(/reports no status\.selector/);
  });

  test('samples desired at the answer, with the round trip as resolution', async () => {
    const t = { t: 100 };
    const f = new ScaleFollower(api([scale(4)], t, 12), ROLLOUT, 'web');
    const r = await f.sample(clockAt(t), new AbortController().signal);
    expect(r).toEqual({ sample: { atWall: 1_000_112, resolutionMs: 12, source: 'k8s:scale', desired: 4 } });
    expect(f.asWorkload().spec?.replicas).toBe(4);
  });

  test('a failing read is one warning however long it lasts, then one info when it recovers', async () => {
    const t = { t: 0 };
    const denied = new Error('RBAC denies get rollouts/scale');
    const f = new ScaleFollower(api([scale(2), denied, denied, denied, scale(5)], t), ROLLOUT, 'web');
    const c = clockAt(t);
    const s = new AbortController().signal;
    const reads = [];
    for (let i = 0; i < 5; i++) reads.push(await f.sample(c, s));
    expect(reads.map((r) => r.event?.type ?? null)).toEqual([null, 'warning', null, null, 'info']);
    expect(reads[1]!.event!.message).toBe("rollouts/scale cannot be read (RBAC denies get rollouts/scale); desired comes from the HPA's status only while this lasts");
    expect(reads[4]!.event!.message).toBe('rollouts/scale can be read again');
    expect(reads.map((r) => r.sample?.desired ?? null)).toEqual([2, null, null, null, 5]);
    // The latest Scale that was read stands in for the workload.
    expect(f.scale?.spec?.replicas).toBe(5);
  });

  test('a selector change is reported once, from the held selector to the new one, which the follower then holds', async () => {
    const t = { t: 0 };
    const NEW = 'app.kubernetes.io/name=web';
    const f = new ScaleFollower(api([scale(2), scale(2), scale(2, NEW), scale(3, NEW)], t), ROLLOUT, 'web');
    await f.load(false);
    const c = clockAt(t);
    const s = new AbortController().signal;
    const reads = [];
    for (let i = 0; i < 3; i++) reads.push(await f.sample(c, s));
    expect(reads.map((r) => r.selectorChanged ?? null)).toEqual([null, { from: 'app=web', to: NEW }, null]);
    expect(f.selector).toBe(NEW);
    // The change is news about the pods, not about the read: no event, and desired is sampled as always.
    expect(reads.map((r) => r.event ?? null)).toEqual([null, null, null]);
    expect(reads.map((r) => r.sample?.desired)).toEqual([2, 2, 3]);
  });

  test('a Scale without a selector mid-run does not throw: the held selector stays and nothing is reported', async () => {
    const t = { t: 0 };
    const noSelector: Scale = { spec: { replicas: 2 }, status: { replicas: 2 } };
    const blank: Scale = { spec: { replicas: 2 }, status: { replicas: 2, selector: '  ' } };
    const f = new ScaleFollower(api([scale(2), noSelector, blank, scale(2)], t), ROLLOUT, 'web');
    await f.load(false);
    const c = clockAt(t);
    const s = new AbortController().signal;
    const reads = [];
    for (let i = 0; i < 3; i++) reads.push(await f.sample(c, s));
    expect(reads).toEqual([
      { sample: { atWall: 1_000_014, resolutionMs: 7, source: 'k8s:scale', desired: 2 } },
      { sample: { atWall: 1_000_021, resolutionMs: 7, source: 'k8s:scale', desired: 2 } },
      { sample: { atWall: 1_000_028, resolutionMs: 7, source: 'k8s:scale', desired: 2 } },
    ]);
    expect(f.selector).toBe('app=web');
  });

  test('a follower that holds no selector yet (not loaded) takes the first one without calling it a change', async () => {
    const t = { t: 0 };
    const f = new ScaleFollower(api([scale(2, 'app=web')], t), ROLLOUT, 'web');
    const r = await f.sample(clockAt(t), new AbortController().signal);
    expect(r.selectorChanged).toBeUndefined();
    expect(f.selector).toBe('app=web');
  });

  test('an aborted read is thrown, not turned into a warning', async () => {
    const t = { t: 0 };
    const f = new ScaleFollower(api([new Error('socket closed')], t), ROLLOUT, 'web');
    const ac = new AbortController();
    ac.abort(new Error('run stopped'));
    await expect(f.sample(clockAt(t), ac.signal)).rejects.toThrow('socket closed');
  });
});
