/**
 * The kill switch (`abort_when`): a pure evaluator fed the timeline records as they are written.
 * It never reads a clock or does IO; time is the records' own `t`. Each condition is a streak:
 * it starts at the first window (or sample) where the condition holds and fires once the streak
 * has lasted `for`. A window where the condition does not hold breaks the streak; a window with
 * nothing to judge (no completed request, nothing planned, no replica count) neither breaks nor
 * extends it.
 *
 *   windows:  ok  BAD BAD ---  BAD BAD  → with `for: 4s` and 1 s windows, fires at the end of
 *                 ^since        the 5th window (4 bad seconds, the empty one bridged)
 */
import type { AbortWhen } from '../profile/safety-schema.js';
import type { LoadRecord, SampleRecord, TimelineRecord } from '../timeline/types.js';
import { formatDuration, formatPercent } from '../units.js';

export type AbortCondition = keyof AbortWhen;

export interface AbortTrigger {
  condition: AbortCondition;
  /** When the condition had held for its `for` duration (ms since run start). */
  t: number;
  /** One line naming the condition and what was seen, e.g. for the end record's reason. */
  message: string;
}

interface Streak {
  since: number | null;
}

export class KillSwitch {
  readonly #when: AbortWhen;
  #maxReplicas: number | undefined;
  #lastSampleT = -Infinity;
  readonly #streaks: Record<AbortCondition, Streak> = { error_rate: { since: null }, p99: { since: null }, dropped_rate: { since: null }, replicas_at_max: { since: null } };
  #fired: AbortTrigger | null = null;

  /** `maxReplicas` from the profile (targets.autoscaling.max_instances) until the platform says its own. */
  constructor(when: AbortWhen, options: { maxReplicas?: number } = {}) {
    this.#when = when;
    this.#maxReplicas = options.maxReplicas;
  }

  /** True when `replicas_at_max` is set but nothing says what the maximum is. */
  get missingMaxReplicas(): boolean {
    return this.#when.replicas_at_max !== undefined && this.#maxReplicas === undefined;
  }

  get fired(): AbortTrigger | null {
    return this.#fired;
  }

  /** Feed one record; returns the trigger the first time a condition fires, else null. */
  push(record: TimelineRecord): AbortTrigger | null {
    if (this.#fired) return null;
    let hit: AbortTrigger | null = null;
    if (record.kind === 'target' && record.description.scaling.maxReplicas !== undefined) this.#maxReplicas = record.description.scaling.maxReplicas;
    else if (record.kind === 'load' && record.request === '*') hit = this.#window(record);
    else if (record.kind === 'sample') hit = this.#sample(record);
    this.#fired = hit;
    return hit;
  }

  #window(w: LoadRecord): AbortTrigger | null {
    const { error_rate: errorRate, p99, dropped_rate: droppedRate } = this.#when;
    const endT = w.t + w.windowMs;
    const failed = Object.values(w.errors).reduce((a, b) => a + b, 0);
    const errorShare = w.completed > 0 ? failed / w.completed : null;
    const dropShare = w.planned > 0 ? w.dropped / w.planned : null;
    const latency = w.latency.count > 0 ? w.latency.p99 : null;
    if (errorRate) {
      const fired = this.#step('error_rate', w.t, endT, errorShare === null ? null : errorShare > errorRate.above, errorRate.for);
      if (fired) return fired(`error rate above ${formatPercent(errorRate.above)} for ${formatDuration(errorRate.for)} (${formatPercent(errorShare ?? 0)} in the last window)`);
    }
    if (p99) {
      const fired = this.#step('p99', w.t, endT, latency === null ? null : latency > p99.above, p99.for);
      if (fired) return fired(`p99 latency above ${formatDuration(p99.above)} for ${formatDuration(p99.for)} (${formatDuration(latency ?? 0)} in the last window)`);
    }
    if (droppedRate) {
      const fired = this.#step('dropped_rate', w.t, endT, dropShare === null ? null : dropShare > droppedRate.above, droppedRate.for);
      if (fired) return fired(`dropped arrivals above ${formatPercent(droppedRate.above)} for ${formatDuration(droppedRate.for)} (${formatPercent(dropShare ?? 0)} in the last window)`);
    }
    return null;
  }

  #sample(s: SampleRecord): AbortTrigger | null {
    const rule = this.#when.replicas_at_max;
    // Late samples for earlier times do not move the streak backwards.
    if (!rule || s.t < this.#lastSampleT) return null;
    this.#lastSampleT = s.t;
    const replicas = s.desired ?? s.ready;
    const max = this.#maxReplicas;
    const atMax = replicas === undefined || max === undefined ? null : replicas >= max;
    const fired = this.#step('replicas_at_max', s.t, s.t, atMax, rule.for);
    return fired ? fired(`replicas at the maximum (${max}) for ${formatDuration(rule.for)}`) : null;
  }

  /** Advances one streak; returns a trigger builder when it has lasted `forMs`. */
  #step(condition: AbortCondition, t: number, endT: number, holds: boolean | null, forMs: number): ((what: string) => AbortTrigger) | null {
    const streak = this.#streaks[condition];
    if (holds === null) return null;
    if (!holds) {
      streak.since = null;
      return null;
    }
    streak.since ??= t;
    if (endT - streak.since < forMs) return null;
    return (what) => ({ condition, t: endT, message: `abort_when.${condition}: ${what}` });
  }
}
