/**
 * Runs runValidation in process on a fake clock, with a fake load engine (windows from a script)
 * and any Provider: a 10-minute run takes milliseconds and touches no network.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { silentLogger, type Logger } from '../../../src/log.js';
import type { LoadEngine, LoadRunResult } from '../../../src/load/types.js';
import { parseProfile } from '../../../src/profile/load-profile.js';
import type { Provider } from '../../../src/provider.js';
import { runValidation, type RunOutcome } from '../../../src/run/run-validation.js';
import { readTimeline } from '../../../src/timeline/reader.js';
import type { ErrorClass, LoadRecord, Timeline } from '../../../src/timeline/types.js';
import { FakeClock } from './fake-clock.js';
import { FaultProvider } from './fault-provider.js';

export interface WindowSpec {
  completed?: number;
  errors?: Partial<Record<ErrorClass, number>>;
  p99?: number;
  planned?: number;
  dropped?: number;
}

/** A load engine that emits one window per `window` ms until the plan ends or the signal aborts. */
export function scriptedEngine(windowAt: (t: number) => WindowSpec, log: { windows: LoadRecord[]; stoppedAtT: number | null }): LoadEngine {
  return async (opts): Promise<LoadRunResult> => {
    const { clock, load } = opts;
    const planMs = load.stages.reduce((s, x) => s + x.duration, 0);
    const startT = clock.now() - opts.runStartMono;
    let t = startT;
    while (t - startT < planMs && !opts.signal.aborted) {
      try {
        await clock.sleep(load.window, opts.signal);
      } catch {
        break;
      }
      const w = windowAt(t - startT);
      const completed = w.completed ?? 10;
      const errors: Record<ErrorClass, number> = { http4xx: 0, http5xx: 0, timeout: 0, connection: 0, other: 0, ...w.errors };
      const failed = Object.values(errors).reduce((a, b) => a + b, 0);
      const p99 = w.p99 ?? 20;
      const record: LoadRecord = {
        kind: 'load', t, windowMs: load.window, request: '*', planned: w.planned ?? completed, sent: completed, completed, ok: completed - failed,
        dropped: w.dropped ?? 0, throttled: 0, errors, inFlight: 0,
        latency: { count: completed, mean: p99 / 2, p50: p99 / 2, p90: p99, p95: p99, p99, p999: p99, max: p99 },
      };
      log.windows.push(record);
      opts.onWindows([record]);
      t += load.window;
    }
    if (opts.signal.aborted) log.stoppedAtT = clock.now() - opts.runStartMono;
    return { startT, endT: t, planned: 0, sent: 0, dropped: 0, stoppedEarly: opts.signal.aborted };
  };
}

export async function profileFrom(data: object) {
  return parseProfile(stringify(data), 'test.yaml', { providerNames: ['fault', 'local'], providerSettings: async () => undefined });
}

export interface HarnessResult {
  outcome: RunOutcome;
  timeline: Timeline;
  text: string;
  windows: LoadRecord[];
  stoppedAtT: number | null;
  logs: string[];
}

export async function runInProcess(
  profileData: object,
  provider: ((clock: FakeClock) => Provider) | null,
  windowAt: (t: number) => WindowSpec,
  options: { env?: Record<string, string>; signal?: AbortSignal; clock?: FakeClock } = {},
): Promise<HarnessResult> {
  const clock = options.clock ?? new FakeClock();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scaleproof-run-'));
  const logs: string[] = [];
  const log: Logger = { info: (m) => logs.push(m), warn: (m) => logs.push(`warning: ${m}`), debug: () => {} };
  void silentLogger;
  const engineLog = { windows: [] as LoadRecord[], stoppedAtT: null as number | null };
  try {
    const profile = await profileFrom(profileData);
    const p = provider?.(clock) ?? new FaultProvider(clock, () => ({ ok: true }));
    const run = runValidation(
      { profile, profilePath: 'test.yaml', outDir: dir, signal: options.signal ?? new AbortController().signal },
      { clock, log, env: options.env ?? {}, version: 'test', random: () => 0.5, loadEngine: scriptedEngine(windowAt, engineLog), createProvider: async () => p! },
    );
    const outcome = await clock.runUntil(run, 100);
    const file = path.join(outcome.runDir, 'timeline.ndjson');
    return { outcome, timeline: readTimeline(outcome.runDir), text: fs.readFileSync(file, 'utf8'), windows: engineLog.windows, stoppedAtT: engineLog.stoppedAtT, logs };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
