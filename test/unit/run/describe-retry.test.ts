import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../../src/errors.js';
import { DESCRIBE_RETRY, withStartupRetry } from '../../../src/run/describe-retry.js';
import { FakeClock } from './fake-clock.js';

const throttled = (retryAfterMs?: number) => new ProviderError('kubernetes', 'throttled', 'the API server throttled get deployments.apps "web"', retryAfterMs ? { retryAfterMs } : {});

/** Lets the retry loop reach its next sleep. */
const turns = async (n = 5) => {
  for (let i = 0; i < n; i++) await Promise.resolve();
};

describe('the platform check before the load: retried when throttled', () => {
  it('waits as long as Retry-After says, then succeeds', async () => {
    const clock = new FakeClock();
    const warnings: string[] = [];
    let calls = 0;
    const p = withStartupRetry(
      async () => {
        calls++;
        if (calls < 3) throw throttled(2000);
        return 'described';
      },
      clock,
      new AbortController().signal,
      { warn: (m) => warnings.push(m) },
      () => 0,
    );
    await turns();
    expect(calls).toBe(1);
    await clock.advance(1999);
    await turns();
    expect(calls).toBe(1); // not before Retry-After
    await clock.advance(1);
    await turns();
    expect(calls).toBe(2);
    await clock.advance(2000);
    await expect(p).resolves.toBe('described');
    expect(calls).toBe(3);
    expect(warnings).toHaveLength(1); // said once
  });

  it('fails at once on anything but a throttle, and once the budget is spent', async () => {
    const clock = new FakeClock();
    const denied = new ProviderError('kubernetes', 'access-denied', 'forbidden');
    let calls = 0;
    await expect(withStartupRetry(async () => (calls++, Promise.reject(denied)), clock, new AbortController().signal, { warn: () => {} })).rejects.toBe(denied);
    expect(calls).toBe(1);
    const p = withStartupRetry(async () => Promise.reject(throttled(DESCRIBE_RETRY.budgetMs + 1)), clock, new AbortController().signal, { warn: () => {} });
    await expect(p).rejects.toMatchObject({ kind: 'throttled' });
  });
});
