/**
 * Right-sizing: what the samples say about the size of a replica, the replica bounds and the
 * scaling target. Utilization is read from samples while the load ran (all samples when
 * there was no load). Rules, each a recommendation with its reason and numbers:
 *
 *   cpu shrink      max CPU < CPU_LOW             factor p95 / aim (aim: the CPU target, else 70%)
 *   cpu grow        p95 CPU > CPU_HIGH            factor p95 / aim
 *   memory shrink   max memory < MEM_LOW          factor max / MEM_AIM
 *   memory grow     max memory > MEM_HIGH         factor max / MEM_AIM
 *   min lower       min replicas > what the lowest hold needed: max(1, ceil(rate / capacity))
 *   max raise       ready reached max and a latency or error-rate check failed;
 *                   suggested ceil(peak planned rate / capacity)
 *   target lower    a scale-up (desired rose) was over a latency limit while below max:
 *                   scale earlier, target - TARGET_STEP
 *   target raise    every scale-up stayed under half of each latency limit: target + TARGET_STEP
 *                   (at most TARGET_CEILING)
 */
import { loadSlice } from '../analysis/load-slices.js';
import type { InsightContext } from './context.js';
import { loadEndT } from './levels.js';
import { mean, percentile } from './stats.js';
import type { Recommendation, RightSizing, UsageStats } from './types.js';
import { summaryMeets } from './windows.js';

export const CPU_LOW = 40, CPU_HIGH = 90, MEM_LOW = 40, MEM_HIGH = 85, MEM_AIM = 70, CPU_AIM = 70;
export const TARGET_STEP = 10, TARGET_CEILING = 85;

export function rightSizingIn(cx: InsightContext, capacity: number | null): RightSizing {
  const fromT = cx.load[0]?.t ?? -Infinity;
  const toT = cx.load.length ? loadEndT(cx.timeline, cx.endT) : Infinity;
  const cpu = usage(cx.cpu.filter((p) => p.t >= fromT && p.t <= toT).map((p) => p.value));
  const memory = usage(cx.mem.filter((p) => p.t >= fromT && p.t <= toT).map((p) => p.value));
  const targetPct = cx.targets.cpu?.target !== undefined ? cx.targets.cpu.target * 100 : cpuRule(cx);
  const recs: Recommendation[] = [...cpuRecs(cpu, targetPct ?? CPU_AIM), ...memoryRecs(memory), ...boundRecs(cx, capacity), ...targetRecs(cx, targetPct)];
  return { cpu, memory, recommendations: recs };
}

function usage(values: number[]): UsageStats | null {
  if (values.length === 0) return null;
  return { samples: values.length, meanPct: mean(values)!, p95Pct: percentile(values, 95)!, maxPct: Math.max(...values) };
}

function cpuRule(cx: InsightContext): number | null {
  return cx.timeline.target?.description.scaling.rules.find((r) => /cpu/i.test(r.metric) && r.unit === '%')?.target ?? null;
}

function cpuRecs(cpu: UsageStats | null, aimPct: number): Recommendation[] {
  if (!cpu) return [];
  const data = { meanPct: cpu.meanPct, p95Pct: cpu.p95Pct, maxPct: cpu.maxPct, aimPct, samples: cpu.samples };
  if (cpu.maxPct < CPU_LOW) return [{ subject: 'cpu', action: 'shrink', suggested: Math.max(0.25, cpu.p95Pct / aimPct), reason: `CPU never passed ${CPU_LOW}% under load (max ${cpu.maxPct.toFixed(0)}%): each replica has more CPU than it used`, data }];
  if (cpu.p95Pct > CPU_HIGH) return [{ subject: 'cpu', action: 'grow', suggested: cpu.p95Pct / aimPct, reason: `CPU p95 was ${cpu.p95Pct.toFixed(0)}% (above ${CPU_HIGH}%): replicas ran saturated`, data }];
  return [];
}

