/** Groups timeline records by kind (pure): what the analysis and reports consume. */
import { lastReadPerPoint } from './revisions.js';
import type { HeaderRecord, Timeline, TimelineRecord } from './types.js';

export function buildTimeline(records: Iterable<TimelineRecord>, skippedLines = 0): Timeline {
  let header: HeaderRecord | null = null;
  const tl: Omit<Timeline, 'header'> = {
    target: null,
    stages: [],
    phases: [],
    load: [],
    loadByRequest: new Map(),
    loadByTag: new Map(),
    samples: [],
    events: [],
    gaps: [],
    notes: [],
    clocks: [],
    end: null,
    skippedLines,
    revisedPoints: [],
  };
  for (const r of records) {
    switch (r.kind) {
      case 'header': header = r; break;
      case 'target': tl.target = r; break;
      case 'stage': tl.stages.push(r); break;
      case 'phase': tl.phases.push(r); break;
      case 'load':
        if (r.request === '*') tl.load.push(r);
        else {
          // Tag breakdowns (`group=api`) are not request names: keep them apart.
          const map = r.tag === undefined ? tl.loadByRequest : tl.loadByTag;
          const list = map.get(r.request) ?? [];
          list.push(r);
          map.set(r.request, list);
        }
        break;
      case 'sample': tl.samples.push(r); break;
      case 'event': tl.events.push(r); break;
      case 'gap': tl.gaps.push(r); break;
      case 'note': tl.notes.push(r); break;
      case 'clock': tl.clocks.push(r); break;
      case 'end': tl.end = r; break;
    }
  }
  if (!header) throw new Error('timeline has no header record');
  const byT = (a: { t: number }, b: { t: number }) => a.t - b.t;
  // A metric point read again with a revised value is analysed once: its last read (revisions.ts).
  const last = lastReadPerPoint(tl.samples);
  tl.samples = last.samples;
  tl.revisedPoints = last.revised;
  // Platform samples and events arrive late and out of order (delayed metrics): sort them.
  tl.samples.sort(byT);
  tl.events.sort(byT);
  tl.load.sort(byT);
  for (const list of [...tl.loadByRequest.values(), ...tl.loadByTag.values()]) list.sort(byT);
  return { header, ...tl };
}
