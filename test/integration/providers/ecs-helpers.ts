/**
 * What the aws-ecs provider tests share: AWS credentials from the environment only (IMDS and the
 * shared config files off, as a user's SDK default chain would read them), providers against a
 * fake control plane that are all closed after each test, and polls that read like the poller.
 */
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createEcsProvider } from '../../../providers/ecs/index.js';
import { ecsSettingsSchema, type EcsSettingsInput } from '../../../providers/ecs/settings.js';
import { systemClock } from '../../../src/clock.js';
import { silentLogger } from '../../../src/log.js';
import type { PlatformEvent, PlatformSample, Provider } from '../../../src/provider.js';
import { FakeEcs, type FakeEcsOptions } from '../../fakes/ecs/fake-ecs.js';

export const signal = () => AbortSignal.timeout(10_000);

/** Credentials through the SDK default chain from the environment; no IMDS, no shared files. */
export function awsEnv(keyId = 'AKIDFAKE'): void {
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: keyId,
    AWS_SECRET_ACCESS_KEY: 'fake-secret',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: path.join(os.tmpdir(), 'scaleproof-no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(os.tmpdir(), 'scaleproof-no-aws-credentials'),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  delete process.env.AWS_PROFILE;
}

const open: Provider[] = [];
const fakes: FakeEcs[] = [];

/** Registers the hooks: the test environment for the file, every provider and fake closed and the credentials reset after each test. */
export function useEcsTestEnv(): void {
  const saved = { ...process.env };
  beforeAll(() => awsEnv());
  afterEach(async () => {
    for (const p of open.splice(0)) await p.close();
    for (const f of fakes.splice(0)) await f.close();
    awsEnv();
  });
  afterAll(() => {
    process.env = saved;
  });
}

/** A started fake ECS control plane, closed after the test. */
export async function startEcsFake(options: FakeEcsOptions = {}): Promise<FakeEcs> {
  const fake = new FakeEcs(options);
  fakes.push(fake);
  await fake.start();
  return fake;
}

/** An aws-ecs provider from exactly these settings; warnings collected into `warnings`; closed after the test. */
export function ecsProviderFrom(input: EcsSettingsInput, warnings: string[] = []): Provider {
  const p = createEcsProvider(ecsSettingsSchema.parse(input), { clock: systemClock, log: { ...silentLogger, warn: (m) => warnings.push(m) }, env: process.env });
  open.push(p);
  return p;
}

/** An aws-ecs provider against the fake at `endpoint`, with 1 s metrics. */
export function ecsProvider(endpoint: string, extra: Partial<EcsSettingsInput> = {}, warnings: string[] = []): Provider {
  return ecsProviderFrom({ region: 'us-east-1', cluster: 'demo', service: 'web', endpoint, metric_period: '1s', metric_interval: '1s', metric_lookback: '20s', metric_delay: '3s', max_attempts: 1, ...extra }, warnings);
}

export interface Polled {
  samples: PlatformSample[];
  /** Events by id, as the poller keeps them. */
  events: Map<string, PlatformEvent>;
  /** Ids whose event came back different from the first time it was read (it must not). */
  changed: string[];
}

/** One read like the poller's: sample(), then events() since `sinceWall`. */
async function readOnce(p: Provider, sinceWall: number, into: Polled): Promise<void> {
  into.samples.push(...(await p.sample(signal())));
  for (const e of await p.events(sinceWall, signal())) {
    const id = e.id ?? `${e.atWall}${e.message}`;
    const before = into.events.get(id);
    if (before && JSON.stringify(before) !== JSON.stringify(e)) into.changed.push(id);
    if (!before) into.events.set(id, e);
  }
}

/** Reads every `everyMs` until `done()` (checked after each read) or `maxReads`. */
export async function pollUntil(p: Provider, everyMs: number, done: () => boolean, maxReads = 60): Promise<Polled> {
  const polled: Polled = { samples: [], events: new Map(), changed: [] };
  const since = Date.now() - 60_000;
  for (let i = 0; i < maxReads; i++) {
    await readOnce(p, since, polled);
    if (done()) break;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return polled;
}

/**
 * Reads every `everyMs` until `reached()` (the fake's recorded truth) holds, then `readsAfter`
 * more, so that some read begins after the truth (see expectSeenByTheFirstReadAfter).
 */
export function pollPast(p: Provider, everyMs: number, reached: () => boolean, readsAfter = 1, maxReads = 40): Promise<Polled> {
  let after = -1;
  return pollUntil(p, everyMs, () => (after >= 0 || reached()) && ++after >= readsAfter, maxReads);
}

/** Reads every `everyMs` in the background until `stop()`. */
export function pollInBackground(p: Provider, sinceWall: number, everyMs: number): Polled & { stop(): Promise<void> } {
  const polled: Polled = { samples: [], events: new Map(), changed: [] };
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      await readOnce(p, sinceWall, polled);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    ...polled,
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

/** One read of the tasks as its `ready` sample at the read shows it: [start, end] and the count. */
export interface TaskRead {
  start: number;
  end: number;
  ready: number;
}

/** The reads behind `source`'s samples at the read (resolution = the read's own duration), in order. */
export function taskReads(samples: readonly PlatformSample[], source: string): TaskRead[] {
  return samples
    .filter((s) => s.source === source && s.ready !== undefined)
    .map((s) => ({ start: s.atWall - s.resolutionMs, end: s.atWall, ready: s.ready! }))
    .sort((a, b) => a.start - b.start);
}

/**
 * How a read-stamped milestone is checked without timing the machine: `ready` reached `n` no
 * earlier than the truth, and every read that BEGAN after the truth saw it (so the first one
 * did: the milestone is late by at most the gap between reads, however slow they are).
 */
export function expectSeenByTheFirstReadAfter(reads: readonly TaskRead[], n: number, truthAt: number): void {
  const first = reads.find((r) => r.ready >= n);
  if (!first) throw new Error(`ready never reached ${n} (reads: ${JSON.stringify(reads)})`);
  if (first.end < truthAt) throw new Error(`ready reached ${n} at ${first.end}, before the truth ${truthAt}`);
  const missed = reads.filter((r) => r.start > truthAt && r.ready < n);
  if (missed.length > 0) throw new Error(`reads that began after the truth (${truthAt}) did not see ${n}: ${JSON.stringify(missed)}`);
  if (!reads.some((r) => r.start > truthAt)) throw new Error(`no read began after the truth ${truthAt}: poll longer`);
}

/**
 * A replica-ready event stamped at a read: its window is exactly (the previous read's start, this
 * read's end], the previous read being the one just before (a wider window is a lost read).
 */
export function expectWindowIsOneRead(reads: readonly TaskRead[], e: PlatformEvent): void {
  const i = reads.findIndex((r) => r.end === e.atWall);
  if (i < 1) throw new Error(`event ${e.id} at ${e.atWall} is not at a read after the first (reads: ${JSON.stringify(reads)})`);
  const windowStart = e.atWall - e.resolutionMs;
  if (windowStart !== reads[i - 1]!.start) throw new Error(`event ${e.id}: window starts at ${windowStart}, the previous read at ${reads[i - 1]!.start}`);
}

/** The first sample whose `ready` reached `n`. */
export function firstReadyAtLeast(samples: readonly PlatformSample[], n: number): PlatformSample {
  return samples.filter((s) => (s.ready ?? 0) >= n).sort((a, b) => a.atWall - b.atWall)[0]!;
}

/** When the fake's n-th target turned healthy (in time): the truth for `ready` reaching n behind a load balancer. */
export function nthTargetHealthyAt(fake: FakeEcs, n: number): number {
  return fake.targetHealthy.map((h) => h.atWall).sort((a, b) => a - b)[n - 1]!;
}
