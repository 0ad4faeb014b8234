/**
 * The load levels of a run: the holds (stages whose level does not move), as they ran.
 *
 *   level  400 |                 ______
 *          200 |        ______  /      \
 *          100 |  _____/      \/        \___ 0
 *              |  [L0 ] [L1  ]  [L2  ]
 *                 holds of 100, 200 and 400 req/s; ramps between them belong to no level
 *
 * Stage records say when each stage really started; without them the plan is rebuilt from the
 * profile, the way the analysis does. Consecutive holds at the same level merge into one.
 * A level ends at the end of its hold, the load end or the end of the run, whichever is first.
 */
import { stageSegments, type Segment } from '../analysis/load-changes.js';
import type { Timeline } from '../timeline/types.js';

export type { Segment };

export interface Level {
  index: number;
  /** Planned level (req/s open model, virtual users closed). */
  level: number;
  /** Hold start and end (ms since run start). */
  startT: number;
  endT: number;
  /** Where the load began moving towards this level (the ramp or jump before it), else startT. */
  approachT: number;
}

const LOAD_END = 'load-end';

export function segments(timeline: Timeline): Segment[] {
  return stageSegments(timeline);
}

/** When the load stopped: the load-end marker, else the observe phase, else the planned end. */
export function loadEndT(timeline: Timeline, endT: number): number {
  const marker = timeline.stages.find((s) => s.name === LOAD_END);
  if (marker) return Math.min(marker.t, endT);
  const observe = timeline.phases.find((p) => p.phase === 'observe');
  if (observe) return Math.min(observe.t, endT);
  const segs = segments(timeline);
  const last = segs[segs.length - 1];
  return last ? Math.min(last.t + last.durationMs, endT) : endT;
}

export function findLevels(timeline: Timeline, endT: number): Level[] {
  const stop = loadEndT(timeline, endT);
  const levels: Level[] = [];
  let approachT: number | null = null;
  for (const seg of segments(timeline)) {
    if (seg.t >= stop) break;
    const segEnd = Math.min(seg.t + seg.durationMs, stop);
    if (seg.from !== seg.to) {
      approachT ??= seg.t;
      continue;
    }
    if (seg.durationMs <= 0 || seg.to <= 0) continue;
    const last = levels[levels.length - 1];
    if (last && last.level === seg.to && last.endT === seg.t) last.endT = segEnd;
    else levels.push({ index: levels.length, level: seg.to, startT: seg.t, endT: segEnd, approachT: approachT ?? seg.t });
    approachT = null;
  }
  return levels.filter((l) => l.endT > l.startT).map((l, index) => ({ ...l, index }));
}

/** Load changes (non-hold segments, and the load end) in time order: where the plan moved. */
export function moves(timeline: Timeline, endT: number): Array<{ t: number; from: number; to: number }> {
  const stop = loadEndT(timeline, endT);
  const list = segments(timeline)
    .filter((s) => s.t < stop && s.from !== s.to)
    .map((s) => ({ t: s.t, from: s.from, to: s.to }));
  const lastSeg = segments(timeline).filter((s) => s.t < stop).pop();
  if (lastSeg && lastSeg.to > 0 && stop < endT) list.push({ t: stop, from: lastSeg.to, to: 0 });
  return list;
}
