/**
 * What the revised-points tests share: a provider read by the REAL poller (src/run/poller.ts) for
 * a while, as a run reads it, and the timeline those reads make (a header with the test's
 * profile, its load stages from t = 0 (the last one lasting to the end), every record the poller appended, an end), built by the
 * same buildTimeline the reports use.
 */
import { analyze, type AnalysisResult } from '../../../src/analysis/index.js';
import { systemClock } from '../../../src/clock.js';
import { silentLogger } from '../../../src/log.js';
import type { Provider } from '../../../src/provider.js';
import { Poller } from '../../../src/run/poller.js';
import { buildTimeline } from '../../../src/timeline/build.js';
import type { SampleRecord, Timeline, TimelineRecord } from '../../../src/timeline/types.js';
import { TimelineBuilder } from '../../support/timeline-builder.js';

export interface PolledRun {
  startedAtWall: number;
  pollIntervalMs: number;
  /** What the poller appended, in order. */
  records: TimelineRecord[];
  /** ms since the run started when the poller stopped. */
  endT: number;
}

/** Reads `provider` with the real poller every `pollIntervalMs` for `forMs`, then its last read. */
export async function pollLikeARun(provider: Provider, pollIntervalMs: number, forMs: number): Promise<PolledRun> {
  const startedAtWall = Date.now();
  const runStartMono = performance.now();
  const records: TimelineRecord[] = [];
  const poller = new Poller({ provider, clock: systemClock, log: silentLogger, pollIntervalMs, runStartMono, startedAtWall, append: (r) => records.push(r) });
  poller.start();
  await new Promise((r) => setTimeout(r, forMs));
  await poller.stop();
  poller.closeOpenGap();
  return { startedAtWall, pollIntervalMs, records, endT: Math.round(performance.now() - runStartMono) };
}

/** The run's timeline, as `scaleproof report` would read it back. */
export function runTimeline(profile: Record<string, unknown>, provider: string, run: PolledRun): Timeline {
  const b = new TimelineBuilder(profile, { provider, pollIntervalMs: run.pollIntervalMs });
  b.header.startedAtWall = run.startedAtWall;
  // The last stage holds until the reading stops: no load-end transition of its own.
  if (b.header.profile.load) b.stagesFromProfile(0, { loadEnd: false });
  b.end(run.endT);
  return buildTimeline([...b.records(), ...run.records]);
}

export function analyzeRun(profile: Record<string, unknown>, provider: string, run: PolledRun): { timeline: Timeline; result: AnalysisResult } {
  const timeline = runTimeline(profile, provider, run);
  return { timeline, result: analyze(timeline) };
}

/** Every read the poller appended of `source`, by point time t. */
export function readsByPoint(run: PolledRun, source: string): Map<number, SampleRecord[]> {
  const out = new Map<number, SampleRecord[]>();
  for (const r of run.records) if (r.kind === 'sample' && r.source === source) out.set(r.t, [...(out.get(r.t) ?? []), r]);
  return out;
}

/**
 * The reads of the point the platform stamped `pointT` (ms since run start). A platform-stamped
 * point is placed after the clock estimate's bound (up to about a second later), and minutes are a
 * minute apart: the nearest within 5 s is that point.
 */
export function readsOfPoint(run: PolledRun, source: string, pointT: number): SampleRecord[] | undefined {
  for (const [t, reads] of readsByPoint(run, source)) if (t >= pointT && t - pointT < 5000) return reads;
  return undefined;
}

/** True when no (source, t) occurs twice among the samples the analysis sees. */
export function onePerPoint(timeline: Timeline): boolean {
  const keys = timeline.samples.map((s) => `${s.source}|${s.t}`);
  return new Set(keys).size === keys.length;
}
