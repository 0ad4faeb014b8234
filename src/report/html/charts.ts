/**
 * The report's five charts (pure specs): request rate, latency, errors, replicas, CPU/memory.
 * All use the same TimeAxis; only the replicas chart carries the scaling spans.
 */
import type { Timeline } from '../../timeline/types.js';
import type { ChartSpec, LineSpec, RefLine } from './chart.js';
import { ERROR_CLASSES, hasSampleField, loadLatency, loadRate, sampleSeries } from './series.js';

const ERROR_COLORS: Record<string, string> = { http4xx: '#f59e0b', http5xx: '#dc2626', timeout: '#7c3aed', connection: '#0f766e', other: '#6b7280', dropped: '#111827' };

export type ChartId = 'rate' | 'latency' | 'errors' | 'replicas' | 'resources';

export function chartSpecs(timeline: Timeline): Record<ChartId, ChartSpec> {
  return { rate: rateChart(timeline), latency: latencyChart(timeline), errors: errorsChart(timeline), replicas: replicasChart(timeline), resources: resourcesChart(timeline) };
}

export function rateChart(tl: Timeline): ChartSpec {
  const closed = tl.header.profile.load?.model === 'closed';
  const lines: LineSpec[] = [
    { name: closed ? 'planned (VUs)' : 'planned', color: '#94a3b8', points: closed ? tl.load.map((w) => [w.t, w.planned]) : loadRate(tl.load, (w) => w.planned), dashed: true },
    { name: 'sent', color: '#2563eb', points: loadRate(tl.load, (w) => w.sent) },
    { name: 'ok', color: '#16a34a', points: loadRate(tl.load, (w) => w.ok) },
  ];
  return { id: 'rate', title: 'Request rate: planned vs achieved', yName: 'req/s', height: 200, lines };
}

export function latencyChart(tl: Timeline): ChartSpec {
  const lines: LineSpec[] = [
    { name: 'p50', color: '#16a34a', points: loadLatency(tl.load, (w) => w.latency.p50) },
    { name: 'p95', color: '#f59e0b', points: loadLatency(tl.load, (w) => w.latency.p95) },
    { name: 'p99', color: '#dc2626', points: loadLatency(tl.load, (w) => w.latency.p99) },
  ];
  const targets = tl.header.profile.targets.latency ?? {};
  const refLines: RefLine[] = (['p50', 'p95', 'p99'] as const)
    .filter((k) => targets[k] !== undefined)
    .map((k) => ({ label: `${k} target`, value: targets[k] as number, color: lines.find((l) => l.name === k)!.color }));
  return { id: 'latency', title: 'Latency (from intended send time)', yName: 'ms', height: 200, lines, refLines };
}

export function errorsChart(tl: Timeline): ChartSpec {
  const used = ERROR_CLASSES.filter((c) => tl.load.some((w) => w.errors[c] > 0));
  const classes = used.length ? used : (['http5xx'] as const);
  const lines: LineSpec[] = classes.map((c) => ({ name: c, color: ERROR_COLORS[c]!, points: loadRate(tl.load, (w) => w.errors[c]) }));
  if (tl.load.some((w) => w.dropped > 0)) lines.push({ name: 'dropped', color: ERROR_COLORS.dropped!, points: loadRate(tl.load, (w) => w.dropped), dashed: true });
  return { id: 'errors', title: 'Errors by class', yName: 'per s', height: 180, lines };
}

export function replicasChart(tl: Timeline): ChartSpec {
  const lines: LineSpec[] = [
    { name: 'desired', color: '#7c3aed', points: sampleSeries(tl, 'desired'), step: true },
    { name: 'ready', color: '#16a34a', points: sampleSeries(tl, 'ready'), step: true },
  ];
  if (hasSampleField(tl.samples, 'pending')) lines.push({ name: 'pending', color: '#f59e0b', points: sampleSeries(tl, 'pending'), step: true, dashed: true });
  const scaling = tl.target?.description.scaling;
  const auto = tl.header.profile.targets.autoscaling;
  const min = scaling?.minReplicas ?? auto?.min_instances;
  const max = scaling?.maxReplicas ?? auto?.max_instances;
  const refLines: RefLine[] = [];
  if (min !== undefined) refLines.push({ label: 'min', value: min, color: '#94a3b8' });
  if (max !== undefined) refLines.push({ label: 'max', value: max, color: '#475569' });
  return { id: 'replicas', title: 'Replicas: desired / ready / pending', yName: 'replicas', height: 260, lines, refLines };
}

export function resourcesChart(tl: Timeline): ChartSpec {
  const lines: LineSpec[] = [
    { name: 'cpu', color: '#dc2626', points: sampleSeries(tl, 'cpuPct') },
    { name: 'memory', color: '#2563eb', points: sampleSeries(tl, 'memPct') },
  ];
  const targets = tl.header.profile.targets;
  const rule = tl.target?.description.scaling.rules.find((r) => r.metric.toLowerCase().includes('cpu') && r.unit === '%');
  const cpuTarget = targets.cpu?.target !== undefined ? targets.cpu.target * 100 : rule?.target;
  const refLines: RefLine[] = [];
  if (cpuTarget !== undefined) refLines.push({ label: 'cpu target', value: cpuTarget, color: '#f97316' });
  if (targets.cpu?.max !== undefined) refLines.push({ label: 'cpu max', value: targets.cpu.max * 100, color: '#991b1b' });
  if (targets.memory?.max !== undefined) refLines.push({ label: 'mem max', value: targets.memory.max * 100, color: '#1e3a8a' });
  return { id: 'resources', title: 'CPU and memory utilization', yName: '%', height: 200, lines, refLines };
}

/** A chart with no point to draw says so instead of showing empty axes silently. */
export function isEmpty(spec: ChartSpec): boolean {
  return spec.lines.every((l) => l.points.every((p) => p[1] === null));
}
