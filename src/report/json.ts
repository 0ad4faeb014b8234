/**
 * report.json: the machine-readable result for CI gates and dashboards. The field names are a
 * contract, documented in docs/report-schema.md; a breaking change bumps `schema`.
 * Pure: builds the object from the analysis and the timeline header, no IO, no clock.
 */
import type { Insights } from '../insights/types.js';
import type {
  AnalysisResult,
  CheckResult,
  FlapReport,
  LoadSlice,
  ReplicaStats,
  UnservedRate,
  ScaleDownTransition,
  ScaleUpTransition,
  PlatformClockSummary,
} from '../analysis/types.js';
import type { ScalingRule } from '../provider.js';
import type { ReportContext } from './context.js';

export const REPORT_SCHEMA = 'scaleproof.report/v1';

/**
 * A load slice plus its best sustained throughput (successful req/s over the throughput window)
 * and its unserved rate (dropped arrivals + errors over planned arrivals; left out when not analysed).
 */
export type ReportLoad = LoadSlice & { sustainedThroughput: number | null; unserved?: UnservedRate | null };

export interface ReportRun {
  id: string;
  profile: string;
  profilePath: string;
  provider: string | null;
  scaleproofVersion: string;
  /** ISO 8601, UTC. */
  startedAt: string;
  startedAtWall: number;
  durationMs: number;
  endStatus: AnalysisResult['endStatus'];
  loadModel: 'open' | 'closed' | null;
  pollIntervalMs: number;
  windowMs: number;
  target: {
    summary: string;
    minReplicas: number | null;
    maxReplicas: number | null;
    rules: ScalingRule[];
    timings: Record<string, number>;
    warnings: string[];
  } | null;
}

export interface JsonReport {
  schema: typeof REPORT_SCHEMA;
  generatedAt?: string;
  run: ReportRun;
  verdict: AnalysisResult['verdict'];
  checks: CheckResult[];
  scaleUps: ScaleUpTransition[];
  scaleDowns: ScaleDownTransition[];
  load: ReportLoad | null;
  loadByRequest: Record<string, ReportLoad>;
  /** Whole-run load per request tag, keyed `tag=value`. */
  loadByTag: Record<string, LoadSlice>;
  replicas: ReplicaStats;
  cpu: { meanPct: number | null; maxPct: number | null };
  memory: { meanPct: number | null; maxPct: number | null };
  flapping: FlapReport;
  /** The platform's clock against this machine's, per source (empty when the provider gave no estimate). */
  platformClocks: PlatformClockSummary[];
  notes: string[];
  /** Test-type report, capacity per replica, right-sizing and cost; null when not computed. */
  insights: Insights | null;
}

export function buildJsonReport(result: AnalysisResult, ctx: ReportContext): JsonReport {
  const byRequest: Record<string, ReportLoad> = {};
  for (const name of Object.keys(result.loadByRequest).sort()) {
    byRequest[name] = { ...result.loadByRequest[name], sustainedThroughput: result.sustainedThroughputByRequest[name] ?? null, ...unservedOf(result, name) };
  }
  return {
    schema: REPORT_SCHEMA,
    ...(ctx.generatedAt === undefined ? {} : { generatedAt: new Date(ctx.generatedAt).toISOString() }),
    run: runInfo(result, ctx),
    verdict: result.verdict,
    checks: result.checks,
    scaleUps: result.scaleUps,
    scaleDowns: result.scaleDowns,
    load: result.load && { ...result.load, sustainedThroughput: result.sustainedThroughput, ...unservedOf(result, null) },
    loadByRequest: byRequest,
    loadByTag: result.loadByTag ?? {},
    replicas: result.replicas,
    cpu: result.cpu,
    memory: result.memory,
    flapping: result.flapping,
    platformClocks: result.platformClocks ?? [],
    notes: result.notes,
    insights: result.insights ?? null,
  };
}

/** `{ unserved }` of a request (or of the run, `name` null) when the analysis has it, else nothing. */
function unservedOf(result: AnalysisResult, name: string | null): { unserved?: UnservedRate | null } {
  const u = result.unserved;
  if (!u) return {};
  return { unserved: name === null ? u.run : (u.byRequest[name] ?? null) };
}

/** The report.json text: two-space indent, final newline. */
export function renderJsonReport(result: AnalysisResult, ctx: ReportContext): string {
  return `${JSON.stringify(buildJsonReport(result, ctx), null, 2)}\n`;
}

function runInfo(r: AnalysisResult, ctx: ReportContext): ReportRun {
  const t = ctx.target;
  return {
    id: r.runId,
    profile: r.profileName,
    profilePath: ctx.header.profilePath,
    provider: r.provider,
    scaleproofVersion: ctx.header.scaleproofVersion,
    startedAt: new Date(r.startedAtWall).toISOString(),
    startedAtWall: r.startedAtWall,
    durationMs: r.durationMs,
    endStatus: r.endStatus,
    loadModel: ctx.header.profile?.load?.model ?? null,
    pollIntervalMs: ctx.header.pollIntervalMs,
    windowMs: ctx.header.windowMs,
    target: t
      ? {
          summary: t.summary,
          minReplicas: t.scaling.minReplicas ?? null,
          maxReplicas: t.scaling.maxReplicas ?? null,
          rules: t.scaling.rules,
          timings: t.scaling.timings,
          warnings: t.warnings,
        }
      : null,
  };
}
