/**
 * Hand-built timelines for tests: a header with a real (schema-validated) profile, then stage,
 * sample, load, gap, note and end records at chosen times. Load windows get their hdr histogram
 * from the latency list given, encoded exactly as the load engine does.
 *
 *   const tl = new TimelineBuilder({ load: { url, start: 10, stages: [...] }, targets: {...} })
 *     .stagesFromProfile()
 *     .replicas(0, 1000, [[2, 2], [2, 2], [5, 2], [5, 5]])
 *     .load(0, { latenciesMs: [12, 15, 40] })
 *     .build();
 */
import { build, encodeIntoCompressedBase64 } from 'hdr-histogram-js';
import { profileSchema } from '../../src/profile/schema.js';
import { buildTimeline } from '../../src/timeline/build.js';
import type {
  EndRecord,
  EventRecord,
  ErrorClass,
  HeaderRecord,
  LatencySummary,
  LoadRecord,
  PhaseRecord,
  SampleRecord,
  Timeline,
  TimelineRecord,
} from '../../src/timeline/types.js';

export const DEFAULT_PROFILE = {
  name: 'test-profile',
  provider: { name: 'fake', poll_interval: '1s' },
  load: { url: 'http://127.0.0.1:1', stages: [{ duration: '1m', rate: 10 }] },
};

type SampleFields = Partial<Pick<SampleRecord, 'desired' | 'ready' | 'pending' | 'running' | 'cpuPct' | 'memPct'>>;

export interface LoadWindow {
  request?: string;
  windowMs?: number;
  /** Every completed request's latency (ms); errors are among them. */
  latenciesMs?: number[];
  errors?: Partial<Record<ErrorClass, number>>;
  throttled?: number;
  dropped?: number;
  planned?: number;
  /** false: leave `hdr` out (an old or foreign timeline). */
  hdr?: boolean;
}

export class TimelineBuilder {
  readonly header: HeaderRecord;
  private readonly list: TimelineRecord[] = [];

  /** `profile` is profile input as written in YAML (durations as strings); defaults are filled in. */
  constructor(profile: Record<string, unknown> = DEFAULT_PROFILE, opts: { pollIntervalMs?: number; provider?: string | null } = {}) {
    this.header = {
      kind: 'header',
      version: 1,
      runId: 'run-test',
      scaleproofVersion: '0.0.0-test',
      startedAtWall: 1_700_000_000_000,
      profilePath: 'profiles/test.yaml',
      profile: profileSchema.parse(profile),
      provider: opts.provider === undefined ? 'fake' : opts.provider,
      pollIntervalMs: opts.pollIntervalMs ?? 1000,
      windowMs: 1000,
    };
  }

  /** Stage records as the engine would write them when the load starts at `loadStartT`, then load-end + observe. */
  stagesFromProfile(loadStartT = 0, opts: { loadEnd?: boolean } = {}): this {
    const load = this.header.profile.load!;
    let t = loadStartT;
    let level = load.start;
    this.phase(t, 'load');
    load.stages.forEach((s, index) => {
      const to = (load.model === 'closed' ? s.vus : s.rate) ?? 0;
      this.list.push({ kind: 'stage', t, index, from: level, to, durationMs: s.duration });
      t += s.duration;
      level = to;
    });
    if (opts.loadEnd !== false) {
      this.list.push({ kind: 'stage', t, index: load.stages.length, name: 'load-end', from: level, to: 0, durationMs: 0 });
      this.phase(t, 'observe');
    }
    return this;
  }

  phase(t: number, phase: PhaseRecord['phase']): this {
    this.list.push({ kind: 'phase', t, phase });
    return this;
  }

  sample(t: number, fields: SampleFields, opts: { fetchedT?: number; resolutionMs?: number; source?: string } = {}): this {
    this.list.push({ kind: 'sample', t, fetchedT: opts.fetchedT ?? t, resolutionMs: opts.resolutionMs ?? 0, source: opts.source ?? 'test', ...fields });
    return this;
  }

  /** One sample every `stepMs` from `fromT`: `[desired, ready]` pairs or field objects. */
  replicas(fromT: number, stepMs: number, points: Array<[number, number] | SampleFields>, opts: { resolutionMs?: number } = {}): this {
    points.forEach((p, i) => this.sample(fromT + i * stepMs, Array.isArray(p) ? { desired: p[0], ready: p[1] } : p, opts));
    return this;
  }

  load(t: number, w: LoadWindow = {}): this {
    this.list.push(loadRecord(t, w));
    return this;
  }

  event(t: number, type: EventRecord['type'], message: string = type, opts: { resolutionMs?: number; source?: string } = {}): this {
    this.list.push({ kind: 'event', t, fetchedT: t, resolutionMs: opts.resolutionMs ?? 0, source: opts.source ?? 'test', type, message });
    return this;
  }

  gap(t: number, untilT: number, reason = 'provider read failed'): this {
    this.list.push({ kind: 'gap', t, untilT, reason });
    return this;
  }

  note(t: number, message: string, level: 'info' | 'warning' = 'warning'): this {
    this.list.push({ kind: 'note', t, level, message });
    return this;
  }

  end(t: number, status: EndRecord['status'] = 'completed'): this {
    this.list.push({ kind: 'end', t, status });
    return this;
  }

  records(): TimelineRecord[] {
    return [this.header, ...this.list];
  }

  build(skippedLines = 0): Timeline {
    return buildTimeline(this.records(), skippedLines);
  }
}

export function loadRecord(t: number, w: LoadWindow): LoadRecord {
  const latencies = w.latenciesMs ?? [];
  const errors: Record<ErrorClass, number> = { http4xx: 0, http5xx: 0, timeout: 0, connection: 0, other: 0, ...w.errors };
  const errorCount = Object.values(errors).reduce((a, b) => a + b, 0);
  const completed = latencies.length;
  const record: LoadRecord = {
    kind: 'load',
    t,
    windowMs: w.windowMs ?? 1000,
    request: w.request ?? '*',
    planned: w.planned ?? completed + (w.dropped ?? 0),
    sent: completed,
    completed,
    ok: completed - errorCount,
    dropped: w.dropped ?? 0,
    throttled: w.throttled ?? 0,
    errors,
    inFlight: 0,
    latency: latencySummary(latencies),
  };
  if (w.hdr !== false) record.hdr = encodeLatencies(latencies);
  return record;
}

/** HdrHistogram of the latencies in µs, compressed base64, as the load engine records it. */
export function encodeLatencies(latenciesMs: readonly number[]): string {
  const h = build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 });
  for (const v of latenciesMs) h.recordValue(Math.round(v * 1000));
  return encodeIntoCompressedBase64(h);
}

/** Nearest-rank percentile (the smallest value with at least p% of values at or below it). */
export function rawPercentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  // The small epsilon keeps 99.9% of 1000 at rank 999 despite floating point (0.999 * 1000 > 999).
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length - 1e-9));
  return sorted[rank - 1]!;
}

export function latencySummary(values: readonly number[]): LatencySummary {
  if (values.length === 0) return { count: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 };
  return {
    count: values.length,
    mean: values.reduce((a, b) => a + b, 0) / values.length,
    p50: rawPercentile(values, 50),
    p90: rawPercentile(values, 90),
    p95: rawPercentile(values, 95),
    p99: rawPercentile(values, 99),
    p999: rawPercentile(values, 99.9),
    max: Math.max(...values),
  };
}
