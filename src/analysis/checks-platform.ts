/**
 * Checks on what the platform did: CPU and memory ceilings, replica bounds, flaps, and the
 * scale-up / scale-down times of every transition.
 *
 * scale_up_time, per load increase (all must pass):
 *   scaled      readyAtPeak.valueMs <= target (the observed value; the margin is shown)
 *   no-scale    pass when utilization never passed its target (no scale-up was needed);
 *               unknown when the window after the change was shorter than the target;
 *               else fail: replicas never rose
 *   incomplete  fail when the window after the change was longer than the target, else unknown
 *   unknown     unknown (a gap or missing samples hide the milestone)
 * scale_down_time is the mirror, except that a decrease while desired was already at or below
 * min_instances (or the platform's configured minimum) passes: there was nothing to scale down.
 * It checks one of the two scale-down moments (scale_down_until): traffic-stopped (default,
 * ready reaches the settled count) or gone (running reaches it). "Gone" on a provider with no
 * running series is unknown, never read from ready.
 */
import type { Targets } from '../profile/schema.js';
import { combine, ms, pct, unknownCheck, type Verdict } from './check-util.js';
import { checkedMoment } from './scale-down.js';
import { NOT_SEEN } from './series.js';
import type { AnalysisResult, CheckResult, MeasuredLatency, ScaleDownMoment, ScaleDownTransition, ScaleUpTransition } from './types.js';

type Autoscaling = NonNullable<Targets['autoscaling']>;

/** `platformMin`: the platform's own configured minimum replicas, when the provider reported it. */
export function platformChecks(targets: Targets, result: AnalysisResult, platformMin?: number): CheckResult[] {
  const a = targets.autoscaling ?? {};
  return [
    ...ceiling('cpu.max', 'CPU', targets.cpu?.max, result.cpu.maxPct),
    ...ceiling('memory.max', 'memory', targets.memory?.max, result.memory.maxPct),
    ...scaleUpCheck(a.scale_up_time, result.scaleUps),
    ...scaleDownCheck(a, result.scaleDowns, platformMin),
    ...boundCheck('min', a.min_instances, result),
    ...boundCheck('max', a.max_instances, result),
    ...flapCheck(a.max_flaps, result),
  ];
}

function ceiling(id: string, what: string, max: number | undefined, measuredPct: number | null): CheckResult[] {
  if (max === undefined) return [];
  const target = `${what} <= ${pct(max * 100)}`;
  if (measuredPct === null) return [unknownCheck(id, target, `the platform gave no ${what} samples`)];
  const measured = pct(measuredPct);
  if (measuredPct <= max * 100) return [{ id, target, measured, status: 'pass' }];
  return [{ id, target, measured, status: 'fail', detail: `highest ${what} sample was ${measured}` }];
}

interface Timed {
  loadChangeT: number;
  windowEndT: number;
  baselineReplicas: number | null;
  outcome: ScaleUpTransition['outcome'];
}

function timeCheck(id: string, target: string, limit: number, items: Array<{ t: Timed; latency: MeasuredLatency; verdict: Verdict }>): CheckResult {
  const measuredItems = items.filter((i) => i.latency.valueMs !== null);
  const worst = measuredItems.sort((x, y) => y.latency.valueMs! - x.latency.valueMs!)[0];
  const { status, detail } = combine(items.map((i) => i.verdict));
  const measured = worst ? ms(worst.latency.valueMs!) : 'unknown';
  const check: CheckResult = { id, target, measured, status };
  if (worst) check.margin = `up to ${ms(worst.latency.marginMs)} earlier`;
  if (detail) check.detail = detail;
  else check.detail = `${items.length} transition${items.length > 1 ? 's' : ''}, worst ${measured}, limit ${ms(limit)}`;
  return check;
}

/** `series`: the replica count the milestone follows, named in details (`ready`, `running`). */
function timeVerdict(t: Timed, latency: MeasuredLatency, limit: number, what: string, noScale: Verdict, series = 'ready'): Verdict {
  const at = `after the load change at ${ms(t.loadChangeT)}`;
  switch (t.outcome) {
    case 'scaled':
      return latency.valueMs! <= limit
        ? { status: 'pass' }
        : { status: 'fail', detail: `${what} took ${ms(latency.valueMs!)} (up to ${ms(latency.marginMs)} less) ${at}` };
    case 'no-scale':
      if (noScale.status === 'fail' && t.windowEndT - t.loadChangeT < limit) {
        return { status: 'unknown', detail: `replicas had not moved when the window closed, ${ms(t.windowEndT - t.loadChangeT)} ${at} (shorter than the target)` };
      }
      return noScale;
    case 'incomplete':
      return t.windowEndT - t.loadChangeT > limit
        ? { status: 'fail', detail: `${series} replicas never got there within ${ms(t.windowEndT - t.loadChangeT)} ${at}` }
        : { status: 'unknown', detail: `${series} replicas had not got there when the window closed, ${ms(t.windowEndT - t.loadChangeT)} ${at} (shorter than the target)` };
    case 'unknown':
      return {
        status: 'unknown',
        detail: t.baselineReplicas === null ? `no desired-replica sample at or before the load change at ${ms(t.loadChangeT)}` : `missing platform data (a gap, or no ${series} samples) hides the ${what} ${at}`,
      };
  }
}

