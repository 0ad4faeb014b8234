/**
 * Two load changes in the same direction in quick succession (a drop to a low hold, then the
 * load ending a few seconds later) are one transition for the platform when it had not
 * finished reacting to the first before the second came: measuring them apart would judge
 * the platform on a window shorter than the time it is allowed. So an episode that did not
 * complete, and whose window was shorter than the allowed time, absorbs the next episode in
 * the same direction; the latency is then measured from the first change.
 */
import type { LoadChange } from './load-changes.js';

export function mergeUnfinishedChanges(
  changes: readonly LoadChange[],
  finished: (change: LoadChange) => boolean,
  allowedMs: (direction: LoadChange['direction']) => number | undefined,
): LoadChange[] {
  const out: LoadChange[] = [];
  for (const change of changes) {
    const prev = out[out.length - 1];
    const allowed = prev ? allowedMs(prev.direction) : undefined;
    if (prev && prev.direction === change.direction && allowed !== undefined && prev.windowEndT - prev.t < allowed && !finished(prev)) {
      out[out.length - 1] = { ...prev, toLevel: change.toLevel, windowEndT: change.windowEndT };
    } else {
      out.push(change);
    }
  }
  return out;
}
