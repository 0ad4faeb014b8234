/**
 * PURE: ECS / Application Auto Scaling / CloudWatch responses -> samples and events. No IO, no
 * clock: the time of a point read comes in as `readAtWall`.
 *
 * Timestamps are the platform's own:
 * - DescribeServices counts are a point read: atWall = when the response arrived, resolution =
 *   the round trip (the service answered somewhere in between).
 * - A CloudWatch datapoint's Timestamp is the START of its period and the value covers the
 *   whole period, so it is emitted at the period's END (Timestamp + period) with resolutionMs
 *   = period: the value describes [atWall - resolutionMs, atWall], never a moment after atWall.
 * - Service events, deployments and scaling activities carry their own createdAt / StartTime.
 */
import type { Deployment, Service, ServiceEvent, Task } from '@aws-sdk/client-ecs';
import type { ScalingActivity } from '@aws-sdk/client-application-auto-scaling';
import type { MetricDataResult } from '@aws-sdk/client-cloudwatch';
import type { PlatformEvent, PlatformEventType, PlatformSample } from '../../src/provider.js';

export const SOURCE = {
  service: 'ecs:DescribeServices',
  events: 'ecs:events',
  deployments: 'ecs:deployments',
  activities: 'application-autoscaling:activities',
  cpu: 'cloudwatch:CPUUtilization',
  memory: 'cloudwatch:MemoryUtilization',
  insights: 'cloudwatch:ContainerInsights',
  tasks: 'ecs:tasks',
  targets: 'elbv2:targets',
} as const;

const ms = (d: Date | undefined): number | undefined => (d instanceof Date && Number.isFinite(d.getTime()) ? d.getTime() : undefined);

/**
 * Replica counts from DescribeServices. ECS has no per-service readiness count: without the
 * tasks (`withReady`), `ready` is the RUNNING tasks, which may still fail their health check.
 */
export function serviceSample(svc: Service, readAtWall: number, withReady = true, roundTripMs = 0): PlatformSample {
  const out: PlatformSample = { atWall: readAtWall, resolutionMs: Math.max(0, roundTripMs), source: SOURCE.service };
  if (typeof svc.desiredCount === 'number') out.desired = svc.desiredCount;
  if (typeof svc.runningCount === 'number') {
    out.running = svc.runningCount;
    if (withReady) out.ready = svc.runningCount;
  }
  if (typeof svc.pendingCount === 'number') out.pending = svc.pendingCount;
  return out;
}

function serviceEventType(message: string): PlatformEventType {
  if (/unable to|failed|unhealthy|error|insufficient|throttl|cannot/i.test(message)) return 'warning';
  if (/has stopped \d+ running tasks?/i.test(message)) return 'replica-stopped';
  return 'info';
}

/** Service events (the newest 100, de-duplicated by their id downstream). */
export function serviceEvents(events: readonly ServiceEvent[] | undefined): PlatformEvent[] {
  const out: PlatformEvent[] = [];
  for (const e of events ?? []) {
    const at = ms(e.createdAt);
    if (at === undefined || !e.message) continue;
    out.push({ atWall: at, resolutionMs: 0, source: SOURCE.events, type: serviceEventType(e.message), message: e.message, ...(e.id ? { id: `ecs-event:${e.id}` } : {}) });
  }
  return out;
}

/** One event per deployment and rollout state (a new deployment, COMPLETED, FAILED). */
export function deploymentEvents(deployments: readonly Deployment[] | undefined): PlatformEvent[] {
  const out: PlatformEvent[] = [];
  for (const d of deployments ?? []) {
    const at = ms(d.updatedAt) ?? ms(d.createdAt);
    if (at === undefined || !d.id) continue;
    const state = d.rolloutState ?? d.status ?? 'UNKNOWN';
    const reason = d.rolloutStateReason ? `: ${d.rolloutStateReason}` : '';
    out.push({
      atWall: at,
      resolutionMs: 0,
      source: SOURCE.deployments,
      type: state === 'FAILED' ? 'warning' : 'info',
      message: `deployment ${d.id} (${d.status ?? '?'}, ${d.taskDefinition?.split('/').pop() ?? 'task definition ?'}) rollout ${state}${reason}; desired ${d.desiredCount ?? '?'}, running ${d.runningCount ?? '?'}, pending ${d.pendingCount ?? '?'}`,
      id: `deployment:${d.id}:${state}`,
    });
  }
  return out;
}

