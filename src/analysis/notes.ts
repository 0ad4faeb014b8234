/** What the reader must know to trust the numbers: missing data, gaps, generator limits. */
import type { Timeline } from '../timeline/types.js';
import { formatPercent } from '../units.js';
import { ms } from './check-util.js';
import type { LoadSlice } from './types.js';

/** Spans listed one by one; beyond this, the rest are summed up per reason (every reason still named). */
const MAX_GAPS_LISTED = 20;

export function collectNotes(timeline: Timeline, load: LoadSlice | null): string[] {
  const notes: string[] = [];
  const end = timeline.end;
  if (!end) notes.push('the timeline has no end record: the run was killed, or is still going');
  else if (end.status !== 'completed') notes.push(`the run ended early (${end.status}${end.reason ? `: ${end.reason}` : ''}) at ${ms(end.t)}`);
  if (timeline.skippedLines > 0) notes.push(`${timeline.skippedLines} timeline line(s) could not be read and were skipped`);
  notes.push(...gapNotes(timeline), ...revisionNotes(timeline), ...dataNotes(timeline, load));
  for (const n of timeline.notes) if (n.level === 'warning') notes.push(`at ${ms(n.t)}: ${n.message}`);
  return notes;
}

function gapNotes(timeline: Timeline): string[] {
  const spans = mergeGaps(timeline.gaps);
  const listed = spans.slice(0, MAX_GAPS_LISTED).map((g) => `no platform data from ${ms(g.t)} to ${ms(g.untilT)}: ${g.reasons.join('; ')}`);
  const rest = spans.slice(MAX_GAPS_LISTED);
  if (rest.length > 0) {
    const byReason = new Map<string, number>();
    for (const g of rest) for (const r of g.reasons) byReason.set(r, (byReason.get(r) ?? 0) + 1);
    const total = rest.reduce((sum, g) => sum + (g.untilT - g.t), 0);
    const reasons = [...byReason].map(([r, n]) => `${r} (${n}×)`).join('; ');
    listed.push(`... and ${rest.length} more gaps in platform data (${ms(total)} in all, from ${ms(rest[0]!.t)} to ${ms(rest[rest.length - 1]!.untilT)}): ${reasons}`);
  }
  return listed;
}

/** A metric point the platform revised is analysed once, at its last read: say so, per source. */
export function revisionNotes(timeline: Pick<Timeline, 'revisedPoints'>): string[] {
  return timeline.revisedPoints.map((r) => {
    const points = `${r.points} point${r.points === 1 ? '' : 's'}`;
    const times = r.revisions > r.points ? ` (${r.revisions} revisions)` : '';
    return `${r.source} revised ${points} after first read${times}: each counts once, at its last-read value (the timeline keeps every read)`;
  });
}

interface GapSpan {
  t: number;
  untilT: number;
  /** The distinct reasons within the span, in order (at most MAX_REASONS, then a count). */
  reasons: string[];
  /** Gap records merged into it. */
  count: number;
}

const MAX_REASONS = 3;

/**
 * The poller writes a long outage as one gap record per failed poll (so a killed run keeps it):
 * touching or overlapping records are one span here, with each distinct reason kept.
 */
export function mergeGaps(gaps: Timeline['gaps']): GapSpan[] {
  const sorted = [...gaps].sort((a, b) => a.t - b.t || a.untilT - b.untilT);
  const spans: GapSpan[] = [];
  for (const g of sorted) {
    const last = spans[spans.length - 1];
    if (last && g.t <= last.untilT) {
      last.untilT = Math.max(last.untilT, g.untilT);
      if (!last.reasons.includes(g.reason)) last.reasons.push(g.reason);
      last.count++;
    } else spans.push({ t: g.t, untilT: g.untilT, reasons: [g.reason], count: 1 });
  }
  for (const span of spans) {
    if (span.reasons.length > MAX_REASONS) span.reasons = [...span.reasons.slice(0, MAX_REASONS), `and ${span.reasons.length - MAX_REASONS} other reasons`];
  }
  return spans;
}

function dataNotes(timeline: Timeline, load: LoadSlice | null): string[] {
  const notes: string[] = [];
  const samples = timeline.samples;
  if (samples.length === 0) {
    if (timeline.header.provider !== null) notes.push('no platform samples: replicas and scaling could not be measured');
  } else {
    if (!samples.some((s) => s.desired !== undefined)) notes.push('no sample carried desired replicas: scaling transitions could not be measured');
    if (!samples.some((s) => s.ready !== undefined)) notes.push('no sample carried ready replicas: scale-up and scale-down times could not be measured');
  }
  if (timeline.header.profile.load && timeline.load.length === 0) notes.push('no load windows: client latency, errors and throughput are unknown');
  if (!load) return notes;
  const planned = timeline.load.reduce((n, r) => n + r.planned, 0);
  if (load.dropped > 0) {
    const share = planned > 0 ? ` (${formatPercent(load.dropped / planned)} of planned)` : '';
    notes.push(`the load generator dropped ${load.dropped} arrivals${share}: it could not start them (in-flight cap or no free connection), so the service saw less load than planned`);
  }
  const withoutHdr = timeline.load.filter((r) => !r.hdr && r.latency.count > 0).length;
  if (withoutHdr > 0) notes.push(`${withoutHdr} load window(s) had no hdr histogram: percentiles over them are upper bounds (the max of the windows' percentiles)`);
  else if (!load.latencyExact) notes.push('some load windows had an hdr histogram that could not be decoded: percentiles over them are upper bounds');
  if (load.checkFailures > 0) notes.push(`${load.checkFailures} response(s) failed their request's checks (status, JSON path or body): counted apart from transport errors`);
  notes.push(...generatorLagNotes(timeline));
  return notes;
}

/** Late dispatch worse than this (scheduling lag p99 in a window) means the generator, not the service, was the limit. */
const GENERATOR_LAG_WARN_MS = 50;

/** Says when the load generator itself fell behind its schedule, and for how long. */
function generatorLagNotes(timeline: Timeline): string[] {
  const late = timeline.load.filter((r) => (r.lagP99 ?? 0) > GENERATOR_LAG_WARN_MS);
  if (late.length === 0) return [];
  const worst = late.reduce((a, b) => ((b.lagP99 ?? 0) > (a.lagP99 ?? 0) ? b : a));
  return [
    `the load generator fell behind its schedule in ${late.length} window(s) (scheduling lag p99 above ${GENERATOR_LAG_WARN_MS}ms, worst ${ms(worst.lagP99 ?? 0)} at ${ms(worst.t)}): latency there includes the generator's own delay; give it more CPU (load.workers) or lower the rate`,
  ];
}
