/**
 * The unserved rate: the users the service did not serve, over the users who came. The error
 * rate counts only requests that were sent; an arrival the generator dropped (the in-flight cap
 * was reached while the service queued) is a user turned away too, and is counted here.
 *
 *   open model    (dropped + errors) / planned arrivals
 *   closed model  (dropped + errors) / (sent + dropped)
 *
 * errors are every failed response or transport failure (the classes error_rate counts; check
 * failures are apart, as there). In the closed model a virtual user waits for its answer before
 * its next request, so nothing is dropped by design and `planned` counts users, not requests:
 * the rate is then errors over requests sent. A slow service makes a closed loop send less,
 * which no rate over sent requests shows; the open model shows it as drops.
 *
 * Sums over whole windows: planned and dropped count at the intended send time, errors at the
 * completion, so only a whole run (or request) is meaningful. A request still in flight when
 * the load ended (cut after the drain) counts in neither part.
 */
import type { LoadRecord } from '../timeline/types.js';
import type { UnservedRate } from './types.js';

export type LoadModel = 'open' | 'closed';

/** The unserved rate over `records`, or null when there are none. */
export function unservedRate(records: readonly LoadRecord[], model: LoadModel): UnservedRate | null {
  if (records.length === 0) return null;
  let planned = 0, sent = 0, dropped = 0, errors = 0;
  for (const r of records) {
    planned += r.planned;
    sent += r.sent;
    dropped += r.dropped;
    errors += Object.values(r.errors).reduce((a, b) => a + (b ?? 0), 0);
  }
  const basis = model === 'open' ? 'planned-arrivals' : 'sent-requests';
  const total = model === 'open' ? planned : sent + dropped;
  return { basis, total, dropped, errors, rate: total > 0 ? (dropped + errors) / total : null };
}

/** `1,476 dropped + 12 errors of 24,000 planned arrivals` (closed model: `of 5,000 sent requests`). */
export function unservedDetail(u: UnservedRate): string {
  const of = u.basis === 'planned-arrivals' ? 'planned arrivals' : 'sent requests';
  return `${count(u.dropped)} dropped + ${count(u.errors)} errors of ${count(u.total)} ${of}`;
}

/** ` (sent requests; 1,476 dropped arrivals not included)` after an error rate when arrivals were dropped, else empty. */
export function droppedNote(dropped: number): string {
  return dropped > 0 ? ` (sent requests; ${count(dropped)} dropped arrival${dropped === 1 ? '' : 's'} not included)` : '';
}

/** `24,000`. */
export const count = (n: number): string => n.toLocaleString('en-US');
