/**
 * Where the planned load went up or down. The stage records on the timeline say when each
 * stage really started; without them the plan is rebuilt from the profile. Consecutive stages
 * moving the same way form one episode:
 *
 *   level  500 |            ____________
 *          100 |      ____/            :
 *           10 |_____/    :            :\____ 0 (load end)
 *              0    10s  20s  hold    60s    -> t
 *                   [ increase ......... )[ decrease ... end of run )
 *
 * A hold keeps the open episode's window going, but a stage moving again after a hold starts a
 * new episode. Each episode's window ends at the next episode (either direction) or at the end
 * of the run. `load.start` is the level already running when the stages begin, not a change:
 * a step from zero is written as a `0s` stage.
 */
import type { Timeline } from '../timeline/types.js';

export interface LoadChange {
  direction: 'increase' | 'decrease';
  /** Start of the episode's first moving stage (ms since run start). */
  t: number;
  fromLevel: number;
  toLevel: number;
  /** Next load change or the end of the run. */
  windowEndT: number;
}

/** A stage as it ran: a linear move from `from` to `to` starting at `t`. */
export interface Segment {
  t: number;
  from: number;
  to: number;
  durationMs: number;
}

const LOAD_END_MARKER = 'load-end';

export function findLoadChanges(timeline: Timeline, endT: number): LoadChange[] {
  const segments = planSegments(timeline, endT);
  const changes: Array<Omit<LoadChange, 'windowEndT'>> = [];
  let afterHold = false;
  for (const seg of segments) {
    const direction = seg.to > seg.from ? 'increase' : seg.to < seg.from ? 'decrease' : null;
    const open = changes[changes.length - 1];
    if (direction === null) afterHold = true;
    else if (open && open.direction === direction && !afterHold) open.toLevel = seg.to;
    else {
      changes.push({ direction, t: seg.t, fromLevel: seg.from, toLevel: seg.to });
      afterHold = false;
    }
  }
  return changes.map((c, i) => ({ ...c, windowEndT: changes[i + 1]?.t ?? endT }));
}

/** Stages that started before `endT`, plus the drop to 0 when the load ended before `endT`. */
function planSegments(timeline: Timeline, endT: number): Segment[] {
  const segments = stageSegments(timeline);
  const started = segments.filter((s) => s.t < endT);
  const loadEndT = findLoadEnd(timeline, segments);
  const last = started[started.length - 1];
  if (last && loadEndT !== null && loadEndT < endT && last.to > 0) started.push({ t: loadEndT, from: last.to, to: 0, durationMs: 0 });
  return started;
}

/** The stages as they ran: from the stage records, or rebuilt from the profile when there are none. */
export function stageSegments(timeline: Timeline): Segment[] {
  const fromRecords = timeline.stages.some((s) => s.name !== LOAD_END_MARKER);
  return fromRecords ? segmentsFromRecords(timeline) : segmentsFromProfile(timeline);
}

function segmentsFromRecords(timeline: Timeline): Segment[] {
  return [...timeline.stages]
    .filter((s) => s.name !== LOAD_END_MARKER)
    .sort((a, b) => a.t - b.t)
    .map((s) => ({ t: s.t, from: s.from, to: s.to, durationMs: s.durationMs }));
}

function segmentsFromProfile(timeline: Timeline): Segment[] {
  const load = timeline.header.profile.load;
  if (!load) return [];
  let t = timeline.phases.find((p) => p.phase === 'load')?.t ?? 0;
  let level = load.start;
  return load.stages.map((stage) => {
    const to = (load.model === 'closed' ? stage.vus : stage.rate) ?? 0;
    const seg = { t, from: level, to, durationMs: stage.duration };
    t += stage.duration;
    level = to;
    return seg;
  });
}

/** When the load stopped: the load-end marker, else the observe phase, else the planned end. */
function findLoadEnd(timeline: Timeline, segments: Segment[]): number | null {
  // Load from another tool (external_load) runs past what we watch: it has no end here.
  if (timeline.stages.some((s) => s.name === 'external-load')) return null;
  const marker = timeline.stages.find((s) => s.name === LOAD_END_MARKER);
  if (marker) return marker.t;
  const observe = timeline.phases.find((p) => p.phase === 'observe');
  if (observe) return observe.t;
  const last = segments[segments.length - 1];
  const plannedStages = timeline.header.profile.load?.stages.length ?? 0;
  if (!last || segments.length < plannedStages) return null;
  return last.t + last.durationMs;
}
