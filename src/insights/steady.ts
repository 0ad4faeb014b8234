/**
 * The steady part of a level: the hold minus the scale-up that brought replicas to it.
 *
 *   load   ____/‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾|
 *   ready  ___________/‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾|
 *              |      |<----- steady -------->|
 *           hold    readyAtPeak of the scale-up whose window covers the hold start
 *
 * When that scale-up never completed (or a gap hides it) the whole hold counts, with a note.
 */
import type { AnalysisResult } from '../analysis/types.js';
import type { Level } from './levels.js';

export interface Steady {
  fromT: number;
  toT: number;
  note: string | null;
}

export function steadyPart(level: Level, analysis: AnalysisResult, minMs = 1000): Steady {
  const up = analysis.scaleUps.find((u) => u.loadChangeT <= level.startT && u.windowEndT > level.startT);
  const whole = (note: string | null): Steady => ({ fromT: level.startT, toT: level.endT, note });
  if (!up) return whole(null);
  if (up.outcome === 'no-scale') return whole(null);
  const readyT = up.readyAtPeak.atT;
  if (up.outcome !== 'scaled' || readyT === null) return whole(`replicas did not settle during the hold at ${level.level} (${up.outcome}): the whole hold is evaluated`);
  const fromT = Math.max(level.startT, readyT);
  if (level.endT - fromT < minMs) return whole(`the scale-up to the hold at ${level.level} took the whole hold: the whole hold is evaluated`);
  return { fromT, toT: level.endT, note: null };
}
