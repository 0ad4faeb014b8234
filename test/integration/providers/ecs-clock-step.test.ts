/**
 * AWS's clock steps mid-run (+3.5 s, an NTP correction on its side): the aws-ecs provider's
 * estimate, read from the real SDK's answers, sees the step (the Date headers stop agreeing with
 * what was known), restarts from the new offset, and converts the platform times it reads after
 * that with it. The fake's CloudWatch periods end on whole seconds of OUR clock, so a converted
 * point lands on one (within the bound); an unconverted one would be half a second off.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FakeEcs } from '../../fakes/ecs/fake-ecs.js';
import { hasServerClock, type PlatformClock, type PlatformSample } from '../../../src/provider.js';
import { ecsProvider, signal, useEcsTestEnv } from './ecs-helpers.js';

useEcsTestEnv();
let fake: FakeEcs | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

describe('aws-ecs provider when AWS’s clock steps', () => {
  it('reports the step, takes the new offset, and converts later platform times with it', async () => {
    const stepAt = Date.now() + 1500;
    fake = new FakeEcs({ clockStep: { atWall: stepAt, byMs: 3500 }, metricDelayMs: 0 });
    await fake.start();
    const p = ecsProvider(fake.url);
    expect(hasServerClock(p)).toBe(true);
    if (!hasServerClock(p)) return;
    const reads: Array<{ clock: PlatformClock | null; samples: PlatformSample[]; readAt: number }> = [];
    while (Date.now() < stepAt + 4500) {
      const clock = p.serverClockForRead();
      const samples = await p.sample(signal());
      reads.push({ clock, samples, readAt: Date.now() });
      await new Promise((r) => setTimeout(r, 150));
    }
    const before = reads.filter((r) => r.readAt < stepAt && r.clock);
    expect(before.length).toBeGreaterThan(0);
    for (const r of before) expect(Math.abs(r.clock!.offsetMs)).toBeLessThanOrEqual(r.clock!.boundMs + 5);
    const last = reads.at(-1)!.clock!;
    expect(last.steps).toBe(1);
    expect(Math.abs(last.offsetMs - 3500)).toBeLessThanOrEqual(last.boundMs + 5);
    // Reads converted with a post-step estimate that is sharp enough to tell put each point on a
    // whole second of our clock again.
    const sharp = reads.filter((r) => r.clock && r.clock.steps === 1 && r.clock.boundMs < 200);
    // (Only points AWS stamped after its step: an older stamp is on its old clock, and after a step
    // nothing says which clock a stamp was made with.)
    const stamped = sharp.flatMap((r) => r.samples.filter((s) => s.platformStamped && s.source.startsWith('cloudwatch:') && s.atWall > stepAt + 1000).map((s) => ({ s, r })));
    expect(stamped.length).toBeGreaterThan(0);
    for (const { s, r } of stamped) {
      const offWholeSecond = Math.abs(s.atWall - Math.round(s.atWall / 1000) * 1000);
      expect(offWholeSecond).toBeLessThanOrEqual(r.clock!.boundMs + 5);
    }
  }, 20_000);
});
