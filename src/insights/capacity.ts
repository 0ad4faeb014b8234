/**
 * Capacity per replica: the rate one ready replica sustains, from the run itself.
 *
 * 1. Stable spans: runs of consecutive samples with the same ready count (the count is known
 *    to hold from the first to the last of them), inside the load, with no gap in platform data.
 * 2. Observations: each span is cut at its CPU samples (a chunk ends at a CPU sample once it
 *    is at least two load windows long; its CPU is the mean of the samples that closed in it),
 *    or into CHUNK_MS pieces without CPU data. Per chunk:
 *      x = ok responses per second / ready replicas     y = cpuPct, merged latency
 * 3. CPU: least squares y = a + b x; at the CPU target (targets.cpu.target, else the
 *    platform's cpu scaling rule) x* = (target - a) / b, with an approximate 95% interval from
 *    inverse prediction:  x* ± t(n-2) * (s / |b|) * sqrt(1/n + (x* - x̄)² / Sxx).
 * 4. Latency: the highest x whose chunk met every latency limit below the lowest x that broke
 *    one (an estimate), or the highest x that met them when none broke (a lower bound).
 * The chosen value is the CPU estimate unless latency broke below it (then latency binds:
 * the latency estimate), else the latency value, else the highest x observed (a lower bound).
 */
import { mergeLatency } from '../analysis/latency.js';
import type { Point } from '../analysis/series.js';
import type { AnalysisResult } from '../analysis/types.js';
import type { LoadRecord, Timeline } from '../timeline/types.js';
import { insightContext, type InsightContext } from './context.js';
import { loadEndT } from './levels.js';
import { linearFit, t95 } from './stats.js';
import type { CapacityEstimate } from './types.js';
import { summaryMeets, windowsFrom } from './windows.js';

export const CHUNK_MS = 10_000;
const MIN_FIT_POINTS = 3;

export interface Observation {
  fromT: number;
  toT: number;
  ready: number;
  perReplica: number;
  cpuPct: number | null;
  meetsLatency: boolean | null;
}

export function capacityPerReplica(timeline: Timeline, analysis: AnalysisResult): CapacityEstimate {
  return capacityIn(insightContext(timeline, analysis));
}

export function capacityIn(cx: InsightContext): CapacityEstimate {
  const notes: string[] = [];
  const obs = observations(cx);
  const maxObserved = obs.length ? Math.max(...obs.map((o) => o.perReplica)) : null;
  const cpuFit = fitCpu(cx, obs, notes);
  const latency = latencyBound(cx, obs);
  const est: CapacityEstimate = { perReplica: null, basis: 'none', kind: 'none', intervals: obs.length, cpuFit, latency, maxObserved, notes };
  if (obs.length === 0) {
    notes.push('no stable interval (constant ready replicas with load flowing): capacity per replica is unknown');
    return est;
  }
  const cpuX = cpuFit?.atTarget ?? null;
  const latX = latency?.bestMeeting ?? null;
  const latBreak = latency?.lowestBreaking ?? null;
  const latBroke = latBreak !== null;
  if (cpuX !== null && !(latX !== null && latBreak !== null && latBreak < cpuX)) {
    if (maxObserved !== null && cpuX > 1.5 * maxObserved) notes.push(`the CPU estimate extrapolates beyond the highest rate per replica seen (${maxObserved.toFixed(1)} req/s)`);
    return { ...est, perReplica: cpuX, basis: 'cpu-target', kind: 'estimate' };
  }
  if (latX !== null) return { ...est, perReplica: latX, basis: 'latency-target', kind: latBroke ? 'estimate' : 'lower-bound' };
  return { ...est, perReplica: maxObserved, basis: 'observed', kind: 'lower-bound' };
}

export function observations(cx: InsightContext): Observation[] {
  const stop = loadEndT(cx.timeline, cx.endT);
  const out: Observation[] = [];
  for (const span of stableSpans(cx.ready)) {
    const fromT = Math.max(span.fromT, cx.load[0]?.t ?? Infinity);
    const toT = Math.min(span.toT, stop);
    if (toT <= fromT || cx.timeline.gaps.some((g) => g.t < toT && g.untilT > fromT)) continue;
    for (const chunk of chunks(cx.cpu, fromT, toT, 2 * cx.timeline.header.windowMs)) {
      const o = observe(cx, chunk.fromT, chunk.toT, span.value, chunk.cpuPct);
      if (o) out.push(o);
    }
  }
  return out;
}

