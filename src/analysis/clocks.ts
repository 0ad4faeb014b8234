/** The platform clocks of a run, as the reports name them (pure). */
import type { Timeline } from '../timeline/types.js';
import { ms } from './check-util.js';
import type { PlatformClockSummary } from './types.js';

/** The last estimate per platform source, with how many times it stepped. */
export function platformClocks(timeline: Timeline): PlatformClockSummary[] {
  const bySource = new Map<string, PlatformClockSummary>();
  for (const c of [...timeline.clocks].sort((a, b) => a.t - b.t)) {
    if (c.source === 'local-wall') continue;
    const steps = (bySource.get(c.source)?.steps ?? 0) + (c.step ? 1 : 0);
    bySource.set(c.source, { source: c.source, offsetMs: c.offsetMs, boundMs: c.boundMs, observations: c.observations, steps });
  }
  return [...bySource.values()];
}

/** One line per platform clock: every report names the offset its platform times were converted with. */
export function clockNotes(clocks: readonly PlatformClockSummary[]): string[] {
  return clocks.map((c) => {
    const way = c.offsetMs === 0 ? 'level with' : `${ms(Math.abs(c.offsetMs))} ${c.offsetMs > 0 ? 'ahead of' : 'behind'}`;
    const steps = c.steps > 0 ? `; it stepped ${c.steps}× during the run` : '';
    return `platform clock (${c.source}) ${way} this machine's, ±${ms(c.boundMs)} (from ${c.observations} answer${c.observations === 1 ? '' : 's'})${steps}: platform-stamped times were converted and their margins widened by that bound`;
  });
}
