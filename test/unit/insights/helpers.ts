/** Small scenario builder for the insights tests: one load window per second, samples per second. */
import { analyze } from '../../../src/analysis/index.js';
import type { AnalysisResult } from '../../../src/analysis/types.js';
import { computeInsights } from '../../../src/insights/index.js';
import type { InsightsOptions } from '../../../src/insights/types.js';
import type { ScalingConfig } from '../../../src/provider.js';
import { buildTimeline } from '../../../src/timeline/build.js';
import type { SampleRecord, Timeline } from '../../../src/timeline/types.js';
import { TimelineBuilder, type LoadWindow } from '../../support/timeline-builder.js';

export const URL = 'http://127.0.0.1:1';

type Fields = Partial<Pick<SampleRecord, 'desired' | 'ready' | 'cpuPct' | 'memPct'>>;

export interface Scenario {
  profile: Record<string, unknown>;
  /** End of the run (ms). */
  endMs: number;
  /** Load window starting at t (null: none). Default window 1 s. */
  window?: (t: number) => LoadWindow | null;
  windowMs?: number;
  /** Platform sample at t (null: none). */
  sample?: (t: number) => Fields | null;
  sampleEveryMs?: number;
  /** Scaling configuration the provider reported. */
  scaling?: Partial<ScalingConfig>;
}

export function scenario(s: Scenario): Timeline {
  const b = new TimelineBuilder({ provider: { name: 'fake', poll_interval: '1s' }, ...s.profile }).stagesFromProfile(0);
  const windowMs = s.windowMs ?? 1000;
  if (s.window) for (let t = 0; t < s.endMs; t += windowMs) {
    const w = s.window(t);
    if (w) b.load(t, { windowMs, ...w });
  }
  if (s.sample) for (let t = 0; t < s.endMs; t += s.sampleEveryMs ?? 1000) {
    const f = s.sample(t);
    if (f) b.sample(t, f);
  }
  b.end(s.endMs);
  const records = b.records();
  if (s.scaling) records.push({ kind: 'target', t: 0, description: { summary: 'test', warnings: [], scaling: { rules: [], timings: {}, ...s.scaling } } });
  return buildTimeline(records);
}

export function run(s: Scenario, opts: InsightsOptions = {}) {
  const timeline = scenario(s);
  const analysis: AnalysisResult = analyze(timeline);
  return { timeline, analysis, insights: computeInsights(timeline, analysis, opts) };
}

/** `n` responses of `ms` each. */
export const lat = (n: number, ms: number): number[] => Array.from({ length: n }, () => ms);

/** A hold stage list from [duration s, rate] pairs: each level is a 0s jump then a hold. */
export function steps(levels: Array<[number, number]>): Array<Record<string, unknown>> {
  return levels.flatMap(([seconds, rate]) => [{ duration: '0s', rate }, { duration: `${seconds}s`, rate }]);
}
