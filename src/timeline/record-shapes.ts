/**
 * The shape every timeline record must have before the analysis and reports may see it. A
 * timeline is user input to `scaleproof report` (copied, truncated, edited, torn by a crash):
 * a record that does not fit is skipped and counted, never allowed to crash a report later.
 * Unknown extra fields are kept, so an older scaleproof can read a newer timeline.
 */
import { z } from 'zod';

const num = z.number().finite();
const nonNeg = num.min(0);
/**
 * Times and durations stay within what a run can span (limits.max_duration is at most 7 days):
 * reports walk time second by second, so a corrupted `t: 1e300` must not reach them.
 */
export const MAX_TIMELINE_SPAN_MS = 8 * 24 * 3_600_000;
const time = num.min(-MAX_TIMELINE_SPAN_MS).max(MAX_TIMELINE_SPAN_MS);
const span = nonNeg.max(MAX_TIMELINE_SPAN_MS);
const str = z.string();
const counts = z.record(str, nonNeg);

const latency = z.looseObject({ count: nonNeg, mean: num, p50: num, p90: num, p95: num, p99: num, p999: num, max: num });
const latencyTargets = z.looseObject({ p50: num.optional(), p90: num.optional(), p95: num.optional(), p99: num.optional(), p999: num.optional(), max: num.optional() });

/** The parts of the stored (already validated, defaults applied) profile the analysis relies on. */
const storedProfile = z.looseObject({
  name: str.optional(),
  type: z.enum(['load', 'stress', 'spike', 'endurance', 'scalability']).optional(),
  observe_after: span.optional(),
  provider: z.looseObject({ name: str, poll_interval: span.optional() }).optional(),
  load: z
    .looseObject({
      model: z.enum(['open', 'closed']),
      start: nonNeg.optional(),
      stages: z.array(z.looseObject({ name: str.optional(), duration: span, rate: nonNeg.optional(), vus: nonNeg.optional() })),
      requests: z.array(z.looseObject({ name: str, weight: nonNeg.optional() })),
      window: span.min(1).optional(),
    })
    .optional(),
  targets: z.looseObject({
    latency: latencyTargets.optional(),
    error_rate: nonNeg.optional(),
    unserved_rate: nonNeg.optional(),
    throughput: nonNeg.optional(),
    requests: z.record(str, latencyTargets.extend({ error_rate: nonNeg.optional(), unserved_rate: nonNeg.optional(), throughput: nonNeg.optional() })).optional(),
    cpu: z.looseObject({ target: nonNeg.optional(), max: nonNeg.optional() }).optional(),
    memory: z.looseObject({ max: nonNeg.optional() }).optional(),
    autoscaling: z.object({ scale_down_until: z.enum(['traffic-stopped', 'gone']).optional() }).catchall(nonNeg).optional(),
  }),
  analysis: z.looseObject({ flap_window: span, throughput_window: span.min(1) }),
  cost: z.looseObject({ instance_hour: nonNeg.optional(), currency: str.optional() }).optional(),
});

export const headerShape = z.looseObject({
  kind: z.literal('header'),
  version: num,
  runId: str,
  scaleproofVersion: str,
  startedAtWall: num,
  profilePath: str,
  profile: storedProfile,
  provider: str.nullable(),
  pollIntervalMs: span,
  windowMs: span.min(1),
});

const platformEventTypes = z.enum(['scale-up', 'scale-down', 'replica-ready', 'replica-stopped', 'info', 'warning']);

