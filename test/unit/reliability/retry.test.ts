import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../../src/errors.js';
import { retryDecision } from '../../../src/run/retry.js';

const unavailable = new ProviderError('p', 'unavailable', '503');
describe('retryDecision (pure)', () => {
  it('backs off exponentially with full jitter, capped', () => {
    const waits = [0, 1, 2, 3, 10].map((a) => retryDecision(unavailable, a, 1e9, () => 1));
    expect(waits.map((d) => (d.retry ? d.waitMs : -1))).toEqual([100, 200, 400, 800, 5000]);
    expect(retryDecision(unavailable, 3, 1e9, () => 0)).toEqual({ retry: true, waitMs: 0 });
    expect(retryDecision(unavailable, 3, 1e9, () => 0.25)).toEqual({ retry: true, waitMs: 200 });
  });

  it('never waits past the read deadline', () => {
    expect(retryDecision(unavailable, 4, 1000, () => 1)).toEqual({ retry: false, notBeforeMs: 0 });
    expect(retryDecision(unavailable, 0, 120, () => 1)).toEqual({ retry: false, notBeforeMs: 0 });
  });

  it('honours Retry-After as a floor, and carries it over when it does not fit', () => {
    const throttled = new ProviderError('p', 'throttled', 'slow down', { retryAfterMs: 300 });
    expect(retryDecision(throttled, 0, 1000, () => 0)).toEqual({ retry: true, waitMs: 300 });
    const long = new ProviderError('p', 'throttled', 'slow down', { retryAfterMs: 30_000 });
    expect(retryDecision(long, 0, 1000, () => 0)).toEqual({ retry: false, notBeforeMs: 30_000 });
  });

  it('does not retry credentials, access or configuration errors; retries unknown errors', () => {
    for (const kind of ['credentials', 'access-denied', 'not-found', 'config'] as const) expect(retryDecision(new ProviderError('p', kind, 'x'), 0, 1e6, () => 0).retry).toBe(false);
    expect(retryDecision(new Error('socket hang up'), 0, 1e6, () => 0).retry).toBe(true);
    expect(retryDecision(new ProviderError('p', 'bad-response', 'x'), 0, 1e6, () => 0).retry).toBe(true);
  });
});
