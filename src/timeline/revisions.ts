/**
 * One value per metric point (pure).
 *
 * CloudWatch, Azure Monitor and Cloud Monitoring publish a period late and may serve it more
 * than once: a partial current period, a provisional value, a series that arrives after the
 * others. The poller appends a point again whenever its values changed (the timeline keeps
 * every read: it is the record). The analysis and the reports must see ONE value per point,
 * or a minute first read as 2 instances and corrected to 10 shows a scale-down that never
 * happened, and a provisional dip shows as a flap.
 *
 *   reads of (source, t):   fetchedT 4 s: ready 2      fetchedT 9 s: ready 10
 *   what is analysed:                                   ready 10   (the last read, whole record)
 *
 * The last-fetched read wins (largest fetchedT; at equal fetchedT the one written later). It
 * replaces the whole record, never a field merge: a read is the platform's answer at that time.
 * A point counts as revised when a later read (larger fetchedT) gave a different value; the
 * reports say how many points of each source were revised, never show both values.
 */
import type { SampleRecord } from './types.js';

/** Points of one source that a later read changed. */
export interface SourceRevisions {
  source: string;
  /** Points whose value changed after their first read. */
  points: number;
  /** Reads that replaced an earlier, different value (a point revised twice counts 2). */
  revisions: number;
}

export interface LastReads {
  /** One record per (source, t): the last-fetched read. In input order of their first read. */
  samples: SampleRecord[];
  /** Per source, sorted by source name; only sources with at least one revised point. */
  revised: SourceRevisions[];
}

/** The fields a read carries, as one comparable string (t, fetchedT and source excluded). */
const NOT_VALUES = new Set(['kind', 't', 'fetchedT', 'source']);
function valuesOf(s: SampleRecord): string {
  const values = Object.entries(s).filter(([k]) => !NOT_VALUES.has(k));
  return JSON.stringify(values.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function lastReadPerPoint(samples: readonly SampleRecord[]): LastReads {
  const slots = new Map<string, { index: number; record: SampleRecord; value: string }>();
  const out: SampleRecord[] = [];
  const counts = new Map<string, { points: Set<string>; revisions: number }>();
  for (const s of samples) {
    const key = `${s.source}|${s.t}`;
    const value = valuesOf(s);
    const slot = slots.get(key);
    if (!slot) {
      slots.set(key, { index: out.length, record: s, value });
      out.push(s);
      continue;
    }
    // A read fetched earlier than the one kept (written out of order) changes nothing.
    if (s.fetchedT < slot.record.fetchedT) continue;
    if (s.fetchedT > slot.record.fetchedT && value !== slot.value) {
      const c = counts.get(s.source) ?? { points: new Set<string>(), revisions: 0 };
      c.points.add(key);
      c.revisions++;
      counts.set(s.source, c);
    }
    slot.record = s;
    slot.value = value;
    out[slot.index] = s;
  }
  const revised = [...counts]
    .map(([source, c]) => ({ source, points: c.points.size, revisions: c.revisions }))
    .sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
  return { samples: out, revised };
}