export const recordShapes = {
  header: headerShape,
  target: z.looseObject({
    kind: z.literal('target'),
    t: time,
    description: z.looseObject({
      summary: str,
      scaling: z.looseObject({
        minReplicas: nonNeg.optional(),
        maxReplicas: nonNeg.optional(),
        rules: z.array(z.looseObject({ metric: str, target: num, unit: str, description: str.optional() })),
        timings: z.record(str, num),
      }),
      warnings: z.array(str),
      serviceUrl: str.optional(),
    }),
  }),
  stage: z.looseObject({ kind: z.literal('stage'), t: time, index: num.int(), name: str.optional(), from: nonNeg, to: nonNeg, durationMs: span }),
  phase: z.looseObject({ kind: z.literal('phase'), t: time, phase: z.enum(['start', 'load', 'observe', 'end']) }),
  load: z.looseObject({
    kind: z.literal('load'),
    t: time,
    windowMs: span.min(1),
    request: str,
    planned: nonNeg,
    sent: nonNeg,
    completed: nonNeg,
    ok: nonNeg,
    dropped: nonNeg,
    throttled: nonNeg,
    errors: counts,
    inFlight: nonNeg,
    latency,
    hdr: str.optional(),
    lagP99: num.optional(),
  }),
  sample: z.looseObject({
    kind: z.literal('sample'),
    t: time,
    fetchedT: time,
    resolutionMs: span,
    source: str,
    platformStamped: z.boolean().optional(),
    desired: nonNeg.optional(),
    ready: nonNeg.optional(),
    pending: nonNeg.optional(),
    running: nonNeg.optional(),
    cpuPct: num.optional(),
    memPct: num.optional(),
  }),
  event: z.looseObject({
    kind: z.literal('event'),
    t: time,
    fetchedT: time,
    resolutionMs: span,
    source: str,
    type: platformEventTypes,
    message: str,
    platformStamped: z.boolean().optional(),
    id: str.optional(),
    from: nonNeg.optional(),
    to: nonNeg.optional(),
  }),
  gap: z.looseObject({ kind: z.literal('gap'), t: time, untilT: time, reason: str }),
  note: z.looseObject({ kind: z.literal('note'), t: time, level: z.enum(['info', 'warning']), message: str }),
  clock: z.looseObject({ kind: z.literal('clock'), t: time, source: str, offsetMs: time, boundMs: span, observations: nonNeg, step: z.boolean().optional() }),
  end: z.looseObject({ kind: z.literal('end'), t: time, status: z.enum(['completed', 'interrupted', 'aborted', 'failed']), reason: str.optional() }),
} as const;

export type RecordKind = keyof typeof recordShapes;

const isNum = (v: unknown, min = -Infinity, max = Infinity): boolean => typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max;
const isCount = (v: unknown): boolean => isNum(v, 0);
const isTime = (v: unknown): boolean => isNum(v, -MAX_TIMELINE_SPAN_MS, MAX_TIMELINE_SPAN_MS);
const LATENCY_KEYS = ['mean', 'p50', 'p90', 'p95', 'p99', 'p999', 'max'] as const;

/**
 * The same rules as `recordShapes.load`, hand-written: a day-long timeline has 250k load records
 * and zod would triple the read time. Kept in step with the schema by test/unit/reliability.
 */
export function isValidLoadRecord(r: Record<string, unknown>): boolean {
  if (!isTime(r.t) || !isNum(r.windowMs, 1, MAX_TIMELINE_SPAN_MS) || typeof r.request !== 'string') return false;
  for (const k of ['planned', 'sent', 'completed', 'ok', 'dropped', 'throttled', 'inFlight'] as const) if (!isCount(r[k])) return false;
  const errors = r.errors;
  if (!errors || typeof errors !== 'object' || Array.isArray(errors)) return false;
  for (const v of Object.values(errors)) if (!isCount(v)) return false;
  const lat = r.latency as Record<string, unknown> | null;
  if (!lat || typeof lat !== 'object' || Array.isArray(lat) || !isCount(lat.count)) return false;
  for (const k of LATENCY_KEYS) if (!isNum(lat[k])) return false;
  return (r.hdr === undefined || typeof r.hdr === 'string') && (r.lagP99 === undefined || isNum(r.lagP99));
}

/** The same rules as `recordShapes.sample`, hand-written (a sample every poll for a day). */
export function isValidSampleRecord(r: Record<string, unknown>): boolean {
  if (!isTime(r.t) || !isTime(r.fetchedT) || !isNum(r.resolutionMs, 0, MAX_TIMELINE_SPAN_MS) || typeof r.source !== 'string') return false;
  for (const k of ['desired', 'ready', 'pending', 'running'] as const) if (r[k] !== undefined && !isCount(r[k])) return false;
  if (r.platformStamped !== undefined && typeof r.platformStamped !== 'boolean') return false;
  return (r.cpuPct === undefined || isNum(r.cpuPct)) && (r.memPct === undefined || isNum(r.memPct));
}

export function isRecordKind(kind: unknown): kind is RecordKind {
  return typeof kind === 'string' && Object.hasOwn(recordShapes, kind);
}
