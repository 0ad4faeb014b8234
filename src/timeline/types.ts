/**
 * The timeline: one NDJSON file per run, one record per line, appended as things happen.
 * It is the single source of truth: every report is rebuilt from it alone.
 *
 * `t` is ALWAYS milliseconds since the run started (the run's monotonic clock). Platform times
 * are converted with `t = atWall - header.startedAtWall` and keep their own resolution.
 */
import type { PlatformEventType, TargetDescription } from '../provider.js';
import type { Profile } from '../profile/schema.js';
import type { SourceRevisions } from './revisions.js';

export const TIMELINE_VERSION = 1;

/** First line of every timeline. */
export interface HeaderRecord {
  kind: 'header';
  version: number;
  runId: string;
  scaleproofVersion: string;
  /** Epoch ms at t = 0. */
  startedAtWall: number;
  profilePath: string;
  /** The validated profile, secrets redacted: analysis needs its stages and targets. */
  profile: Profile;
  provider: string | null;
  pollIntervalMs: number;
  windowMs: number;
}

/** What the provider found before the run: configuration and warnings. */
export interface TargetRecord {
  kind: 'target';
  t: number;
  description: TargetDescription;
}

/** A load stage starts (or, when the load ends, the `load-end` marker). */
export interface StageRecord {
  kind: 'stage';
  t: number;
  index: number;
  name?: string;
  /** Planned intensity at the start and end of the stage (req/s, or virtual users). */
  from: number;
  to: number;
  durationMs: number;
}

/** Run phases: warm-up, load, observe (after the load, to watch scale-down), end. */
export interface PhaseRecord {
  kind: 'phase';
  t: number;
  phase: 'start' | 'load' | 'observe' | 'end';
}

export type ErrorClass = 'http4xx' | 'http5xx' | 'timeout' | 'connection' | 'other';

export interface LatencySummary {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
}

/**
 * One load window (default 1 s) for one request name, or for all requests (`request: '*'`).
 * Latencies are in ms, measured from the INTENDED send time in the open model.
 * `hdr` is the HdrHistogram compressed base64 of latency in microseconds, for exact merging.
 */
export interface LoadRecord {
  kind: 'load';
  /** Window start. */
  t: number;
  windowMs: number;
  request: string;
  /** Planned arrivals in this window (open model) or planned virtual users (closed). */
  planned: number;
  /** Requests sent. */
  sent: number;
  /** Responses (any status) and transport failures completed in this window. */
  completed: number;
  /** 2xx/3xx responses. */
  ok: number;
  /** Arrivals that could not be started (in-flight cap, no free connection). */
  dropped: number;
  /** 429 responses (also counted in errors.http4xx). */
  throttled: number;
  errors: Record<ErrorClass, number>;
  /** Requests in flight at the end of the window. */
  inFlight: number;
  latency: LatencySummary;
  hdr?: string;
  /** Scheduler lag (actual send - intended send) p99 in ms: the generator's own health. */
  lagP99?: number;
  /** Scheduler lag p50 and max in ms (aggregate record only). */
  lagP50?: number;
  lagMax?: number;
  /** HdrHistogram compressed base64 of the scheduler lag in µs, for exact merging (aggregate record only). */
  lagHdr?: string;
  /** Latency measured from the ACTUAL send (a self-check beside the from-intended latency; aggregate record only). */
  sendLatency?: LatencySummary;
  /** Responses that failed a per-request check (status set, JSON path, body text); apart from `errors`. */
  checkFailures?: number;
  /** Set on per-tag records: `request` is then `tag=value`, and `tag` is the tag name. */
  tag?: string;
}

/** A platform sample on the timeline. */
export interface SampleRecord {
  kind: 'sample';
  /** When the platform says this describes (ms since run start). */
  t: number;
  /** When scaleproof fetched it (ms since run start). */
  fetchedT: number;
  resolutionMs: number;
  source: string;
  /** The platform stamped `t` (converted with the latest clock record; its bound is in resolutionMs). */
  platformStamped?: boolean;
  desired?: number;
  ready?: number;
  pending?: number;
  running?: number;
  cpuPct?: number;
  memPct?: number;
}

export interface EventRecord {
  kind: 'event';
  t: number;
  fetchedT: number;
  resolutionMs: number;
  source: string;
  type: PlatformEventType;
  message: string;
  /** See SampleRecord.platformStamped. */
  platformStamped?: boolean;
  id?: string;
  from?: number;
  to?: number;
}

/** A provider read that failed: the analysis treats the span as unknown, never as data. */
export interface GapRecord {
  kind: 'gap';
  t: number;
  /** Until when nothing could be read (ms since run start). */
  untilT: number;
  reason: string;
}

/** A message from scaleproof itself (warning about generator saturation, etc.). */
export interface NoteRecord {
  kind: 'note';
  t: number;
  level: 'info' | 'warning';
  message: string;
}

/**
 * A clock against ours: the platform's (estimated from its answers' `Date` headers; platform
 * times in samples and events marked `platformStamped` were converted with it and carry its
 * bound in their resolution), or this machine's own wall clock when it stepped mid-run
 * (`source: 'local-wall'`: run times follow the monotonic clock and are not moved by it).
 */
export interface ClockRecord {
  kind: 'clock';
  t: number;
  /** `http-date:<provider>` for a platform estimate, `local-wall` for this machine's wall clock. */
  source: string;
  /** Their clock minus ours, ms (for `local-wall`: the machine's wall clock minus the run's steady one). */
  offsetMs: number;
  /** The true offset lies within offsetMs +- boundMs. */
  boundMs: number;
  /** Answers behind the estimate since the last step. */
  observations: number;
  /** True when the clock stepped: the estimate restarted from this record. */
  step?: boolean;
}

/** Last line of a run that ended on its own terms. Missing when the process was killed. */
export interface EndRecord {
  kind: 'end';
  t: number;
  status: 'completed' | 'interrupted' | 'aborted' | 'failed';
  reason?: string;
}

export type TimelineRecord =
  | HeaderRecord
  | TargetRecord
  | StageRecord
  | PhaseRecord
  | LoadRecord
  | SampleRecord
  | EventRecord
  | GapRecord
  | NoteRecord
  | ClockRecord
  | EndRecord;

/** A whole timeline in memory, grouped by kind, each list in time order. */
export interface Timeline {
  header: HeaderRecord;
  target: TargetRecord | null;
  stages: StageRecord[];
  phases: PhaseRecord[];
  /** Aggregate windows (`request: '*'`). */
  load: LoadRecord[];
  /** Per-request windows keyed by request name. */
  loadByRequest: Map<string, LoadRecord[]>;
  /** Per-tag windows keyed by `tag=value` (requests that carry that tag). */
  loadByTag: Map<string, LoadRecord[]>;
  /** One record per (source, t): the LAST-fetched read of each metric point (revisions.ts). */
  samples: SampleRecord[];
  events: EventRecord[];
  gaps: GapRecord[];
  notes: NoteRecord[];
  /** Clock estimates and steps, in time order. */
  clocks: ClockRecord[];
  end: EndRecord | null;
  /** Lines that could not be parsed (a torn last line after a crash). */
  skippedLines: number;
  /** Per source, the points a later read revised (the timeline file keeps every read). */
  revisedPoints: SourceRevisions[];
}