/** Desired count seen before a time, to tell a scale-up from a scale-down. */
export type DesiredBefore = (atWall: number) => number | undefined;

function targetCount(a: ScalingActivity): number | undefined {
  const m = /desired count to (\d+)/i.exec(`${a.Description ?? ''} ${a.StatusMessage ?? ''}`);
  return m ? Number(m[1]) : undefined;
}

/**
 * Scaling activities, newest first as the API returns them. A decision becomes one scale-up /
 * scale-down event at its StartTime (id = ActivityId, so it is stored once however its status
 * moves on); a failure adds a warning; an activity that did not scale (NotScaledReasons,
 * IncludeNotScaledActivities) is an info event naming the reason.
 */
export function activityEvents(activities: readonly ScalingActivity[], desiredBefore: DesiredBefore): PlatformEvent[] {
  const out: PlatformEvent[] = [];
  for (const a of activities) {
    const at = ms(a.StartTime);
    if (at === undefined || !a.ActivityId) continue;
    const base = { atWall: at, resolutionMs: 0, source: SOURCE.activities };
    const cause = a.Cause ? ` (cause: ${a.Cause})` : '';
    if (a.NotScaledReasons?.length) {
      const reasons = a.NotScaledReasons.map((r) => `${r.Code}${r.CurrentCapacity !== undefined ? ` (current ${r.CurrentCapacity}, min ${r.MinCapacity ?? '?'}, max ${r.MaxCapacity ?? '?'})` : ''}`).join(', ');
      out.push({ ...base, type: 'info', message: `not scaled: ${reasons}${cause}`, id: `aas:${a.ActivityId}` });
      continue;
    }
    const to = targetCount(a);
    const from = desiredBefore(at);
    const up = to !== undefined && from !== undefined ? to > from : /AlarmHigh/i.test(a.Cause ?? '') ? true : /AlarmLow/i.test(a.Cause ?? '') ? false : undefined;
    const type: PlatformEventType = to === undefined || up === undefined || to === from ? 'info' : up ? 'scale-up' : 'scale-down';
    out.push({
      ...base,
      type,
      message: `${a.Description ?? 'scaling activity'} [${a.StatusCode ?? '?'}]${cause}`,
      id: `aas:${a.ActivityId}`,
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
    });
    if (a.StatusCode === 'Failed' || a.StatusCode === 'Unfulfilled') {
      out.push({ ...base, atWall: ms(a.EndTime) ?? at, type: 'warning', message: `scaling activity ${a.StatusCode}: ${a.StatusMessage ?? a.Description ?? ''}`, id: `aas:${a.ActivityId}:${a.StatusCode}` });
    }
  }
  return out;
}

/** What each GetMetricData query id means. */
export type MetricField = 'cpuPct' | 'memPct' | 'running' | 'pending' | 'desired';
export interface MetricQueryMeaning {
  source: string;
  field: MetricField;
  /** The query's period when it differs from the default (Container Insights is 1-minute only). */
  periodMs?: number;
}

/** Concatenates results of several GetMetricData pages (NextToken) per query id. */
export function mergeMetricPages(pages: readonly (readonly MetricDataResult[] | undefined)[]): MetricDataResult[] {
  const byId = new Map<string, { Timestamps: Date[]; Values: number[]; result: MetricDataResult }>();
  for (const page of pages) {
    for (const r of page ?? []) {
      if (!r.Id) continue;
      const cur = byId.get(r.Id) ?? { Timestamps: [], Values: [], result: r };
      cur.Timestamps.push(...(r.Timestamps ?? []));
      cur.Values.push(...(r.Values ?? []));
      cur.result = { ...cur.result, StatusCode: r.StatusCode };
      byId.set(r.Id, cur);
    }
  }
  return [...byId.values()].map((v) => ({ ...v.result, Timestamps: v.Timestamps, Values: v.Values }));
}

