/**
 * suite.yaml: a scheduled audit. It lists profiles to run in order, where runs are kept (the
 * history folder), which run counts as the baseline, and how much worse each headline metric
 * may get before the audit calls it a regression.
 *
 *   name: weekly-autoscaling
 *   profiles: [profiles/step-up.yaml, profiles/spike.yaml]
 *   history: audit-history
 *   baseline: previous            # or a run folder: audit-history/2026-01-05T0900-step-up
 *   tolerances:
 *     scale_up_time: { increase: 30s, ratio: 25% }
 *     p95: { increase: 50ms }
 *
 * A metric regresses when it got worse by more than BOTH allowances given (the larger wins):
 * `increase` (absolute) and `ratio` (relative to the baseline).
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { duration, fraction, nonNegative } from '../profile/fields.js';

export const METRIC_IDS = ['scale_up_time', 'scale_down_time', 'peak_replicas', 'p95', 'error_rate'] as const;
export type MetricId = (typeof METRIC_IDS)[number];

const allowance = <T extends z.ZodType<number, unknown>>(increase: T) =>
  z.strictObject({
    increase: increase.optional(),
    ratio: fraction('Allowed worsening relative to the baseline, e.g. 20%.').optional(),
  });

export const tolerancesSchema = z.strictObject({
  scale_up_time: allowance(duration('Allowed increase of the worst scale-up time.')).default({ increase: 30_000, ratio: 0.25 }),
  scale_down_time: allowance(duration('Allowed increase of the worst scale-down time.')).default({ increase: 60_000, ratio: 0.25 }),
  peak_replicas: allowance(nonNegative('Allowed extra replicas at the peak.')).default({ increase: 1 }),
  p95: allowance(duration('Allowed increase of the run p95 latency.')).default({ increase: 50, ratio: 0.2 }),
  error_rate: allowance(fraction('Allowed increase of the error rate, in points (1% = 0.01).')).default({ increase: 0.005 }),
});

export const suiteSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_.-]+$/, { error: 'use letters, digits, _ . -' }).optional(),
  description: z.string().optional(),
  profiles: z.array(z.string().min(1)).min(1, { error: 'list at least one profile' }).meta({ description: 'Profile files, run in this order.' }),
  history: z.string().min(1).default('audit-history').meta({ description: 'Folder holding one run folder per audited run.' }),
  baseline: z.string().min(1).default('previous').meta({ description: '`previous` (the last run of the same profile in history) or a run folder.' }),
  tolerances: tolerancesSchema.prefault({}),
});

export type Suite = z.output<typeof suiteSchema>;
export type Tolerances = z.output<typeof tolerancesSchema>;
export type Allowance = { increase?: number; ratio?: number };

/** The default tolerances (what an empty `tolerances:` gives). */
export const DEFAULT_TOLERANCES: Tolerances = tolerancesSchema.parse({});

/** suite.yaml text -> Suite; every problem listed in one UsageError. */
export function parseSuite(text: string, file = 'suite.yaml'): Suite {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new UsageError(`${file} is not valid YAML: ${(err as Error).message}`, 'check the indentation and quoting');
  }
  const parsed = suiteSchema.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`);
  throw new UsageError(`${file} is not a valid suite:\n- ${issues.join('\n- ')}`, `fields: name, profiles, history, baseline, tolerances (${METRIC_IDS.join(', ')})`);
}
