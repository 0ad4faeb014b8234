/**
 * The kubernetes provider against the fake API server's unkind modes: lists cut into pages
 * (limit / continue) and APF's 429 Too Many Requests with Retry-After.
 */
import { describe, expect, test } from 'vitest';
import { ProviderError } from '../../../src/errors.js';
import { closeAfterEachTest, k8sProvider, kubeFake } from './kubernetes-helpers.js';

closeAfterEachTest();

describe('kubernetes provider, unkind API server', () => {
  test('follows continue: every pod of a list the server cut into pages of one', async () => {
    const fake = await kubeFake({ initialReplicas: 3, minReplicas: 3, api: { unkind: { pageSize: 1 } } });
    const provider = k8sProvider({ kubeconfig: fake.kubeconfig, namespace: 'demo', deployment: 'web', watch: false });
    await provider.describe(AbortSignal.timeout(5000));
    const samples = await provider.sample(AbortSignal.timeout(5000));
    const ready = samples.filter((s) => s.ready !== undefined).map((s) => s.ready);
    expect(ready.length).toBeGreaterThan(0);
    expect(ready.at(-1)).toBe(fake.cluster.readyCount());
    expect(fake.cluster.readyCount()).toBe(3);
    // The pod list really came in pages: a request carried a continue token.
    expect(fake.api.requests.some((r) => r.path.endsWith('/pods') && r.query.continue)).toBe(true);
  });

  test('429 with Retry-After: a throttled read, waiting as long as the server asked', async () => {
    const fake = await kubeFake({ api: { unkind: { throttle: { burst: 200, refillPerSec: 0, retryAfterSeconds: 3 } } } });
    const provider = k8sProvider({ kubeconfig: fake.kubeconfig, namespace: 'demo', deployment: 'web', watch: false });
    await provider.describe(AbortSignal.timeout(5000));
    // Spend what is left of the bucket, then read.
    while (fake.api.throttled === 0) await provider.sample(AbortSignal.timeout(5000)).catch(() => undefined);
    const err = await provider.sample(AbortSignal.timeout(5000)).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).kind).toBe('throttled');
    expect((err as ProviderError).retryAfterMs).toBe(3000);
  });
});