function memoryRecs(mem: UsageStats | null): Recommendation[] {
  if (!mem) return [];
  const data = { meanPct: mem.meanPct, p95Pct: mem.p95Pct, maxPct: mem.maxPct, aimPct: MEM_AIM, samples: mem.samples };
  if (mem.maxPct < MEM_LOW) return [{ subject: 'memory', action: 'shrink', suggested: Math.max(0.25, mem.maxPct / MEM_AIM), reason: `memory never passed ${MEM_LOW}% (max ${mem.maxPct.toFixed(0)}%): memory per replica could shrink and keep ${100 - MEM_AIM}% headroom`, data }];
  if (mem.maxPct > MEM_HIGH) return [{ subject: 'memory', action: 'grow', suggested: mem.maxPct / MEM_AIM, reason: `memory reached ${mem.maxPct.toFixed(0)}% (above ${MEM_HIGH}%): risk of running out of memory`, data }];
  return [];
}

function boundRecs(cx: InsightContext, capacity: number | null): Recommendation[] {
  const recs: Recommendation[] = [];
  const scaling = cx.timeline.target?.description.scaling;
  const min = scaling?.minReplicas ?? cx.targets.autoscaling?.min_instances ?? cx.analysis.replicas.minDesired;
  const max = cx.targets.autoscaling?.max_instances ?? scaling?.maxReplicas ?? null;
  const rates = cx.levels.map((l) => l.level);
  if (capacity !== null && capacity > 0 && min !== null && rates.length > 0) {
    const lowest = Math.min(...rates);
    const needed = Math.max(1, Math.ceil(lowest / capacity - 1e-9));
    if (min > needed) recs.push({ subject: 'min_instances', action: 'lower', suggested: needed, reason: `the lowest hold (${lowest} req/s) needed ${needed} replica(s) at ${capacity.toFixed(1)} req/s each, below the minimum of ${min} (keep 2 or more if availability needs it)`, data: { minInstances: min, lowestLevel: lowest, neededAtLowest: needed, capacityPerReplica: capacity } });
  }
  const maxReady = cx.analysis.replicas.maxReady;
  const suffered = cx.analysis.checks.filter((c) => c.status === 'fail' && /^(latency\.|error_rate$)/.test(c.id)).map((c) => c.id);
  if (max !== null && maxReady !== null && maxReady >= max && suffered.length > 0) {
    const peak = rates.length ? Math.max(...rates) : null;
    const needed = capacity && peak !== null ? Math.ceil(peak / capacity - 1e-9) : null;
    recs.push({ subject: 'max_instances', action: 'raise', suggested: needed !== null && needed > max ? needed : null, reason: `ready replicas reached the maximum of ${max} and ${suffered.join(', ')} failed`, data: { maxInstances: max, maxReady, peakLevel: peak, neededAtPeak: needed, failedChecks: suffered.join(', ') } });
  }
  return recs;
}

function targetRecs(cx: InsightContext, targetPct: number | null): Recommendation[] {
  if (targetPct === null || cx.limits.length === 0) return [];
  const max = cx.targets.autoscaling?.max_instances ?? cx.timeline.target?.description.scaling.maxReplicas ?? Infinity;
  const reacted = (o: string) => o === 'scaled' || o === 'incomplete';
  const ups = cx.analysis.scaleUps.filter((u) => reacted(u.outcome) && u.during && u.during.latency.count > 0 && (u.peakDesired ?? 0) < max);
  if (ups.length === 0) return [];
  const slow = ups.filter((u) => !summaryMeets(u.during!.latency, cx.limits));
  const data = { cpuTargetPct: targetPct, scaleUps: ups.length, overLimit: slow.length };
  if (slow.length > 0) return [{ subject: 'scaling_target', action: 'lower', suggested: Math.max(10, targetPct - TARGET_STEP), reason: `${slow.length} of ${ups.length} scale-up(s) went over a latency limit before the new replicas were ready: scale earlier`, data }];
  const half = cx.limits.map((l) => ({ ...l, limitMs: l.limitMs / 2 }));
  const whole = loadSlice(cx.load, -Infinity, Infinity);
  if (targetPct < TARGET_CEILING && whole && summaryMeets(whole.latency, half) && ups.every((u) => summaryMeets(u.during!.latency, half)))
    return [{ subject: 'scaling_target', action: 'raise', suggested: Math.min(TARGET_CEILING, targetPct + TARGET_STEP), reason: 'latency stayed under half of every limit, even while scaling up: a higher target would run fewer replicas', data }];
  return [];
}
