/** What the soak checks in the timeline and the RSS samples (pure). */

export interface RssSample {
  atMs: number;
  rssMb: number;
}

type Rec = Record<string, any>;

/**
 * Every second of the load is inside a load window, and every second of the run is covered by a
 * platform sample fetched within the last 3 poll intervals or by a recorded gap.
 */
export function checkCoverage(records: Rec[]): { problems: string[]; loadSeconds: number; gapSeconds: number; gaps: number } {
  const problems: string[] = [];
  const header = records.find((r) => r.kind === 'header');
  const end = records.find((r) => r.kind === 'end');
  if (!header || !end) return { problems: ['the timeline has no header or no end record'], loadSeconds: 0, gapSeconds: 0, gaps: 0 };
  const windows = records.filter((r) => r.kind === 'load' && r.request === '*').sort((a, b) => a.t - b.t);
  const samples = records.filter((r) => r.kind === 'sample').map((r) => r.fetchedT as number).sort((a, b) => a - b);
  const gaps = records.filter((r) => r.kind === 'gap');
  const load = records.find((r) => r.kind === 'phase' && r.phase === 'load');
  const loadEnd = records.find((r) => r.kind === 'stage' && r.name === 'load-end');
  const holes: number[] = [];
  if (windows.length && load && loadEnd) {
    for (let s = Math.ceil(windows[0].t / 1000); s < Math.floor(loadEnd.t / 1000); s++) {
      const ms = s * 1000;
      if (!windows.some((w) => w.t <= ms && ms < w.t + w.windowMs)) holes.push(s);
    }
  } else problems.push('no load windows or no load-end marker');
  if (holes.length) problems.push(`${holes.length} second(s) of load without a window: ${ranges(holes)}`);

  const pollMs = header.pollIntervalMs as number;
  const blind: number[] = [];
  const firstSample = samples[0] ?? Infinity;
  for (let s = Math.ceil(firstSample / 1000); s < Math.floor(end.t / 1000) - 1; s++) {
    const ms = s * 1000;
    const sampled = hasWithin(samples, ms - 3 * pollMs, ms);
    if (!sampled && !gaps.some((g) => g.t <= ms && ms <= g.untilT + pollMs)) blind.push(s);
  }
  if (blind.length) problems.push(`${blind.length} second(s) with neither a platform sample nor a recorded gap: ${ranges(blind)}`);
  const gapSeconds = Math.round(gaps.reduce((n, g) => n + (g.untilT - g.t), 0) / 1000);
  return { problems, loadSeconds: windows.length, gapSeconds, gaps: gaps.length };
}

/** RSS is flat when the last quarter's median is within 25 % (or 40 MB) of the second quarter's. */
export function checkRss(samples: RssSample[]): { problems: string[]; summary: string } {
  if (samples.length < 8) return { problems: [], summary: `${samples.length} samples (too few to judge)` };
  const q = Math.floor(samples.length / 4);
  const early = median(samples.slice(q, 2 * q).map((s) => s.rssMb));
  const late = median(samples.slice(-q).map((s) => s.rssMb));
  const peak = Math.max(...samples.map((s) => s.rssMb));
  const summary = `${samples.length} samples, median ${early.toFixed(0)} MB early → ${late.toFixed(0)} MB late, peak ${peak.toFixed(0)} MB`;
  const grew = late - early > Math.max(40, early * 0.25);
  return { problems: grew ? [`RSS grew: ${summary}`] : [], summary };
}

function hasWithin(sorted: number[], from: number, to: number): boolean {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < from) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && sorted[lo]! <= to;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function ranges(seconds: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < seconds.length; ) {
    let j = i;
    while (j + 1 < seconds.length && seconds[j + 1] === seconds[j]! + 1) j++;
    out.push(i === j ? `${seconds[i]}s` : `${seconds[i]}-${seconds[j]}s`);
    i = j + 1;
  }
  return out.slice(0, 10).join(', ') + (out.length > 10 ? `, … (${out.length} ranges)` : '');
}
