/**
 * What every truth case asserts, whatever the provider and the unkind mode: the structural
 * agreement of test/support/agreement.ts (a milestone never before the platform's own record,
 * counted in reads, never milliseconds), and that nothing was invented (no value inside a gap, no
 * sample twice, no value the platform never had, no event twice).
 *
 * Eventual consistency (a read answers the state of `lagMs` ago) is the one mode where the next
 * read can legitimately miss a change: every read answered inside the lag may still show the old
 * state. Those reads are allowed, and only those; the claim "not before the truth" stays whole.
 */
import { expect } from 'vitest';
import type { Observed } from '../../support/agreement.js';
import type { TimelineLine } from '../../support/cli.js';

export { readTimes } from '../../support/agreement.js';

/**
 * `observed` is the milestone that happened at `truthT`: not before it (5 ms: both processes
 * stamp with the same clock, rounded), and at most one read of `reads` answered after the truth
 * outside the lag window (a read in flight at the truth may have been served just before it).
 * With `checkMargin`, the truth also lies inside [atT - marginMs, atT].
 */
export function expectSeenInReads(observed: Observed, truthT: number, reads: readonly number[], opts: { lagMs?: number; checkMargin?: boolean } = {}): void {
  expect(observed.atT, 'milestone was never observed').not.toBeNull();
  const atT = observed.atT!;
  expect(atT, 'observed before the platform recorded it').toBeGreaterThanOrEqual(truthT - 5);
  expect(reads.length, 'no reads of the source in the timeline').toBeGreaterThan(0);
  const lag = opts.lagMs ?? 0;
  const missed = reads.filter((t) => t > truthT + lag + 5 && t < atT - 1);
  expect(missed.length, `reads after the truth (${truthT.toFixed(0)} ms, lag ${lag} ms) before the observation (${atT.toFixed(0)} ms): ${missed.map((t) => t.toFixed(0)).join(', ')}`).toBeLessThanOrEqual(1);
  if (opts.checkMargin) expect(atT - observed.marginMs, 'the truth lies before the reported window').toBeLessThanOrEqual(truthT + 5);
}

/**
 * Nothing invented: no sample inside a gap, none twice, no event id twice, values only from
 * `allowed` (a value set; or a range where the platform's record is coarser than what the
 * client may legitimately see, e.g. pods turning ready one by one inside one tick of the truth).
 */
export function expectNothingInvented(records: readonly TimelineLine[], allowed: { source: string; field: 'desired' | 'ready'; values: ReadonlySet<number> | { min: number; max: number } }[] = []): void {
  const samples = records.filter((r) => r.kind === 'sample');
  const gaps = records.filter((r) => r.kind === 'gap') as (TimelineLine & { untilT: number })[];
  for (const g of gaps) {
    const inside = samples.filter((s) => (s.fetchedT as number) > g.t + 1 && (s.fetchedT as number) < g.untilT - 1);
    expect(inside.map((s) => `${s.source}@${s.t}`), `samples fetched inside the gap ${g.t}..${g.untilT}`).toEqual([]);
  }
  const keys = samples.map((s) => `${s.source}|${s.t}|${JSON.stringify([s.desired, s.ready, s.running, s.pending, s.cpuPct, s.memPct])}`);
  expect(keys.length - new Set(keys).size, 'the same sample written twice').toBe(0);
  const ids = records.filter((r) => r.kind === 'event' && typeof r.id === 'string').map((r) => r.id as string);
  expect(ids.filter((id, i) => ids.indexOf(id) !== i), 'the same event written twice').toEqual([]);
  for (const a of allowed) {
    const seen = new Set(samples.filter((s) => s.source === a.source && typeof s[a.field] === 'number').map((s) => s[a.field] as number));
    const ok = (v: number) => ('has' in a.values ? (a.values as ReadonlySet<number>).has(v) : v >= (a.values as { min: number }).min && v <= (a.values as { max: number }).max);
    expect([...seen].filter((v) => !ok(v)), `${a.source} ${a.field} values the platform never had`).toEqual([]);
  }
}

/**
 * No flap invented: between two reads of `field` the value changes only where the platform's own
 * record changed. Here: the sequence of distinct values seen never returns to a value it left
 * unless the platform itself went back (`truth`, the platform's values in time order).
 */
export function expectNoInventedFlap(records: readonly TimelineLine[], source: string, field: 'desired' | 'ready', truth: readonly number[]): void {
  const samples = records.filter((r) => r.kind === 'sample' && r.source === source && typeof r[field] === 'number').sort((a, b) => a.t - b.t);
  const seen = samples.map((r) => r[field] as number);
  const runs = (xs: readonly number[]) => xs.filter((v, i) => i === 0 || v !== xs[i - 1]);
  const turns = (xs: readonly number[]) => runs(xs).filter((v, i, a) => i > 0 && i < a.length - 1 && Math.sign(v - a[i - 1]!) !== Math.sign(a[i + 1]! - v)).length;
  expect(turns(seen), `${source} ${field} turned more often than the platform: seen ${runs(seen).join(' ')}, platform ${runs(truth).join(' ')}; reads (t/fetchedT/resolution: value) ${samples.map((r) => `${Math.round(r.t)}/${Math.round(r.fetchedT as number)}/${Math.round(r.resolutionMs as number)}${r.platformStamped ? 'p' : ''}: ${r[field]}`).join(', ')}`).toBeLessThanOrEqual(turns(truth));
}

/**
 * Runs the cases `parallel` at a time (each is a child CLI and a fake: all at once would starve a
 * 2-core CI machine, and a starved poller measures the machine, not the platform).
 */
export async function runCases<C>(names: readonly string[], run: (name: string) => Promise<C>, parallel = Number(process.env.TRUTH_PARALLEL ?? 3)): Promise<Map<string, C>> {
  const out = new Map<string, C>();
  const queue = [...names];
  const worker = async () => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) out.set(name, await run(name));
  };
  await Promise.all(Array.from({ length: Math.max(1, parallel) }, worker));
  return out;
}
