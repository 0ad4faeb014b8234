/**
 * One validation run: check the platform, apply the load while polling the platform, keep
 * watching after the load to see scale-down, and leave a complete timeline behind.
 * Analysis and reports are separate steps that read that timeline back (see report-run.ts),
 * so `scaleproof report <run-dir>` produces exactly what the run produced.
 */
import path from 'node:path';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import { UsageError } from '../errors.js';
import type { LoadEngine } from '../load/types.js';
import type { Profile, ProviderSpec } from '../profile/schema.js';
import { managesService, type Provider, type ProviderContext, type TargetDescription } from '../provider.js';
import { redactSecrets, redactUrl } from '../redact.js';
import { TimelineWriter } from '../timeline/writer.js';
import { TIMELINE_VERSION, type EndRecord, type TimelineRecord } from '../timeline/types.js';
import { designWarnings } from './design-warnings.js';
import { Poller } from './poller.js';
import { createRunDir } from './run-dir.js';

export interface RunDeps {
  clock: Clock;
  log: Logger;
  env: Readonly<Record<string, string | undefined>>;
  createProvider(spec: ProviderSpec, ctx: ProviderContext): Promise<Provider>;
  loadEngine: LoadEngine;
  version: string;
}

export interface RunOptions {
  profile: Profile;
  profilePath: string;
  /** Parent folder of run folders (default `runs`). */
  outDir: string;
  /** Aborting stops the load and ends the run as interrupted. */
  signal: AbortSignal;
  /** Sees every record as it is written (live progress). */
  onRecord?(record: TimelineRecord): void;
  /** Told once what the platform is, before the load starts. */
  onTarget?(description: TargetDescription, warnings: string[]): void;
}

export interface RunOutcome {
  runDir: string;
  status: EndRecord['status'];
  reason?: string;
}

/** Grace for in-flight requests when the load stops early. */
const DRAIN_MS = 2000;

export async function runValidation(opts: RunOptions, deps: RunDeps): Promise<RunOutcome> {
  const { profile, signal } = opts;
  const { clock, log } = deps;
  const ctx: ProviderContext = { clock, log, env: deps.env };

  // 1. Check the platform before any load: bad credentials or settings end here (exit 2).
  let provider: Provider | null = null;
  let description: TargetDescription | null = null;
  let warnings: string[] = [];
  try {
    if (profile.provider) {
      provider = await deps.createProvider(profile.provider, ctx);
      if (managesService(provider)) await provider.start(signal);
      description = await provider.describe(signal);
      warnings = [...description.warnings, ...designWarnings(profile.targets, description.scaling)];
      opts.onTarget?.(description, warnings);
    }
  } catch (err) {
    await provider?.close().catch(() => {});
    throw err;
  }

  const baseUrl = profile.load?.url ?? description?.serviceUrl;
  if (profile.load && !baseUrl) {
    await provider?.close().catch(() => {});
    throw new UsageError('load.url is not set and the provider does not run the service', 'set load.url to the service that receives the load');
  }

  // 2. The run folder and the timeline header.
  const startedAtWall = clock.wallNow();
  const runStartMono = clock.now();
  const name = profile.name ?? path.basename(opts.profilePath).replace(/\.ya?ml$/i, '');
  const runDir = createRunDir(opts.outDir, name, startedAtWall);
  const writer = new TimelineWriter(path.join(runDir, 'timeline.ndjson'));
  if (opts.onRecord) writer.onRecord(opts.onRecord);
  const t = () => clock.now() - runStartMono;
  const pollIntervalMs = profile.provider?.poll_interval ?? 0;
  writer.append({
    kind: 'header',
    version: TIMELINE_VERSION,
    runId: path.basename(runDir),
    scaleproofVersion: deps.version,
    startedAtWall,
    profilePath: opts.profilePath,
    profile: redactSecrets(profile),
    provider: profile.provider?.name ?? null,
    pollIntervalMs,
    windowMs: profile.load?.window ?? 1000,
  });
  writer.append({ kind: 'phase', t: t(), phase: 'start' });
  if (description) writer.append({ kind: 'target', t: t(), description: redactSecrets({ ...description, serviceUrl: description.serviceUrl && redactUrl(description.serviceUrl) }) });
  for (const w of warnings) writer.append({ kind: 'note', t: t(), level: 'warning', message: w });

  let status: EndRecord['status'] = 'completed';
  let reason: string | undefined;
  let poller: Poller | null = null;
  try {
    if (provider) {
      poller = new Poller({ provider, clock, log, pollIntervalMs, runStartMono, startedAtWall, append: (r) => writer.append(r) });
      poller.start();
      // A baseline read before load, so the first load change has a "before" to compare with.
      const ok = await poller.firstRead(Math.max(5000, pollIntervalMs * 3));
      if (!ok) writer.append({ kind: 'note', t: t(), level: 'warning', message: 'no platform sample before the load started' });
    }
    writer.append({ kind: 'phase', t: t(), phase: 'load' });
    if (profile.load && baseUrl && !signal.aborted) {
      const result = await deps.loadEngine({
        load: profile.load,
        baseUrl,
        clock,
        runStartMono,
        signal,
        drainMs: DRAIN_MS,
        onStage: (s) => writer.append(s),
        onWindows: (records) => {
          for (const r of records) writer.append(r);
        },
      });
      if (result.dropped > 0) {
        writer.append({ kind: 'note', t: t(), level: 'warning', message: `${result.dropped} planned arrivals could not start (in-flight cap reached) and were counted as dropped` });
      }
    }
    if (!signal.aborted) {
      writer.append({ kind: 'phase', t: t(), phase: 'observe' });
      const delay = provider && 'metricDelayMs' in provider ? Number((provider as { metricDelayMs: number }).metricDelayMs) || 0 : 0;
      await clock.sleep(profile.observe_after + delay, signal).catch(() => {});
    }
    if (signal.aborted) {
      status = 'interrupted';
      reason = String(signal.reason instanceof Error ? signal.reason.message : signal.reason ?? 'interrupted');
    }
  } catch (err) {
    status = signal.aborted ? 'interrupted' : 'failed';
    reason = err instanceof Error ? err.message : String(err);
    if (status === 'failed') log.warn(`run failed: ${reason}`);
  } finally {
    writer.append({ kind: 'phase', t: t(), phase: 'end' });
    await poller?.stop().catch(() => {});
    poller?.closeOpenGap();
    await provider?.close().catch((e: unknown) => log.warn(`closing the provider: ${e instanceof Error ? e.message : String(e)}`));
    writer.append({ kind: 'end', t: t(), status, ...(reason === undefined ? {} : { reason }) });
    writer.close();
  }
  if (status === 'failed') return { runDir, status, reason: reason ?? 'unknown error' };
  return { runDir, status, ...(reason === undefined ? {} : { reason }) };
}

