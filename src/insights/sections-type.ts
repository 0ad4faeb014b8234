/** The type report as a neutral section (title, facts, table, notes) for every renderer. */
import type { Section } from './sections.js';
import type { EnduranceTypeReport, LoadTypeReport, ScalabilityTypeReport, SpikeTypeReport, StressTypeReport, TargetEval, TypeReport } from './types.js';
import { NA, at, dur, frac, money, num, rate, yesNo } from './format.js';

export function typeSection(report: TypeReport, currency: string | null): Section {
  switch (report.type) {
    case 'load': return loadSection(report);
    case 'stress': return stressSection(report);
    case 'spike': return spikeSection(report);
    case 'endurance': return enduranceSection(report);
    case 'scalability': return scalabilitySection(report, currency);
  }
}

const targetValue = (e: TargetEval, v: number | null): string => (e.id.startsWith('latency.') ? dur(v) : e.id === 'error_rate' ? frac(v) : rate(v));
const targetLine = (e: TargetEval): string => `${e.id}: ${targetValue(e, e.measured)} (limit ${targetValue(e, e.limit)}) ${e.met === null ? 'unknown' : e.met ? 'met' : 'missed'}`;

function loadSection(r: LoadTypeReport): Section {
  const s = r.steady;
  const facts = s
    ? [`steady window: ${at(s.fromT)} to ${at(s.toT)} at ${num(s.plannedLevel)} planned`, `ok throughput: ${rate(s.okPerSecond)}`, `error rate: ${frac(s.errorRate)}`, `latency p50 / p95 / p99: ${dur(s.latencyP50Ms)} / ${dur(s.latencyP95Ms)} / ${dur(s.latencyP99Ms)}${s.latencyExact ? '' : ' (upper bounds)'}`, `targets met: ${yesNo(r.met)}`, ...s.targets.map(targetLine)]
    : ['no steady window'];
  return { title: 'Load test: steady state', facts, notes: r.notes };
}

function stressSection(r: StressTypeReport): Section {
  const facts = [
    `highest level meeting targets: ${num(r.highestPassingLevel)}`,
    `breaking point (first level missing a target): ${num(r.firstFailingLevel)}`,
    `broke first: ${r.brokeFirst ?? NA}${r.causes.length > 1 ? ` (then ${r.causes.slice(1).map((c) => `${c.cause} at ${at(c.atT)}`).join(', ')})` : ''}`,
    `recovery after the load dropped: ${dur(r.recoveryMs)}`,
  ];
  const table = {
    head: ['level', 'from', 'ok/s', 'p95', 'errors', 'ready (mean/max)', 'met'],
    rows: r.levels.map((l) => [num(l.plannedLevel), at(l.fromT), num(l.okPerSecond), dur(l.latencyP95Ms), frac(l.errorRate), `${num(l.meanReady)} / ${num(l.maxReady, 0)}`, yesNo(l.met)]),
  };
  return { title: 'Stress test: breaking point', facts, table, notes: r.notes };
}

function spikeSection(r: SpikeTypeReport): Section {
  const facts = [
    `spike: ${num(r.fromLevel)} -> ${num(r.toLevel)} from ${at(r.spikeStartT)} to ${at(r.spikeEndT)}`,
    `time to absorb (latency back under target): ${dur(r.absorbMs)}`,
    `errors during the spike: ${r.errors} (${frac(r.errorRate)}), dropped arrivals: ${r.dropped}`,
    `latency p95 / max during the spike: ${dur(r.latencyP95Ms)} / ${dur(r.latencyMaxMs)}`,
    `replicas added: ${num(r.replicasAdded, 0)} (${num(r.baselineReady, 0)} -> ${num(r.peakReady, 0)})`,
    `back to baseline replicas after the spike: ${dur(r.backToBaselineMs)}`,
  ];
  return { title: 'Spike test', facts, notes: r.notes };
}

function enduranceSection(r: EnduranceTypeReport): Section {
  const trend = (t: EnduranceTypeReport['latencyP95'], unit: (v: number) => string) => (t ? `${unit(t.slopePerHour)} per hour (r² ${num(t.r2, 2)}, ${t.points} points)` : NA);
  const facts = [
    `duration: ${num(r.durationHours, 2)} h`,
    `latency p95 drift: ${trend(r.latencyP95, (v) => `${num(v)}ms`)}`,
    `error-rate drift: ${trend(r.errorRate, (v) => frac(v))}`,
    `memory growth: ${trend(r.memory, (v) => `${num(v, 2)} points`)}${r.leakWarning ? ' - POSSIBLE LEAK' : ''}`,
    `memory full in: ${r.hoursToMemoryFull === null ? NA : `${num(r.hoursToMemoryFull)} h at this rate`}`,
    `replica churn: ${r.scalingMoves} scaling moves (${num(r.scalingMovesPerHour)} per hour)`,
  ];
  return { title: 'Endurance test: trends', facts, notes: r.notes };
}

function scalabilitySection(r: ScalabilityTypeReport, currency: string | null): Section {
  const facts = [`correlation of load and ready replicas: ${num(r.replicasLoadCorrelation, 2)}`, `variation of ok/s per replica across steps: ${frac(r.perReplicaVariation)}`];
  const table = {
    head: ['step', 'ok/s', 'ready', 'ok/s per replica', 'scale events', 'p95', 'cost / 1k req', 'capacity / load'],
    rows: r.steps.map((s) => [num(s.plannedLevel), num(s.okPerSecond), num(s.meanReady), num(s.okPerSecondPerReplica), String(s.scaleEvents), dur(s.latencyP95Ms), money(s.costPer1000, currency), num(s.capacityToLoad, 2)]),
  };
  return { title: 'Scalability test: per load step', facts, table, notes: r.notes };
}
