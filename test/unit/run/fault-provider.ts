/**
 * An in-process Provider whose reads fail on cue: each call to sample() asks `script(call)` what to
 * do. Faults: throttled (with Retry-After), unavailable (5xx), a hang (the read never answers,
 * whatever the signal says), a dropped connection (a plain Error, as a provider that forgot to wrap
 * it would throw), malformed or partial answers, stale data, and non-retryable errors.
 */
import type { Clock } from '../../../src/clock.js';
import { ProviderError, type ProviderErrorKind } from '../../../src/errors.js';
import type { PlatformEvent, PlatformSample, Provider, TargetDescription } from '../../../src/provider.js';

export type Fault =
  | { ok: true; desired?: number; ready?: number; atWallOffsetMs?: number }
  | { error: ProviderErrorKind; retryAfterMs?: number; message?: string }
  | { hang: true }
  | { dropped: true }
  | { malformed: 'not-a-list' | 'bad-values' | 'partial' }
  | { stale: true };

export class FaultProvider implements Provider {
  readonly name = 'fault';
  readonly calls: number[] = [];
  eventCalls = 0;
  closed = false;
  #staleAt: number | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly script: (call: number) => Fault,
    private readonly eventsScript: (call: number) => Fault = () => ({ ok: true }),
    readonly description: Partial<TargetDescription> = {},
  ) {}

  async describe(): Promise<TargetDescription> {
    return { summary: 'fault-injecting provider', scaling: { rules: [], timings: {}, maxReplicas: 4 }, warnings: [], ...this.description };
  }

  async sample(signal: AbortSignal): Promise<PlatformSample[]> {
    const call = this.calls.length;
    this.calls.push(this.clock.now());
    const f = this.script(call);
    const point = (over: Partial<PlatformSample> = {}): PlatformSample => ({ atWall: this.clock.wallNow(), resolutionMs: 0, source: 'fault:status', desired: 2, ready: 2, ...over });
    if ('ok' in f) return [point({ atWall: this.clock.wallNow() + (f.atWallOffsetMs ?? 0), desired: f.desired ?? 2, ready: f.ready ?? 2 })];
    if ('stale' in f) {
      this.#staleAt ??= this.clock.wallNow();
      return [point({ atWall: this.#staleAt })];
    }
    if ('error' in f) throw new ProviderError(this.name, f.error, f.message ?? `simulated ${f.error}`, f.retryAfterMs === undefined ? undefined : { retryAfterMs: f.retryAfterMs });
    if ('dropped' in f) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    if ('hang' in f) return new Promise<never>(() => {}); // ignores `signal` on purpose
    if (f.malformed === 'not-a-list') return { desired: 3 } as unknown as PlatformSample[];
    if (f.malformed === 'bad-values') return [{ atWall: 'yesterday', resolutionMs: 0, source: 'x', desired: -1 } as unknown as PlatformSample];
    void signal;
    return [point(), { atWall: Number.NaN, resolutionMs: 0, source: 'fault:status', ready: 1 } as PlatformSample];
  }

  async events(_since: number, _signal: AbortSignal): Promise<PlatformEvent[]> {
    const f = this.eventsScript(this.eventCalls++);
    if ('error' in f) throw new ProviderError(this.name, f.error, f.message ?? `simulated ${f.error}`);
    if ('hang' in f) return new Promise<never>(() => {});
    return [];
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
