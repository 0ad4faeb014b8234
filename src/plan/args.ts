/**
 * Command-line values of `scaleproof plan` -> numbers. Percentages take `5%` or a fraction
 * `0.05`; counts must be whole. A bad value is a UsageError naming the option.
 */
import { UsageError } from '../errors.js';
import type { PlanFlags } from './inputs.js';

/** As commander hands them over: strings, or numbers from tests and scripts. */
export interface PlanArgs {
  capacity?: string | number;
  peakUsers?: string | number;
  requestsPerUser?: string | number;
  growth?: string | number;
  months?: string | number;
  buffer?: string | number;
  price?: string | number;
  currency?: string;
  hoursPerMonth?: string | number;
  minInstances?: string | number;
}

export function parsePlanArgs(args: PlanArgs): PlanFlags {
  const flags: PlanFlags = {};
  const set = <K extends keyof PlanFlags>(key: K, value: PlanFlags[K] | undefined) => {
    if (value !== undefined) flags[key] = value;
  };
  set('capacity', positive(args.capacity, '--capacity'));
  set('peakUsers', nonNegative(args.peakUsers, '--peak-users'));
  set('requestsPerUserPerMinute', nonNegative(args.requestsPerUser, '--requests-per-user'));
  set('growth', percent(args.growth, '--growth'));
  set('months', whole(args.months, '--months'));
  set('buffer', percent(args.buffer, '--buffer'));
  set('price', nonNegative(args.price, '--price'));
  set('hoursPerMonth', positive(args.hoursPerMonth, '--hours-per-month'));
  set('minInstances', whole(args.minInstances, '--min-instances'));
  if (args.currency !== undefined) flags.currency = args.currency;
  return flags;
}

function number(v: string | number | undefined, option: string): number | undefined {
  if (v === undefined) return undefined;
  const n = typeof v === 'number' ? v : Number(v.trim().replace(/_/g, ''));
  if (typeof v === 'string' && v.trim() === '') throw new UsageError(`${option} needs a value`);
  if (!Number.isFinite(n)) throw new UsageError(`${option}: "${v}" is not a number`);
  return n;
}

function nonNegative(v: string | number | undefined, option: string): number | undefined {
  const n = number(v, option);
  if (n !== undefined && n < 0) throw new UsageError(`${option} must be 0 or more (got ${n})`);
  return n;
}

function positive(v: string | number | undefined, option: string): number | undefined {
  const n = number(v, option);
  if (n !== undefined && n <= 0) throw new UsageError(`${option} must be above 0 (got ${n})`);
  return n;
}

function whole(v: string | number | undefined, option: string): number | undefined {
  const n = nonNegative(v, option);
  if (n !== undefined && !Number.isInteger(n)) throw new UsageError(`${option} must be a whole number (got ${n})`);
  return n;
}

/** `20%` -> 0.2, `0.2` -> 0.2. */
function percent(v: string | number | undefined, option: string): number | undefined {
  if (typeof v === 'string' && v.trim().endsWith('%')) {
    const n = nonNegative(v.trim().slice(0, -1), option);
    return n === undefined ? undefined : n / 100;
  }
  return nonNegative(v, option);
}