function stableSpans(ready: readonly Point[]): Array<{ fromT: number; toT: number; value: number }> {
  const spans: Array<{ fromT: number; toT: number; value: number }> = [];
  ready.forEach((p) => {
    const last = spans[spans.length - 1];
    if (last && last.value === p.value) last.toT = p.t;
    else spans.push({ fromT: p.t, toT: p.t, value: p.value });
  });
  return spans.filter((s) => s.toT > s.fromT && s.value > 0);
}

function chunks(cpu: readonly Point[], fromT: number, toT: number, minMs: number): Array<{ fromT: number; toT: number; cpuPct: number | null }> {
  const list: Array<{ fromT: number; toT: number; cpuPct: number | null }> = [];
  if (cpu.length > 0) {
    let start = fromT;
    let values: number[] = [];
    for (const c of cpu.filter((p) => p.t > fromT && p.t <= toT)) {
      values.push(c.value);
      if (c.t - start < minMs) continue;
      list.push({ fromT: start, toT: c.t, cpuPct: values.reduce((a, b) => a + b, 0) / values.length });
      start = c.t;
      values = [];
    }
    return list;
  }
  for (let t = fromT; t < toT; t += CHUNK_MS) list.push({ fromT: t, toT: Math.min(t + CHUNK_MS, toT), cpuPct: null });
  return list;
}

function observe(cx: InsightContext, fromT: number, toT: number, ready: number, cpuPct: number | null): Observation | null {
  const windows = windowsFrom(cx.load, fromT, toT).filter((r) => r.t + r.windowMs <= toT);
  if (windows.length === 0) return null;
  const ok = windows.reduce((n, r) => n + r.ok, 0);
  const spanS = (windows[windows.length - 1]!.t + windows[windows.length - 1]!.windowMs - windows[0]!.t) / 1000;
  if (ok === 0 || spanS <= 0) return null;
  return { fromT, toT, ready, perReplica: ok / spanS / ready, cpuPct, meetsLatency: meetsLatency(windows, cx.limits) };
}

/** One window: its own summary; several: their merged histograms (costly, so only then). */
function meetsLatency(windows: readonly LoadRecord[], limits: InsightContext['limits']): boolean | null {
  if (limits.length === 0) return null;
  const latency = windows.length === 1 ? windows[0]!.latency : mergeLatency(windows).summary;
  return latency.count === 0 ? null : summaryMeets(latency, limits);
}

function cpuTargetPct(cx: InsightContext): number | null {
  if (cx.targets.cpu?.target !== undefined) return cx.targets.cpu.target * 100;
  const rule = cx.timeline.target?.description.scaling.rules.find((r) => /cpu/i.test(r.metric) && r.unit === '%');
  return rule ? rule.target : null;
}

function fitCpu(cx: InsightContext, obs: readonly Observation[], notes: string[]): CapacityEstimate['cpuFit'] {
  const targetPct = cpuTargetPct(cx);
  const points = obs.filter((o) => o.cpuPct !== null);
  if (targetPct === null || points.length === 0) return null;
  const fit = points.length >= MIN_FIT_POINTS ? linearFit(points.map((o) => o.perReplica), points.map((o) => o.cpuPct!)) : null;
  if (!fit || fit.slope <= 0) {
    notes.push(`CPU did not rise with the rate per replica over ${points.length} interval(s): no CPU-based capacity`);
    return null;
  }
  const atTarget = (targetPct - fit.intercept) / fit.slope;
  const half = fit.n > 2 ? t95(fit.n - 2) * (fit.residualSd / fit.slope) * Math.sqrt(1 / fit.n + (atTarget - fit.meanX) ** 2 / fit.sxx) : null;
  const ci95: [number, number] | null = half === null ? null : [Math.max(0, atTarget - half), atTarget + half];
  return { slope: fit.slope, intercept: fit.intercept, r2: fit.r2, targetPct, atTarget: atTarget > 0 ? atTarget : null, ci95 };
}

function latencyBound(cx: InsightContext, obs: readonly Observation[]): CapacityEstimate['latency'] {
  if (cx.limits.length === 0) return null;
  const breaking = obs.filter((o) => o.meetsLatency === false).map((o) => o.perReplica);
  const lowestBreaking = breaking.length ? Math.min(...breaking) : null;
  const meeting = obs.filter((o) => o.meetsLatency === true && (lowestBreaking === null || o.perReplica < lowestBreaking)).map((o) => o.perReplica);
  return { limits: cx.limits.map((l) => ({ ...l })), bestMeeting: meeting.length ? Math.max(...meeting) : null, lowestBreaking };
}
