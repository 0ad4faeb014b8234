/**
 * The core claim of every end-to-end test: what scaleproof MEASURED by polling agrees with what
 * the platform RECORDED. A milestone is seen no earlier than it happened, at the first read that
 * could see it, and (where the analysis reports a margin) the true moment lies inside it.
 *
 * "The first read" is counted in reads, not milliseconds: on a machine busy enough to make the
 * poller late, a read comes later but is still the next one, and the claim does not change.
 */
import { expect } from 'vitest';

export interface Observed {
  atT: number | null;
  marginMs: number;
}

/** Timeline times (`t`) of the samples one source wrote: the provider's reads of it. */
export function readTimes(records: readonly { kind: string; source?: string; t: number }[], source: string): number[] {
  return records
    .filter((r) => r.kind === 'sample' && r.source === source)
    .map((r) => r.t)
    .sort((a, b) => a - b);
}

/**
 * `observed` saw the milestone that happened at `truthT`: not before it (5 ms: the two processes
 * stamp with the same clock, rounded), and at most one of `reads` answered between the truth and
 * the observation (a read in flight at the truth may have been served just before it, so it
 * can miss the change; the next one cannot). With `checkMargin`, the truth also lies inside the
 * reported window [atT - marginMs, atT].
 */
export function expectSeenAtTheNextRead(observed: Observed, truthT: number, reads: readonly number[], opts: { checkMargin?: boolean } = {}): void {
  expect(observed.atT, 'milestone was never observed').not.toBeNull();
  const atT = observed.atT!;
  expect(atT).toBeGreaterThanOrEqual(truthT - 5);
  expect(reads.length, 'no reads of the source in the timeline').toBeGreaterThan(0);
  const missed = reads.filter((t) => t > truthT + 5 && t < atT - 1);
  expect(missed.length, `reads between the truth (${truthT.toFixed(0)} ms) and the observation (${atT.toFixed(0)} ms): ${missed.map((t) => t.toFixed(0)).join(', ')}`).toBeLessThanOrEqual(1);
  if (opts.checkMargin) expect(atT - observed.marginMs).toBeLessThanOrEqual(truthT);
}

/** A measured milestone as report.json has it. */
export interface Measured extends Observed {
  valueMs: number | null;
}

/** What the end-to-end tests read of report.json. */
export interface E2EReport {
  verdict: string;
  scaleUps: { loadChangeT: number; baselineReplicas: number; peakDesired: number; firstDesiredIncrease: Measured; readyAtPeak: Measured; outcome: string }[];
  scaleDowns: { loadChangeT: number; baselineReplicas: number; firstDesiredDecrease: Measured; readyAtSettled: Measured; outcome: string }[];
}
