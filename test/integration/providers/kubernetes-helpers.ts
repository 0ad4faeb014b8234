/** Shared by the Kubernetes provider integration tests: fakes and providers closed after each test, and a read loop. */
import { afterEach, expect } from 'vitest';
import type { PlatformEvent, PlatformSample } from '../../../src/provider.js';
import { systemClock } from '../../../src/clock.js';
import type { Logger } from '../../../src/log.js';
import { KubernetesProvider } from '../../../providers/kubernetes/index.js';
import { kubernetesSettingsSchema, type KubernetesSettingsInput } from '../../../providers/kubernetes/settings.js';
import { startKubeFake, type KubeFake } from '../../fakes/kubernetes/index.js';
import { expectSeenAtTheNextRead } from '../../support/agreement.js';

/** Every fake and provider a test made (a test may make several), closed after it. */
const fakes = new Set<KubeFake>();
const providers = new Set<KubernetesProvider>();

/** Registers the afterEach that closes them: call once at the top of a test file. */
export function closeAfterEachTest(): void {
  afterEach(async () => {
    // Twice: closing must be safe to repeat (a run's shutdown paths may each close it).
    for (const p of providers) await p.close().then(() => p.close());
    for (const f of fakes) await f.stop();
    providers.clear();
    fakes.clear();
  });
}

/** A started fake cluster, stopped after the test. */
export async function kubeFake(options: Parameters<typeof startKubeFake>[0] = {}): Promise<KubeFake> {
  const f = await startKubeFake(options);
  fakes.add(f);
  return f;
}

export interface CapturingLogger extends Logger {
  warnings: string[];
}

export function capturingLogger(): CapturingLogger {
  const warnings: string[] = [];
  return { warnings, info: () => {}, debug: () => {}, warn: (m) => warnings.push(m) };
}

export function k8sProvider(settings: KubernetesSettingsInput, env: Record<string, string | undefined> = {}, log: Logger = capturingLogger()): KubernetesProvider {
  const p = new KubernetesProvider(kubernetesSettingsSchema.parse(settings), { clock: systemClock, log, env });
  providers.add(p);
  return p;
}

export interface Collected {
  samples: PlatformSample[];
  events: PlatformEvent[];
  /** Wall time each of readUntil's reads (sample + events) returned. */
  reads?: number[];
}

/** Read like the poller does (every `everyMs`) until `until` holds or `timeoutMs` passes. */
export async function readUntil(
  p: KubernetesProvider,
  into: Collected,
  until: (c: Collected) => boolean,
  opts: { timeoutMs: number; everyMs?: number; sinceWall?: number },
): Promise<boolean> {
  const end = Date.now() + opts.timeoutMs;
  const since = opts.sinceWall ?? Date.now() - 60_000;
  const seen = new Set(into.events.map((e) => e.id));
  while (Date.now() < end) {
    const [s, e] = await Promise.all([p.sample(AbortSignal.timeout(3000)), p.events(since, AbortSignal.timeout(3000))]);
    (into.reads ??= []).push(Date.now());
    into.samples.push(...s);
    for (const ev of e) {
      if (!seen.has(ev.id)) {
        seen.add(ev.id);
        into.events.push(ev);
      }
    }
    if (until(into)) return true;
    await new Promise((r) => setTimeout(r, opts.everyMs ?? 200));
  }
  return false;
}

/**
 * What the provider reported (`seen`) agrees with what the fake recorded at `truthWall`: not
 * before it, and at most one of the test's reads returned in between (as in
 * test/support/agreement.ts, on wall times). Counted in reads, not milliseconds: a loaded machine
 * delivers the watch notification later, but still before the next read. An event the provider
 * placed at the API's own time (a late notification; Kubernetes stamps to the second) holds the
 * truth inside its resolution instead.
 */
export function expectSeenByTheNextRead(seen: { atWall: number; resolutionMs?: number } | undefined, truthWall: number, reads: readonly number[] | undefined, what = ''): void {
  expect(seen, `${what} never seen`).toBeDefined();
  const { atWall, resolutionMs = 0 } = seen!;
  if (resolutionMs > 0) {
    expect(truthWall, what).toBeGreaterThanOrEqual(atWall - 5);
    expect(truthWall, what).toBeLessThan(atWall + resolutionMs);
    return;
  }
  expectSeenAtTheNextRead({ atT: atWall, marginMs: 0 }, truthWall, reads ?? []);
}

/** First sample at or after `fromWall` whose field satisfies the test. */
export function firstSample(samples: PlatformSample[], fromWall: number, test: (s: PlatformSample) => boolean): PlatformSample | undefined {
  return [...samples].sort((a, b) => a.atWall - b.atWall).find((s) => s.atWall >= fromWall && test(s));
}
