/**
 * The kubernetes provider's failures, against the fake API server: each must say what to do
 * (which credentials were tried, which RBAC verb on which resource is missing, what is not
 * there), and optional permissions or a missing metrics API must degrade, not fail.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { ProviderError } from '../../../src/errors.js';
import type { KubeFake } from '../../fakes/kubernetes/index.js';
import { capturingLogger, closeAfterEachTest, type Collected, expectSeenByTheNextRead, k8sProvider, kubeFake, readUntil } from './kubernetes-helpers.js';
import type { KubernetesProvider } from '../../../providers/kubernetes/index.js';

let fake: KubeFake | null = null;
let provider: KubernetesProvider | null = null;
closeAfterEachTest();

async function failure(p: Promise<unknown>): Promise<ProviderError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProviderError);
  return err as ProviderError;
}

describe('kubernetes provider errors', () => {
  test('expired credentials name the user, auth method, context and kubeconfig', async () => {
    fake = await kubeFake({});
    fake.api.faults.expiredToken = true;
    provider = k8sProvider({ kubeconfig: fake.kubeconfig, deployment: 'web', namespace: 'demo' });
    const e = await failure(provider.describe(AbortSignal.timeout(5000)));
    expect(e.kind).toBe('credentials');
    expect(e.retryable).toBe(false);
    expect(e.message).toContain('401 Unauthorized');
    expect(e.message).toContain('user "fake-user" (bearer token) of context "fake"');
    expect(e.message).toContain(fake.kubeconfig);
    expect(e.hint).toMatch(/token expired or was revoked/);
    // A run that loses its credentials mid-way gets the same error from sample().
    const e2 = await failure(provider.sample(AbortSignal.timeout(5000)));
    expect(e2.kind).toBe('credentials');
  });

  test('a missing required permission fails describe with every missing verb and a Role to apply', async () => {
    fake = await kubeFake({});
    fake.api.faults.forbidden.add('get deployments.apps').add('watch horizontalpodautoscalers.autoscaling');
    provider = k8sProvider({ kubeconfig: fake.kubeconfig, deployment: 'web', namespace: 'demo' });
    const e = await failure(provider.describe(AbortSignal.timeout(5000)));
    expect(e.kind).toBe('access-denied');
    expect(e.message).toContain('missing get deployments.apps in namespace demo');
    expect(e.message).toContain('also missing (optional): watch horizontalpodautoscalers.autoscaling');
    expect(e.hint).toContain('kind: Role');
    expect(e.hint).toContain('resources: ["deployments"]');
  });

  test('without SelfSubjectAccessReview, a forbidden call still names the verb and resource', async () => {
    fake = await kubeFake({});
    fake.api.faults.noAccessReview = true;
    fake.api.faults.forbidden.add('get deployments.apps');
    provider = k8sProvider({ kubeconfig: fake.kubeconfig, deployment: 'web', namespace: 'demo' });
    const e = await failure(provider.describe(AbortSignal.timeout(5000)));
    expect(e.kind).toBe('access-denied');
    expect(e.message).toContain('cannot get deployments.apps "web" in namespace demo');
    expect(e.message).toContain('User "system:serviceaccount:ci:scaleproof" cannot get resource "deployments" in API group "apps"');
    expect(e.hint).toContain('grant verb "get" on deployments.apps in namespace demo');
  });

  test('missing optional permissions degrade: pods polled, decisions from HPA status, warnings say what is lost', async () => {
    fake = await kubeFake({ behavior: { scaleDown: { stabilizationWindowMs: 0 } } });
    fake.api.faults.forbidden.add('watch pods').add('list events');
    const log = capturingLogger();
    provider = k8sProvider({ kubeconfig: fake.kubeconfig, deployment: 'web', namespace: 'demo', pod_metrics: false }, {}, log);
    const d = await provider.describe(AbortSignal.timeout(5000));
    expect(d.warnings.join('\n')).toContain('RBAC: missing watch pods in namespace demo: pods are listed on every read');
    expect(d.warnings.join('\n')).toContain('RBAC: missing list events in namespace demo: scale decisions come from HPA status.lastScaleTime');
    const got: Collected = { samples: [], events: [] };
    await readUntil(provider, got, () => provider!.watchStats().some((w) => w.name === 'pods' && w.mode === 'poll'), { timeoutMs: 5000 });
    expect(provider.watchStats().map((w) => w.name)).not.toContain('events');
    expect(log.warnings.join('\n')).toMatch(/cannot list events .*scale decisions come from HPA status.lastScaleTime/);
    // The HPA scales down from 3 to 1 by itself (no load): the decision comes from lastScaleTime.
    fake.cluster.scale(3);
    const f = fake;
    const ok = await readUntil(provider, got, (c) => c.events.some((e) => e.type === 'scale-down' && e.source === 'k8s:hpa'), { timeoutMs: 8000 });
    expect(ok).toBe(true);
    const e = got.events.find((x) => x.type === 'scale-down')!;
    expect(e.to).toBe(1);
    expectSeenByTheNextRead(e, f.cluster.truth.decisions.at(-1)!.atWall, got.reads, 'scale-down from lastScaleTime');
  }, 20_000);

  test('not found: the deployment or HPA named in the settings', async () => {
    fake = await kubeFake({});
    provider = k8sProvider({ kubeconfig: fake.kubeconfig, deployment: 'nope', namespace: 'demo' });
    const e = await failure(provider.describe(AbortSignal.timeout(5000)));
    expect(e.kind).toBe('not-found');
    expect(e.message).toContain('deployments.apps "nope" not found in namespace demo');
    expect(e.hint).toContain('kubectl --context fake -n demo get deployments');
    await provider.close();
    provider = k8sProvider({ kubeconfig: fake.kubeconfig, hpa: 'other', namespace: 'demo' });
    const e2 = await failure(provider.describe(AbortSignal.timeout(5000)));
    expect(e2.message).toContain('horizontalpodautoscalers.autoscaling "other" not found');
  });

  test('metrics API unavailable: a warning, not a failure; the HPA reports it cannot scale', async () => {
    fake = await kubeFake({});
    fake.api.faults.metricsUnavailable = true;
    fake.cluster.metricsAvailable = false;
    const log = capturingLogger();
    provider = k8sProvider({ kubeconfig: fake.kubeconfig, deployment: 'web', namespace: 'demo', metrics_interval: '200ms' }, {}, log);
    const d = await provider.describe(AbortSignal.timeout(5000));
    expect(d.warnings.join('\n')).toMatch(/metrics\.k8s\.io cannot be read .*HTTP 503.*unable to handle the request/);
    const got: Collected = { samples: [], events: [] };
    const ok = await readUntil(provider, got, (c) => c.events.some((e) => e.type === 'warning' && e.message.includes('ScalingActive=False')), { timeoutMs: 6000 });
    expect(ok).toBe(true);
    expect(got.events.some((e) => e.type === 'warning' && e.message.includes('FailedGetResourceMetric'))).toBe(true);
    expect(got.samples.some((s) => s.ready === 1)).toBe(true);
    // Recovery is noted.
    fake.api.faults.metricsUnavailable = false;
    fake.cluster.metricsAvailable = true;
    expect(await readUntil(provider, got, (c) => c.samples.some((s) => s.source === 'k8s:metrics.k8s.io'), { timeoutMs: 5000 })).toBe(true);
    expect(got.events.some((e) => e.message === 'metrics.k8s.io is available again')).toBe(true);
  }, 20_000);

  test('kubeconfig: $KUBECONFIG merged like kubectl, namespace from the context, unknown context listed', async () => {
    fake = await kubeFake({ kubeconfigNamespace: 'demo' });
    const other = path.join(fake.dir, 'other.yaml');
    writeFileSync(other, 'apiVersion: v1\nkind: Config\ncurrent-context: elsewhere\ncontexts:\n- name: elsewhere\n  context: {cluster: x, user: y}\nclusters: []\nusers: []\n');
    provider = k8sProvider({ deployment: 'web' }, { KUBECONFIG: `${fake.kubeconfig}${path.delimiter}${other}`, HOME: fake.dir });
    expect(provider.target).toMatchObject({ namespace: 'demo', context: 'fake' });
    const d = await provider.describe(AbortSignal.timeout(5000));
    expect(d.scaling.details).toMatchObject({ credentials: expect.stringContaining('$KUBECONFIG') });
    await provider.close();
    provider = null;
    expect(() => k8sProvider({ deployment: 'web', context: 'prod' }, { KUBECONFIG: `${fake!.kubeconfig}${path.delimiter}${other}` })).toThrow(/context "prod" is not in .* \(contexts: fake, elsewhere\)/);
    expect(() => k8sProvider({ deployment: 'web' }, { HOME: path.join(fake!.dir, 'empty') })).toThrow(/no kubeconfig found/);
    const plain = path.join(fake.dir, 'plain.yaml');
    writeFileSync(plain, `apiVersion: v1\nkind: Config\ncurrent-context: c\ncontexts:\n- name: c\n  context: {cluster: k, user: u}\nclusters:\n- name: k\n  cluster: {server: '${fake.api.url}'}\nusers:\n- name: u\n  user: {token: t}\n`);
    expect(() => k8sProvider({ deployment: 'web', kubeconfig: plain })).toThrow(/plain HTTP .* insecure-skip-tls-verify/);
  });

  test('an unreachable API server is reported as unavailable (retryable)', async () => {
    fake = await kubeFake({});
    const url = fake.api.url;
    await fake.api.stop();
    provider = k8sProvider({ kubeconfig: fake.kubeconfig, deployment: 'web', namespace: 'demo' });
    const e = await failure(provider.describe(AbortSignal.timeout(5000)));
    expect(e.kind).toBe('unavailable');
    expect(e.retryable).toBe(true);
    expect(e.message).toContain(`cannot reach the API server ${url}`);
    fake.api.stop = async () => {};
  });
});
