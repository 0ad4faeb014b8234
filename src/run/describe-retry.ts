/**
 * The platform check before any load, retried when the platform throttled it. A control plane
 * under load throttles (429 with Retry-After, ThrottlingException, RESOURCE_EXHAUSTED) any
 * caller; ending the run there would report the platform's busy minute as a bad setting.
 * Everything else (credentials, permissions, names, an unreachable endpoint) fails at once, as
 * before.
 */
import type { Clock } from '../clock.js';
import { ProviderError } from '../errors.js';
import { isRetryable, retryDecision, type BackoffPolicy } from './retry.js';

/** How long the check may keep retrying, and the backoff (slower than a poll's: nothing waits on it yet). */
export const DESCRIBE_RETRY = { budgetMs: 30_000, backoff: { baseMs: 500, capMs: 5000 } satisfies BackoffPolicy };

export async function withStartupRetry<T>(call: () => Promise<T>, clock: Clock, signal: AbortSignal, log: { warn(message: string): void }, random: () => number = Math.random): Promise<T> {
  const deadline = clock.now() + DESCRIBE_RETRY.budgetMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      // Only a throttle from the platform itself: anything else ends the check as it did.
      if (!(err instanceof ProviderError) || err.kind !== 'throttled' || !isRetryable(err) || signal.aborted) throw err;
      const decision = retryDecision(err, attempt, deadline - clock.now(), random, DESCRIBE_RETRY.backoff);
      if (!decision.retry) throw err;
      if (attempt === 0) log.warn(`${err.message} (trying again for up to ${DESCRIBE_RETRY.budgetMs / 1000}s)`);
      await clock.sleep(decision.waitMs, signal);
    }
  }
}
