/**
 * The cost of the run, and of the capacity it did not need.
 *
 *   instance-hours      ready replica-seconds (analysis) / 3600
 *   run cost            instance-hours * price per instance-hour
 *   cost per 1,000      run cost / (ok responses / 1000)
 *   needed(t)           max(1, ceil(offered(t) / capacity per replica)), offered = (sent +
 *                       dropped) / window seconds of the window covering t, 0 outside the load
 *   over-provisioned    ∫ max(0, ready(t) - needed(t)) dt, from the first ready sample to the end
 *   under-provisioned   ∫ max(0, needed(t) - ready(t)) dt
 *
 *   ready   4 |    ______________
 *   needed  3 |   _|__          |____       over = area between ready and needed where
 *           1 |__|    |_________|____        ready is above
 */
import type { Point } from '../analysis/series.js';
import type { LoadRecord } from '../timeline/types.js';
import type { InsightContext } from './context.js';
import type { CostReport } from './types.js';

export function costIn(cx: InsightContext, capacity: number | null): CostReport {
  const notes: string[] = [];
  const rs = cx.analysis.replicas.readyReplicaSeconds;
  const price = cx.price;
  const okRequests = cx.analysis.load?.ok ?? 0;
  const instanceHours = rs === null ? null : rs / 3600;
  const runCost = instanceHours !== null && price !== null ? instanceHours * price : null;
  if (rs === null) notes.push('no ready-replica samples: instance time is unknown');
  if (price === null) notes.push('no price per instance-hour (profile cost.instance_hour or --price): costs are not computed');
  const fit = capacity !== null && capacity > 0 ? provisioning(cx.ready, cx.load, capacity, cx.endT) : null;
  if (capacity === null) notes.push('capacity per replica is unknown: over-provisioning is not computed');
  const share = fit && fit.total > 0 ? fit.over / fit.total : null;
  return {
    readyReplicaSeconds: rs,
    instanceHours,
    pricePerInstanceHour: price,
    currency: cx.currency,
    runCost,
    okRequests,
    costPer1000: runCost !== null && okRequests > 0 ? runCost / (okRequests / 1000) : null,
    overProvisionedReplicaSeconds: fit?.over ?? null,
    underProvisionedReplicaSeconds: fit?.under ?? null,
    overProvisionedShare: share,
    overProvisionCost: fit && price !== null ? (fit.over / 3600) * price : null,
    notes,
  };
}

/** Replica-seconds above and below the need, and the ready total, over [first ready, endT). */
export function provisioning(ready: readonly Point[], load: readonly LoadRecord[], capacity: number, endT: number): { over: number; under: number; total: number } | null {
  if (ready.length === 0) return null;
  const startT = ready[0]!.t;
  const cuts = new Set<number>([startT, endT]);
  for (const p of ready) if (p.t > startT && p.t < endT) cuts.add(p.t);
  for (const r of load) for (const t of [r.t, r.t + r.windowMs]) if (t > startT && t < endT) cuts.add(t);
  const times = [...cuts].sort((a, b) => a - b);
  let over = 0, under = 0, total = 0, ri = 0, wi = 0;
  for (let i = 0; i + 1 < times.length; i++) {
    const a = times[i]!, dt = (times[i + 1]! - a) / 1000;
    while (ri + 1 < ready.length && ready[ri + 1]!.t <= a) ri++;
    while (wi < load.length && load[wi]!.t + load[wi]!.windowMs <= a) wi++;
    const w = load[wi];
    const rate = w && w.t <= a ? (w.sent + w.dropped) / (w.windowMs / 1000) : 0;
    const need = Math.max(1, Math.ceil(rate / capacity - 1e-9));
    const have = ready[ri]!.value;
    over += Math.max(0, have - need) * dt;
    under += Math.max(0, need - have) * dt;
    total += have * dt;
  }
  return { over, under, total };
}
