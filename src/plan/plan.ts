/**
 * The capacity planner (pure). For month m = 0 .. months:
 *
 *   peak users     users * (1 + growth)^m
 *   required rate  ceil(peak users * requests per user per minute / 60)        whole req/s, up
 *   instances      max(min, ceil(required rate / capacity per instance))
 *   with buffer    max(min, ceil(instances * (1 + buffer)))   the buffer is added to the whole
 *                                                             instances, then rounded up
 *   cost / month   instances with buffer * price per instance-hour * hours per month
 *
 * Example: 10,000 users * 10 req/min = 1,667 req/s; at 200 req/s per instance ceil(8.335) = 9
 * instances; with 20%: ceil(9 * 1.2) = ceil(10.8) = 11.
 * The monthly cost provisions the peak for every hour: an upper bound when the service scales down.
 */
import type { Plan, PlanInputs, PlanRow } from './types.js';

/** ceil that ignores floating-point dust (9 * 1.2 must not become 11 by way of 10.800000001). */
export const ceilUp = (x: number): number => Math.ceil(x - 1e-9);

const LABELS: Record<keyof Omit<PlanInputs, 'currency'>, string> = {
  capacityPerInstance: 'capacity per instance',
  peakUsers: 'peak users',
  requestsPerUserPerMinute: 'requests per user per minute',
  monthlyGrowth: 'monthly growth',
  months: 'months',
  buffer: 'buffer',
  minInstances: 'min instances',
  pricePerInstanceHour: 'price per instance-hour',
  hoursPerMonth: 'hours per month',
};

export function planCapacity(inputs: PlanInputs): Plan {
  const cap = inputs.capacityPerInstance.value;
  if (!(cap > 0)) throw new RangeError('capacity per instance must be above 0');
  const min = Math.max(1, inputs.minInstances.value);
  const rows: PlanRow[] = [];
  for (let month = 0; month <= inputs.months.value; month++) {
    const peakUsers = inputs.peakUsers.value * (1 + inputs.monthlyGrowth.value) ** month;
    const requiredRate = ceilUp((peakUsers * inputs.requestsPerUserPerMinute.value) / 60);
    const instances = Math.max(min, ceilUp(requiredRate / cap));
    const instancesWithBuffer = Math.max(min, ceilUp(instances * (1 + inputs.buffer.value)));
    const price = inputs.pricePerInstanceHour?.value ?? null;
    rows.push({ month, peakUsers, requiredRate, instances, instancesWithBuffer, costPerMonth: price === null ? null : instancesWithBuffer * price * inputs.hoursPerMonth.value });
  }
  const measured: string[] = [];
  const assumed: string[] = [];
  for (const [key, label] of Object.entries(LABELS) as Array<[keyof typeof LABELS, string]>) {
    const input = inputs[key];
    if (input) (input.source === 'measured' ? measured : assumed).push(label);
  }
  const notes = ['monthly cost provisions the peak every hour: an upper bound when the service scales down off-peak'];
  if (!inputs.pricePerInstanceHour) notes.push('no price per instance-hour (--price or profile cost.instance_hour): costs are not computed');
  return { inputs, rows, measured, assumed, notes };
}