function scaleUpCheck(limit: number | undefined, ups: readonly ScaleUpTransition[]): CheckResult[] {
  if (limit === undefined) return [];
  const id = 'autoscaling.scale_up_time';
  const target = `scale-up <= ${ms(limit)}`;
  if (ups.length === 0) return [unknownCheck(id, target, 'the load never increased, so there was no scale-up to time')];
  const items = ups.map((t) => {
    const notNeeded = t.utilizationAboveTarget !== null && t.utilizationAboveTarget.valueMs === null;
    const noScale: Verdict = notNeeded
      ? { status: 'pass' }
      : { status: 'fail', detail: `replicas never rose after the load change at ${ms(t.loadChangeT)} (desired stayed at ${t.baselineReplicas})` };
    return { t, latency: t.readyAtPeak, verdict: timeVerdict(t, t.readyAtPeak, limit, 'scale-up', noScale) };
  });
  return [timeCheck(id, target, limit, items)];
}

/** How each moment is named in the target and in details. */
const MOMENT_WORDS: Record<ScaleDownMoment, { label: string; moment: string; series: string }> = {
  'traffic-stopped': { label: 'scale-down', moment: 'stopped receiving traffic', series: 'ready' },
  gone: { label: 'scale-down (gone)', moment: 'gone', series: 'running' },
};

function scaleDownCheck(a: Autoscaling, downs: readonly ScaleDownTransition[], platformMin: number | undefined): CheckResult[] {
  const limit = a.scale_down_time;
  if (limit === undefined) return [];
  const moment = a.scale_down_until ?? 'traffic-stopped';
  const { label, moment: momentText, series } = MOMENT_WORDS[moment];
  const id = 'autoscaling.scale_down_time';
  const target = `scale-down <= ${ms(limit)} (${momentText})`;
  if (downs.length === 0) return [unknownCheck(id, target, 'the load never decreased, so there was no scale-down to time')];
  const items = downs.map((t) => {
    const { latency, outcome } = checkedMoment(t, moment);
    if (latency === null || outcome === null) {
      const verdict: Verdict = { status: 'unknown', detail: `the provider gives no running-replica count, so when replicas were gone after the load change at ${ms(t.loadChangeT)} is unknown` };
      return { t, latency: NOT_SEEN, verdict };
    }
    // Already at the floor (the target's or the platform's own minimum): nothing to scale down.
    const floor = Math.max(a.min_instances ?? -Infinity, platformMin ?? -Infinity);
    const atFloor = t.baselineReplicas !== null && t.baselineReplicas <= floor;
    const noScale: Verdict = atFloor
      ? { status: 'pass' }
      : { status: 'fail', detail: `replicas never fell after the load change at ${ms(t.loadChangeT)} (desired stayed at ${t.baselineReplicas})` };
    return { t, latency, verdict: timeVerdict({ ...t, outcome }, latency, limit, label, noScale, series) };
  });
  return [timeCheck(id, target, limit, items)];
}

function boundCheck(side: 'min' | 'max', bound: number | undefined, result: AnalysisResult): CheckResult[] {
  if (bound === undefined) return [];
  const r = result.replicas;
  const id = `autoscaling.${side}_instances`;
  const target = side === 'min' ? `replicas >= ${bound}` : `replicas <= ${bound}`;
  const desired = side === 'min' ? r.minDesired : r.maxDesired;
  const ready = side === 'min' ? r.minReady : r.maxReady;
  if (desired === null && ready === null) return [unknownCheck(id, target, 'the platform gave no replica samples')];
  const word = side === 'min' ? 'lowest' : 'highest';
  const parts = [desired === null ? null : `desired ${desired}`, ready === null ? null : `ready ${ready}`].filter(Boolean);
  const measured = `${word} ${parts.join(', ')}`;
  const outside = (v: number | null) => v !== null && (side === 'min' ? v < bound : v > bound);
  if (!outside(desired) && !outside(ready)) return [{ id, target, measured, status: 'pass' }];
  return [{ id, target, measured, status: 'fail', detail: `replicas went ${side === 'min' ? 'below' : 'above'} ${bound}: ${measured}` }];
}

function flapCheck(max: number | undefined, result: AnalysisResult): CheckResult[] {
  if (max === undefined) return [];
  const id = 'autoscaling.max_flaps';
  const target = `flaps <= ${max} (within ${ms(result.flapping.windowMs)})`;
  if (result.replicas.minDesired === null) return [unknownCheck(id, target, 'the platform gave no desired-replica samples')];
  const flaps = result.flapping.flaps;
  const measured = `${flaps.length} flap${flaps.length === 1 ? '' : 's'}`;
  if (flaps.length <= max) return [{ id, target, measured, status: 'pass' }];
  const list = flaps.slice(0, 3).map((f) => `${f.first} at ${ms(f.firstT)} then back at ${ms(f.secondT)}`).join('; ');
  return [{ id, target, measured, status: 'fail', detail: `desired replicas reversed: ${list}${flaps.length > 3 ? '; ...' : ''}` }];
}
