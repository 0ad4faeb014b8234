/**
 * Retry decisions for platform reads (pure: the caller supplies time and randomness).
 * Exponential backoff with full jitter (a random wait in [0, min(cap, base·2^attempt)]), so
 * many scaleproof runs against one API do not retry in lock-step; a throttling answer's
 * Retry-After is a floor. A retry is only made when it can finish before the read's deadline:
 * the poll schedule, and so the load, is never pushed back by a struggling API.
 */
import { ProviderError } from '../errors.js';

export interface BackoffPolicy {
  /** First retry waits up to this long. */
  baseMs: number;
  /** No single wait is longer than this. */
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 100, capMs: 5000 };

export type RetryDecision =
  /** Try again after `waitMs`. */
  | { retry: true; waitMs: number }
  /** Give up on this read; `notBeforeMs` (from now) is when the API said to come back, if it did. */
  | { retry: false; notBeforeMs: number };

/**
 * What to do after attempt number `attempt` (0 = the first try) failed with `err`, with
 * `remainingMs` left before the read's deadline. `random` returns [0, 1).
 */
export function retryDecision(err: unknown, attempt: number, remainingMs: number, random: () => number, policy: BackoffPolicy = DEFAULT_BACKOFF): RetryDecision {
  const retryAfterMs = err instanceof ProviderError && err.retryAfterMs !== undefined && err.retryAfterMs > 0 ? err.retryAfterMs : 0;
  if (!isRetryable(err)) return { retry: false, notBeforeMs: 0 };
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** attempt);
  const waitMs = Math.max(retryAfterMs, random() * ceiling);
  // Leave the retry itself some time: a wait that eats the whole budget is no retry.
  if (waitMs + Math.min(remainingMs / 2, 50) >= remainingMs) return { retry: false, notBeforeMs: retryAfterMs };
  return { retry: true, waitMs };
}

/**
 * Throttling, 5xx, timeouts, dropped connections and malformed answers may succeed on the next
 * try; missing credentials or permissions will not (but may be fixed while the run goes on).
 * An error that is not a ProviderError (a provider bug, a network error it did not wrap) is
 * treated as transient: the read is retried, never the run ended.
 */
export function isRetryable(err: unknown): boolean {
  return err instanceof ProviderError ? err.retryable : true;
}
