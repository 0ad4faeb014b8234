/**
 * One validation run: check the platform, apply the load while polling the platform, keep
 * watching after the load to see scale-down, and leave a complete timeline behind.
 * Analysis and reports are separate steps that read that timeline back (see report-run.ts),
 * so `scaleproof report <run-dir>` produces exactly what the run produced.
 *
 * How a run ends (the end record's status):
 * - completed: the plan ran to its end;
 * - interrupted: the user stopped it (SIGINT/SIGTERM; `signal` aborted);
 * - aborted: scaleproof stopped it: an `abort_when` condition held, or `limits.max_duration`;
 * - failed: something broke (the reason says what);
 * - no end record: the process was killed; a process.exit() (second Ctrl-C) still writes one.
 * Secrets are scrubbed from every record, log line and error at the point they are produced.
 */
import path from 'node:path';
import { steadyWallClock, type Clock } from '../clock.js';
import type { Logger } from '../log.js';
import { UsageError } from '../errors.js';
import type { LoadEngine } from '../load/types.js';
import type { Profile, ProviderSpec } from '../profile/schema.js';
import { managesService, type Provider, type ProviderContext, type TargetDescription } from '../provider.js';
import { redactSecrets, redactUrl, type Scrubber } from '../redact.js';
import { achievedRateNotes } from '../load/engine.js';
import { TimelineWriter } from '../timeline/writer.js';
import { TIMELINE_VERSION, type EndRecord, type TimelineRecord } from '../timeline/types.js';
import { withStartupRetry } from './describe-retry.js';
import { designWarnings } from './design-warnings.js';
import { KillSwitch } from './kill-switch.js';
import { Poller } from './poller.js';
import { createRunDir } from './run-dir.js';
import { remoteTargetWarning, runScrubber, RunStopper, scrubbedLogger, scrubError } from './run-guards.js';

export interface RunDeps {
  clock: Clock;
  log: Logger;
  env: Readonly<Record<string, string | undefined>>;
  createProvider(spec: ProviderSpec, ctx: ProviderContext): Promise<Provider>;
  loadEngine: LoadEngine;
  version: string;
  /** Randomness for retry jitter (tests fix it). */
  random?: () => number;
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
  /** Told once what the platform is, before the load starts (secrets already removed). */
  onTarget?(description: TargetDescription, warnings: string[]): void;
  /** Told the run folder as soon as it exists (before any load). */
  onRunDir?(runDir: string): void;
}

export interface RunOutcome {
  runDir: string;
  status: EndRecord['status'];
  reason?: string;
}

/** Grace for in-flight requests when the load stops early. */
const DRAIN_MS = 2000;

export async function runValidation(opts: RunOptions, deps: RunDeps): Promise<RunOutcome> {
  const scrub = runScrubber(opts.profile, deps.env);
  const log = scrubbedLogger(deps.log, scrub);
  try {
    return await run(opts, { ...deps, log }, scrub);
  } catch (err) {
    throw scrubError(err, scrub);
  }
}