/**
 * CloudWatch points -> samples stamped at the END of their period. Points of different queries
 * that share a source and period (e.g. the Container Insights counts) become one sample. A
 * query with no points (no running tasks publish none) yields nothing: no data, not zero.
 */
export function metricSamples(results: readonly MetricDataResult[], meaning: Readonly<Record<string, MetricQueryMeaning>>, periodMs: number): PlatformSample[] {
  const bySourceAndTime = new Map<string, PlatformSample>();
  for (const r of results) {
    const m = r.Id ? meaning[r.Id] : undefined;
    if (!m) continue;
    const ts = r.Timestamps ?? [];
    const vs = r.Values ?? [];
    for (let i = 0; i < Math.min(ts.length, vs.length); i++) {
      const start = ms(ts[i]);
      const value = vs[i];
      if (start === undefined || typeof value !== 'number' || !Number.isFinite(value)) continue;
      const period = m.periodMs ?? periodMs;
      const atWall = start + period;
      const key = `${m.source}|${atWall}`;
      const sample = bySourceAndTime.get(key) ?? { atWall, resolutionMs: period, source: m.source };
      sample[m.field] = m.field === 'cpuPct' || m.field === 'memPct' ? value : Math.round(value);
      bySourceAndTime.set(key, sample);
    }
  }
  return [...bySourceAndTime.values()].sort((a, b) => a.atWall - b.atWall || a.source.localeCompare(b.source));
}

/**
 * A task serves once it is RUNNING and, when its task definition has a container health check,
 * HEALTHY (ECS itself waits for that before it counts a deployment healthy). A task ECS is
 * stopping (desiredStatus STOPPED) does not: its lastStatus stays RUNNING until the agent acts,
 * but it is already being taken out of service.
 */
export function taskServes(t: Task, hasHealthCheck: boolean): boolean {
  if (t.desiredStatus === 'STOPPED') return false;
  return t.lastStatus === 'RUNNING' && (hasHealthCheck ? t.healthStatus === 'HEALTHY' : t.healthStatus !== 'UNHEALTHY');
}

/**
 * How `ready` is judged per task and whether the moment a task became ready is known: from the
 * tasks alone (`taskReadiness`), or also from the load balancer's targets (targets.ts).
 */
export interface Readiness {
  source: string;
  /** Ready at this read. */
  ready(t: Task): boolean;
  /** Ready from its own `startedAt` (ms API time); false: only known to lie since the previous read. */
  precise: boolean;
  /** Prefix of the `replica-ready` event id, one event per task and prefix. */
  idPrefix: string;
  /** What the task reached, for the event message: `running`, `healthy`, `healthy in target group web`. */
  what(t: Task): string;
}

/** Readiness from the tasks alone: RUNNING, and HEALTHY when there is a container health check. */
export function taskReadiness(hasHealthCheck: boolean): Readiness {
  return { source: SOURCE.tasks, ready: (t) => taskServes(t, hasHealthCheck), precise: !hasHealthCheck, idPrefix: 'ecs-task-ready', what: () => (hasHealthCheck ? 'healthy' : 'running') };
}

/** ARNs of the tasks ready at this read, to tell at the next read which ones turned ready since. */
export function readyTaskArns(tasks: readonly Task[], r: Readiness): Set<string> {
  return new Set(tasks.filter((t) => t.taskArn && r.ready(t)).map((t) => t.taskArn!));
}

/**
 * `ready` from the service's tasks. When readiness is `precise` (no health check, no load
 * balancer) a task is ready from its own `startedAt` (millisecond API time), so besides the count
 * at the read this also gives the count just before and at each start since the previous read:
 * the analysis then places a replica's readiness to the millisecond, not to the poll. Otherwise
 * (HEALTHY, a healthy target) AWS gives no time: the count at the read is all there is.
 */
