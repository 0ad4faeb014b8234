/**
 * The core claim of every end-to-end test: what scaleproof MEASURED by polling agrees with what
 * the platform RECORDED. A milestone is seen no earlier than it happened and no later than the
 * next poll (plus scheduling slack), and the true moment lies inside the reported margin.
 */
import { expect } from 'vitest';

export interface Observed {
  atT: number | null;
  marginMs: number;
}

export function expectSeenWithinOnePoll(observed: Observed, truthT: number, pollMs: number, slackMs: number, opts: { checkMargin?: boolean } = {}): void {
  expect(observed.atT, 'milestone was never observed').not.toBeNull();
  const atT = observed.atT!;
  expect(atT).toBeGreaterThanOrEqual(truthT - 5);
  expect(atT - truthT).toBeLessThanOrEqual(pollMs + slackMs);
  if (opts.checkMargin) expect(atT - observed.marginMs).toBeLessThanOrEqual(truthT);
}