async function run(opts: RunOptions, deps: RunDeps, scrub: Scrubber): Promise<RunOutcome> {
  const { profile } = opts;
  const { log } = deps;
  // Wall time during the run follows the monotonic clock: a step of this machine's clock (NTP,
  // a VM resume) moves neither our stamps nor platform times against the timeline.
  const clock = steadyWallClock(deps.clock);
  const ctx: ProviderContext = { clock, log, env: deps.env };
  const stopper = new RunStopper();
  const signal = AbortSignal.any([opts.signal, stopper.signal]);

  // 1. Check the platform before any load: bad credentials or settings end here (exit 2).
  let provider: Provider | null = null;
  let description: TargetDescription | null = null;
  let warnings: string[] = [];
  let serviceUrl: string | undefined;
  try {
    if (profile.provider) {
      provider = await deps.createProvider(profile.provider, ctx);
      if (managesService(provider)) await provider.start(signal);
      const p = provider;
      const raw = await withStartupRetry(() => p.describe(signal), clock, signal, log);
      serviceUrl = raw.serviceUrl;
      description = redactSecrets({ ...raw, ...(raw.serviceUrl ? { serviceUrl: redactUrl(raw.serviceUrl) } : {}) });
      warnings = [...description.warnings, ...designWarnings(profile.targets, description.scaling)].map(scrub);
      opts.onTarget?.(description, warnings);
    }
  } catch (err) {
    await provider?.close().catch(() => {});
    throw err;
  }

  const baseUrl = profile.load?.url ?? serviceUrl;
  if (profile.load && !baseUrl) {
    await provider?.close().catch(() => {});
    throw new UsageError('load.url is not set and the provider does not run the service', 'set load.url to the service that receives the load');
  }

  // 2. The run folder and the timeline header.
  const startedAtWall = clock.wallNow();
  const runStartMono = clock.now();
  const name = profile.name ?? path.basename(opts.profilePath).replace(/\.ya?ml$/i, '');
  const runDir = createRunDir(opts.outDir, name, startedAtWall);
  const t = () => clock.now() - runStartMono;
  let ended = false;
  const writer = new TimelineWriter(path.join(runDir, 'timeline.ndjson'), {
    scrub,
    // process.exit() mid-run (a second Ctrl-C): the timeline still says how it ended.
    onExit: () => (ended ? null : { kind: 'end', t: t(), status: 'interrupted', reason: 'scaleproof exited before the run finished (second interrupt)' }),
  });
  opts.onRunDir?.(runDir);
  const killSwitch = profile.abort_when ? new KillSwitch(profile.abort_when, { maxReplicas: profile.targets.autoscaling?.max_instances }) : null;
  if (killSwitch) {
    writer.onRecord((r) => {
      const hit = killSwitch.push(r);
      if (hit) stopper.stop({ condition: `abort_when.${hit.condition}`, message: hit.message });
    });
  }
  if (opts.onRecord) writer.onRecord(opts.onRecord);
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
  if (description) writer.append({ kind: 'target', t: t(), description });
  const remote = remoteTargetWarning(profile, baseUrl);
  if (remote) log.warn(remote);
  if (killSwitch?.missingMaxReplicas) warnings.push('abort_when.replicas_at_max cannot be evaluated: neither the platform nor targets.autoscaling.max_instances says the maximum');
  for (const w of [...warnings, ...(remote ? [remote] : [])]) writer.append({ kind: 'note', t: t(), level: 'warning', message: w });

  const done = new AbortController();
  stopper.capDuration(clock, profile.limits.max_duration, done.signal);
  let status: EndRecord['status'] = 'completed';
  let reason: string | undefined;
  let poller: Poller | null = null;
  try {
    if (provider) {
      poller = new Poller({ provider, clock, log, pollIntervalMs, runStartMono, startedAtWall, append: (r) => writer.append(r), wallDriftMs: () => clock.driftMs(), ...(deps.random ? { random: deps.random } : {}) });
      poller.start();
      // A baseline read before load, so the first load change has a "before" to compare with.
      const ok = await poller.firstRead(Math.max(5000, pollIntervalMs * 3), signal);
      if (!ok && !signal.aborted) writer.append({ kind: 'note', t: t(), level: 'warning', message: 'no platform sample before the load started' });
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
        env: deps.env,
        onStage: (s) => writer.append(s),
        onWindows: (records) => {
          for (const r of records) writer.append(r);
        },
      });
      if (result.dropped > 0) {
        writer.append({ kind: 'note', t: t(), level: 'warning', message: `${result.dropped} planned arrivals could not start (in-flight cap reached) and were counted as dropped` });
      }
      // Stages that sent less than planned: the generator, not the service, may be the limit.
      for (const message of achievedRateNotes(result)) writer.append({ kind: 'note', t: t(), level: 'warning', message });
    } else if (!profile.load && profile.external_load) {
      // The load comes from another tool (k6, Locust...): mark when it started, as a step from
      // "off" (0) to "on" (1), so the analysis measures the scale-up from that moment.
      const startT = Date.parse(profile.external_load.started_at) - startedAtWall;
      writer.append({ kind: 'stage', t: startT, index: 0, name: 'external-load', from: 0, to: 1, durationMs: 0 });
    }
    if (!signal.aborted) {
      writer.append({ kind: 'phase', t: t(), phase: 'observe' });
      const delay = provider && 'metricDelayMs' in provider ? Number((provider as { metricDelayMs: number }).metricDelayMs) || 0 : 0;
      await clock.sleep(profile.observe_after + delay, signal).catch(() => {});
    }
  } catch (err) {
    if (!signal.aborted) {
      status = 'failed';
      reason = scrub(err instanceof Error ? err.message : String(err));
      log.warn(`run failed: ${reason}`);
    }
  } finally {
    done.abort();
    if (status !== 'failed' && signal.aborted) ({ status, reason } = stopStatus(opts.signal, stopper));
    if (status === 'aborted') log.warn(`run aborted: ${reason}`);
    writer.append({ kind: 'phase', t: t(), phase: 'end' });
    await poller?.stop().catch(() => {});
    poller?.closeOpenGap();
    await provider?.close().catch((e: unknown) => log.warn(`closing the provider: ${e instanceof Error ? e.message : String(e)}`));
    writer.append({ kind: 'end', t: t(), status, ...(reason === undefined ? {} : { reason }) });
    ended = true;
    writer.close();
  }
  return { runDir, status, ...(reason === undefined ? {} : { reason }) };
}

/** The user's signal wins over scaleproof's own stop: Ctrl-C during an abort is still an interrupt. */
function stopStatus(user: AbortSignal, stopper: RunStopper): { status: EndRecord['status']; reason: string } {
  if (user.aborted) return { status: 'interrupted', reason: String(user.reason instanceof Error ? user.reason.message : user.reason ?? 'interrupted') };
  return { status: 'aborted', reason: stopper.reason?.message ?? 'aborted' };
}
