/**
 * The capacity plan: inputs (each with where it came from) and month-by-month rows.
 * Rates in req/s, money in the given currency, fractions for growth and buffer.
 */

/** measured: from a run; flag: given on the command line; profile: the profile's plan/cost; default: scaleproof's default. */
export type Source = 'measured' | 'flag' | 'profile' | 'default';

export interface Sourced<T> {
  value: T;
  source: Source;
  /** How it was obtained, e.g. `run runs/x: CPU target, 95% interval 180-220 req/s`. */
  detail?: string;
}

export interface PlanInputs {
  /** req/s one instance sustains. */
  capacityPerInstance: Sourced<number>;
  peakUsers: Sourced<number>;
  requestsPerUserPerMinute: Sourced<number>;
  /** Compounded monthly growth of peak users (0.05 = 5%). */
  monthlyGrowth: Sourced<number>;
  months: Sourced<number>;
  /** Headroom on top of the instances needed (0.2 = 20%). */
  buffer: Sourced<number>;
  /** Floor on instances (at least 1). */
  minInstances: Sourced<number>;
  pricePerInstanceHour: Sourced<number> | null;
  hoursPerMonth: Sourced<number>;
  currency: string | null;
}

export interface PlanRow {
  /** 0 = now. */
  month: number;
  peakUsers: number;
  /** ceil(peak users * requests per user per minute / 60). */
  requiredRate: number;
  /** max(min, ceil(requiredRate / capacity)). */
  instances: number;
  /** max(min, ceil(instances * (1 + buffer))). */
  instancesWithBuffer: number;
  /** instancesWithBuffer * price * hours per month, null without a price. */
  costPerMonth: number | null;
}

export interface Plan {
  inputs: PlanInputs;
  rows: PlanRow[];
  /** Names of inputs that were measured, and of those that were assumed (given or defaulted). */
  measured: string[];
  assumed: string[];
  notes: string[];
}
