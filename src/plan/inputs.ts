/**
 * Which value each plan input takes, and why. Precedence:
 *
 *   capacity per instance   --capacity  >  measured by the run  >  profile plan.capacity_per_instance
 *   everything else         flag  >  profile (plan: / cost:)  >  default
 *
 * Peak users, requests per user and capacity have no default: without them there is no plan.
 */
import type { Profile } from '../profile/schema.js';
import type { PlanInputs, Sourced } from './types.js';

export interface PlanFlags {
  capacity?: number;
  peakUsers?: number;
  requestsPerUserPerMinute?: number;
  growth?: number;
  months?: number;
  buffer?: number;
  price?: number;
  currency?: string;
  hoursPerMonth?: number;
  minInstances?: number;
}

export interface MeasuredCapacity {
  perReplica: number;
  detail: string;
}

export const PLAN_DEFAULTS = { growth: 0, months: 12, buffer: 0.2, minInstances: 1, hoursPerMonth: 730 } as const;

export type Resolved = { inputs: PlanInputs; missing: [] } | { inputs: null; missing: string[] };

export function resolvePlanInputs(flags: PlanFlags, profile: Pick<Profile, 'plan' | 'cost'> | null, measured: MeasuredCapacity | null): Resolved {
  const plan = profile?.plan ?? {};
  const cost = profile?.cost ?? {};
  const pick = <T>(flag: T | undefined, fromProfile: T | undefined): Sourced<T> | null =>
    flag !== undefined ? { value: flag, source: 'flag' } : fromProfile !== undefined ? { value: fromProfile, source: 'profile' } : null;
  const withDefault = <T>(flag: T | undefined, fromProfile: T | undefined, fallback: T): Sourced<T> => pick(flag, fromProfile) ?? { value: fallback, source: 'default' };

  const capacity: Sourced<number> | null =
    flags.capacity !== undefined ? { value: flags.capacity, source: 'flag' }
    : measured ? { value: measured.perReplica, source: 'measured', detail: measured.detail }
    : pick(undefined, plan.capacity_per_instance);
  const peakUsers = pick(flags.peakUsers, plan.peak_users);
  const rpm = pick(flags.requestsPerUserPerMinute, plan.requests_per_user_per_minute);
  const missing: string[] = [];
  if (!capacity) missing.push('capacity per instance (a run folder that measured it, --capacity, or plan.capacity_per_instance)');
  if (!peakUsers) missing.push('peak users (--peak-users or plan.peak_users)');
  if (!rpm) missing.push('requests per user per minute (--requests-per-user or plan.requests_per_user_per_minute)');
  if (!capacity || !peakUsers || !rpm) return { inputs: null, missing };
  return {
    inputs: {
      capacityPerInstance: capacity,
      peakUsers,
      requestsPerUserPerMinute: rpm,
      monthlyGrowth: withDefault(flags.growth, plan.monthly_growth, PLAN_DEFAULTS.growth),
      months: withDefault(flags.months, plan.months, PLAN_DEFAULTS.months),
      buffer: withDefault(flags.buffer, plan.buffer, PLAN_DEFAULTS.buffer),
      minInstances: withDefault(flags.minInstances, undefined, PLAN_DEFAULTS.minInstances),
      pricePerInstanceHour: pick(flags.price, cost.instance_hour),
      hoursPerMonth: withDefault(flags.hoursPerMonth, plan.hours_per_month, PLAN_DEFAULTS.hoursPerMonth),
      currency: flags.currency ?? cost.currency ?? null,
    },
    missing: [],
  };
}
