/**
 * Safety settings of a profile: `abort_when`, the kill switch that stops a run whose target is
 * clearly failing, and `limits`, hard caps on duration and rate that every run has (defaults
 * 24h and 100000 req/s). A profile that asks for more than its limits is a profile error.
 */
import { z } from 'zod';
import { duration, fraction, nonNegative } from './fields.js';

export const DEFAULT_MAX_DURATION_MS = 24 * 3_600_000;
export const DEFAULT_MAX_RATE = 100_000;
/** Timelines and reports are built for runs up to this long (see timeline/record-shapes.ts). */
export const CEILING_MAX_DURATION_MS = 7 * 24 * 3_600_000;

const lasting = (what: string) => duration(`How long ${what} must hold without a break before the run is aborted (0s: at once).`).default(0);

export const abortWhenSchema = z
  .strictObject({
    error_rate: z
      .strictObject({ above: fraction('Abort when the share of failed requests in a load window is above this...'), for: lasting('the error rate') })
      .optional(),
    p99: z.strictObject({ above: duration('Abort when the p99 latency of a load window is above this...'), for: lasting('the p99 latency') }).optional(),
    dropped_rate: z
      .strictObject({ above: fraction('Abort when the share of planned arrivals the generator had to drop is above this...'), for: lasting('the drop rate') })
      .optional(),
    replicas_at_max: z.strictObject({ for: lasting('the platform being at its maximum replicas') }).optional(),
  })
  .meta({ description: 'Kill switch: stop the load and end the run as aborted (exit 1) when a condition holds for its `for` duration.' });

export const limitsSchema = z
  .strictObject({
    max_duration: duration('Longest a run may last (load + observe_after); the run is aborted when it is reached. At most 7 days.')
      .refine((ms) => ms > 0 && ms <= CEILING_MAX_DURATION_MS, { error: 'expected a duration above 0 and at most 7 days (168h)' })
      .default(DEFAULT_MAX_DURATION_MS),
    max_rate: nonNegative('Highest arrival rate (req/s) any stage may ask for.').default(DEFAULT_MAX_RATE),
  })
  .meta({ description: 'Hard caps every run has (defaults: 24h, 100000 req/s). Raise them here when a profile really needs more.' });

export type AbortWhen = z.output<typeof abortWhenSchema>;
export type Limits = z.output<typeof limitsSchema>;

interface LimitsInput {
  limits: Limits;
  observe_after: number;
  load?: { start: number; stages: ReadonlyArray<{ duration: number; rate?: number }> } | undefined;
}

/** Problems with a profile that asks for more than its limits allow, with the path of each. */
export function limitIssues(p: LimitsInput): Array<{ path: Array<string | number>; message: string }> {
  const out: Array<{ path: Array<string | number>; message: string }> = [];
  const { max_duration: maxDuration, max_rate: maxRate } = p.limits;
  const raise = (key: string) => `; raise limits.${key} if you mean it`;
  if (p.load && p.load.start > maxRate) out.push({ path: ['load', 'start'], message: `${p.load.start} req/s is above limits.max_rate (${maxRate} req/s)${raise('max_rate')}` });
  p.load?.stages.forEach((s, i) => {
    if (s.rate !== undefined && s.rate > maxRate) out.push({ path: ['load', 'stages', i, 'rate'], message: `${s.rate} req/s is above limits.max_rate (${maxRate} req/s)${raise('max_rate')}` });
  });
  const total = (p.load?.stages.reduce((sum, s) => sum + s.duration, 0) ?? 0) + p.observe_after;
  if (total > maxDuration) {
    out.push({ path: p.load ? ['load', 'stages'] : ['observe_after'], message: `the run would last ${hours(total)} (stages + observe_after), above limits.max_duration (${hours(maxDuration)})${raise('max_duration')}` });
  }
  return out;
}

function hours(ms: number): string {
  return ms >= 3_600_000 ? `${Math.round((ms / 3_600_000) * 100) / 100}h` : `${Math.round(ms / 1000)}s`;
}
