/**
 * Insights as neutral sections: a title, facts (one line each), an optional table and notes.
 * The markdown and text renderers only lay these out, so every format says the same thing.
 */
import { dur, money, num, pctPoints, rate } from './format.js';
import { typeSection } from './sections-type.js';
import type { CapacityEstimate, CostReport, Insights, RightSizing } from './types.js';

export interface Section {
  title: string;
  facts: string[];
  table?: { head: string[]; rows: string[][] };
  notes: string[];
}

export function insightSections(insights: Insights): Section[] {
  const sections: Section[] = [];
  if (insights.typeReport) sections.push(typeSection(insights.typeReport, insights.cost.currency));
  sections.push(capacitySection(insights.capacity), rightSizingSection(insights.rightSizing), costSection(insights.cost));
  return sections;
}

function capacitySection(c: CapacityEstimate): Section {
  const kind = c.kind === 'lower-bound' ? 'at least ' : '';
  const facts = [`capacity per replica: ${c.perReplica === null ? 'unknown' : `${kind}${rate(c.perReplica)}`} (basis: ${c.basis}, ${c.intervals} stable intervals)`];
  if (c.cpuFit) {
    const ci = c.cpuFit.ci95 ? `, 95% interval ${num(c.cpuFit.ci95[0])} to ${num(c.cpuFit.ci95[1])}` : '';
    facts.push(`at the CPU target ${pctPoints(c.cpuFit.targetPct)}: ${rate(c.cpuFit.atTarget)}${ci} (cpu% = ${num(c.cpuFit.intercept, 2)} + ${num(c.cpuFit.slope, 3)} x req/s per replica, r² ${num(c.cpuFit.r2, 2)})`);
  }
  if (c.latency) {
    const limits = c.latency.limits.map((l) => `${l.key} <= ${dur(l.limitMs)}`).join(', ');
    facts.push(`at the latency target (${limits}): highest rate meeting it ${rate(c.latency.bestMeeting)}, lowest breaking it ${rate(c.latency.lowestBreaking)}`);
  }
  facts.push(`highest rate per replica observed: ${rate(c.maxObserved)}`);
  return { title: 'Capacity per replica', facts, notes: c.notes };
}

function rightSizingSection(r: RightSizing): Section {
  const usage = (name: string, u: RightSizing['cpu']) => (u ? `${name}: mean ${pctPoints(u.meanPct)}, p95 ${pctPoints(u.p95Pct)}, max ${pctPoints(u.maxPct)} (${u.samples} samples)` : `${name}: no samples`);
  const facts = [usage('CPU', r.cpu), usage('memory', r.memory)];
  const table = r.recommendations.length
    ? { head: ['what', 'action', 'suggested', 'why'], rows: r.recommendations.map((x) => [x.subject, x.action, suggested(x.subject, x.suggested), x.reason]) }
    : undefined;
  const notes = r.recommendations.length ? [] : ['no change recommended from this run'];
  return table ? { title: 'Right-sizing', facts, table, notes } : { title: 'Right-sizing', facts, notes };
}

function suggested(subject: string, value: number | null): string {
  if (value === null) return '-';
  if (subject === 'cpu' || subject === 'memory') return `x${num(value, 2)} per replica`;
  if (subject === 'scaling_target') return `${num(value, 0)}%`;
  return `${num(value, 0)} replicas`;
}

function costSection(c: CostReport): Section {
  const facts = [
    `instance time: ${num(c.readyReplicaSeconds, 0)} replica-seconds (${num(c.instanceHours, 3)} instance-hours)`,
    `price per instance-hour: ${money(c.pricePerInstanceHour, c.currency)}; cost of the run: ${money(c.runCost, c.currency)}`,
    `cost per 1,000 successful requests: ${money(c.costPer1000, c.currency)} (${c.okRequests} requests)`,
    `over-provisioned: ${num(c.overProvisionedReplicaSeconds, 0)} replica-seconds (${c.overProvisionedShare === null ? 'n/a' : pctPoints(c.overProvisionedShare * 100)} of instance time), cost ${money(c.overProvisionCost, c.currency)}`,
    `under-provisioned: ${num(c.underProvisionedReplicaSeconds, 0)} replica-seconds`,
  ];
  return { title: 'Cost', facts, notes: c.notes };
}
