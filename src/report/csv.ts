/**
 * The per-second timeline as CSV, for spreadsheets and notebooks. One row per second from 0 to
 * the run's end. Load columns sum the aggregate windows that START in that second (with the
 * default 1 s window: exactly that window); when several windows share a second their
 * percentiles enter as the max (an upper bound). Platform columns carry the last value seen at
 * or before the row's end, per field (sources report different fields), and are left empty
 * inside a gap: a failed read is unknown, not the old value.
 */
import type { ErrorClass, LoadRecord, SampleRecord, Timeline } from '../timeline/types.js';

const ERROR_CLASSES: readonly ErrorClass[] = ['http4xx', 'http5xx', 'timeout', 'connection', 'other'];
const SAMPLE_FIELDS = ['desired', 'ready', 'pending', 'cpuPct', 'memPct'] as const;
type SampleField = (typeof SAMPLE_FIELDS)[number];

export const CSV_COLUMNS = [
  't_s', 'time_utc', 'planned', 'sent', 'ok', ...ERROR_CLASSES.map((c) => `errors_${c}`), 'dropped', 'p50_ms', 'p95_ms', 'p99_ms', 'desired', 'ready', 'pending', 'cpu_pct', 'mem_pct',
] as const;

export function renderTimelineCsv(timeline: Timeline): string {
  const seconds = Math.ceil(lastT(timeline) / 1000);
  const bySecond = groupBySecond(timeline.load);
  const lines = [CSV_COLUMNS.join(',')];
  const carry: Record<SampleField, number | null> = { desired: null, ready: null, pending: null, cpuPct: null, memPct: null };
  const samples = timeline.samples;
  let si = 0;
  for (let s = 0; s < seconds; s++) {
    const rowEnd = (s + 1) * 1000;
    for (; si < samples.length && samples[si]!.t < rowEnd; si++) take(carry, samples[si]!);
    const inGap = timeline.gaps.some((g) => g.t < rowEnd && g.untilT > s * 1000 && !sampleSince(samples, si, g.t));
    const wall = new Date(timeline.header.startedAtWall + s * 1000).toISOString();
    const load = loadCells(bySecond.get(s));
    const platform = SAMPLE_FIELDS.map((f) => (inGap || carry[f] === null ? '' : num(carry[f]!)));
    lines.push([String(s), wall, ...load, ...platform].join(','));
  }
  return `${lines.join('\n')}\n`;
}

function loadCells(windows: LoadRecord[] | undefined): string[] {
  if (!windows) return Array(3 + ERROR_CLASSES.length + 1 + 3).fill('');
  const sum = (f: (w: LoadRecord) => number) => windows.reduce((n, w) => n + f(w), 0);
  const withLatency = windows.filter((w) => w.latency.count > 0);
  const pct = (f: (w: LoadRecord) => number) => (withLatency.length ? num(Math.max(...withLatency.map(f))) : '');
  return [
    num(sum((w) => w.planned)),
    String(sum((w) => w.sent)),
    String(sum((w) => w.ok)),
    ...ERROR_CLASSES.map((c) => String(sum((w) => w.errors[c] ?? 0))),
    String(sum((w) => w.dropped)),
    pct((w) => w.latency.p50),
    pct((w) => w.latency.p95),
    pct((w) => w.latency.p99),
  ];
}

function groupBySecond(load: readonly LoadRecord[]): Map<number, LoadRecord[]> {
  const map = new Map<number, LoadRecord[]>();
  for (const w of load) {
    const s = Math.floor(w.t / 1000);
    const list = map.get(s);
    if (list) list.push(w);
    else map.set(s, [w]);
  }
  return map;
}

function take(carry: Record<SampleField, number | null>, s: SampleRecord): void {
  for (const f of SAMPLE_FIELDS) if (typeof s[f] === 'number') carry[f] = s[f]!;
}

/** Was a sample taken at or after `t` among the samples already consumed (indexes < upTo)? */
function sampleSince(samples: readonly SampleRecord[], upTo: number, t: number): boolean {
  return upTo > 0 && samples[upTo - 1]!.t >= t;
}

function lastT(tl: Timeline): number {
  let t = tl.end?.t ?? 0;
  const w = tl.load[tl.load.length - 1];
  if (w) t = Math.max(t, w.t + w.windowMs);
  const s = tl.samples[tl.samples.length - 1];
  if (s) t = Math.max(t, s.t);
  return t;
}

const num = (v: number) => String(Math.round(v * 1000) / 1000);
