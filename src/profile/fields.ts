/**
 * Reusable zod field types for profiles: durations, percentages, rates. Each accepts the human
 * form in YAML and yields a plain number, and each carries a pattern so the published JSON
 * Schema lets editors check it too.
 */
import { z } from 'zod';
import { parseDurationMs, parseFraction } from '../units.js';

const DURATION_PATTERN = '^(\\d+(\\.\\d+)?(ms|s|m|h))+$';
const PERCENT_PATTERN = '^\\d+(\\.\\d+)?%$';

/** A duration with units (`90s`, `5m`, `1m30s`, `250ms`, `1h`) -> milliseconds. */
export function duration(description?: string) {
  const msg = 'expected a duration with a unit, like 90s, 5m, 1m30s or 250ms';
  return z
    .string({ error: msg })
    .regex(new RegExp(DURATION_PATTERN), { error: msg })
    .transform((s) => parseDurationMs(s) as number)
    .meta({ description, examples: ['90s', '5m', '250ms'] });
}

/** A percentage `1%` or a fraction `0.01` -> fraction in [0, 1]. */
export function fraction(description?: string) {
  const msg = 'expected a percentage like 1% or a fraction between 0 and 1 like 0.01';
  return z
    .union([z.number().min(0).max(1), z.string().regex(new RegExp(PERCENT_PATTERN))], { error: msg })
    .refine((v) => parseFraction(v) !== null, { error: `${msg} (at most 100%)` })
    .transform((v) => parseFraction(v) as number)
    .meta({ description, examples: ['1%', '0.01', '70%'] });
}

export const positiveInt = (description?: string) =>
  z.number({ error: 'expected a whole number' }).int({ error: 'expected a whole number' }).positive({ error: 'expected a number above 0' }).meta({ description });

export const nonNegativeInt = (description?: string) =>
  z.number({ error: 'expected a whole number' }).int({ error: 'expected a whole number' }).min(0, { error: 'expected 0 or more' }).meta({ description });

export const nonNegative = (description?: string) =>
  z.number({ error: 'expected a number' }).min(0, { error: 'expected 0 or more' }).meta({ description });
