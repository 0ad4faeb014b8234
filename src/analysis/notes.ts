/** What the reader must know to trust the numbers: missing data, gaps, generator limits. */
import type { Timeline } from '../timeline/types.js';
import { formatPercent } from '../units.js';
import { ms } from './check-util.js';
import type { LoadSlice } from './types.js';

const MAX_GAPS_LISTED = 10;

export function collectNotes(timeline: Timeline, load: LoadSlice | null): string[] {
  const notes: string[] = [];
  const end = timeline.end;
  if (!end) notes.push('the timeline has no end record: the run was killed, or is still going');
  else if (end.status !== 'completed') notes.push(`the run ended early (${end.status}${end.reason ? `: ${end.reason}` : ''}) at ${ms(end.t)}`);
  if (timeline.skippedLines > 0) notes.push(`${timeline.skippedLines} timeline line(s) could not be read and were skipped`);
  notes.push(...gapNotes(timeline), ...dataNotes(timeline, load));
  for (const n of timeline.notes) if (n.level === 'warning') notes.push(`at ${ms(n.t)}: ${n.message}`);
  return notes;
}

function gapNotes(timeline: Timeline): string[] {
  const gaps = timeline.gaps;
  const listed = gaps.slice(0, MAX_GAPS_LISTED).map((g) => `no platform data from ${ms(g.t)} to ${ms(g.untilT)}: ${g.reason}`);
  if (gaps.length > MAX_GAPS_LISTED) listed.push(`... and ${gaps.length - MAX_GAPS_LISTED} more gaps in platform data`);
  return listed;
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
  return notes;
}