export function readySamples(tasks: readonly Task[], r: Readiness, readAtWall: number, prevReadStartWall: number | null, readMs = 0, lastOk?: { startWall: number; ready: ReadonlySet<string> }): PlatformSample[] {
  const at = (atWall: number, ready: number, resolutionMs = 0): PlatformSample => ({ atWall, resolutionMs, source: r.source, ready });
  const ready = tasks.filter((t) => r.ready(t)).length;
  const out: PlatformSample[] = [];
  // ListTasks is eventually consistent: a task can first be listed reads after it started. The
  // previous read said it was not ready, so its start cannot be placed before that read; the
  // read that first sees it says only "since its startedAt", and its resolution says so.
  const late = lateStarts(tasks, r, lastOk);
  // Counts placed at each start would then contradict what the previous read said: none this time.
  readMs = Math.max(readMs, ...late.map((start) => readAtWall - start));
  if (r.precise && prevReadStartWall !== null && late.length === 0) {
    const starts = tasks
      .filter((t) => r.ready(t))
      .map((t) => ms(t.startedAt))
      .filter((x): x is number => x !== undefined);
    const fresh = [...new Set(starts.filter((x) => x > prevReadStartWall && x < readAtWall))].sort((a, b) => a - b);
    for (const start of fresh) {
      const before = starts.filter((x) => x < start).length;
      // Times from the tasks' startedAt: the platform stamped them.
      out.push({ ...at(start - 1, before), platformStamped: true }, { ...at(start, starts.filter((x) => x <= start).length), platformStamped: true });
    }
  }
  // The count at the read stands for the whole read (ListTasks .. the last call of the read).
  out.push(at(readAtWall, ready, Math.max(0, readMs)));
  return out;
}

/**
 * startedAt of the ready tasks the last successful read did not see ready although they had
 * started before it began (a failed read in between does not count: it said nothing).
 */
function lateStarts(tasks: readonly Task[], r: Readiness, lastOk?: { startWall: number; ready: ReadonlySet<string> }): number[] {
  if (!r.precise || !lastOk) return [];
  return tasks
    .filter((t) => t.taskArn && r.ready(t) && !lastOk.ready.has(t.taskArn))
    .map((t) => ms(t.startedAt))
    .filter((x): x is number => x !== undefined && x <= lastOk.startWall);
}

/**
 * One `replica-ready` event per task: at its startedAt (precise), or at the read that first saw
 * it ready, with resolution = the time since the previous read began (it turned ready in between).
 * `prevReady` (the tasks ready at the previous read) keeps a task that was already ready then
 * from being reported as turning ready now.
 */
export function readyEvents(tasks: readonly Task[], r: Readiness, readAtWall: number, prevReadStartWall: number | null, prevReady?: ReadonlySet<string>): PlatformEvent[] {
  const out: PlatformEvent[] = [];
  for (const t of tasks) {
    if (!t.taskArn || !r.ready(t)) continue;
    // Already ready at the first read (or the previous one): when is unknown, and it is not news.
    if (!r.precise && (prevReadStartWall === null || prevReady?.has(t.taskArn))) continue;
    const id = t.taskArn.split('/').pop()!;
    const started = ms(t.startedAt);
    const precise = r.precise && started !== undefined;
    out.push({
      atWall: precise ? started : readAtWall,
      ...(precise ? { platformStamped: true } : {}),
      resolutionMs: precise || prevReadStartWall === null ? 0 : readAtWall - prevReadStartWall,
      source: r.source,
      type: 'replica-ready',
      id: `${r.idPrefix}:${id}`,
      message: `task ${id} ${r.what(t)}${started !== undefined && !r.precise ? ` (started ${((readAtWall - started) / 1000).toFixed(1)} s before this read)` : ''}`,
    });
  }
  return out;
}
