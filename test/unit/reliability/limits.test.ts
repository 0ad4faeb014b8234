import { describe, expect, it } from 'vitest';
import { ProfileError } from '../../../src/errors.js';
import { profileFrom } from '../run/run-harness.js';

const load = (stages: object[], extra: object = {}) => ({ load: { url: 'http://127.0.0.1:9', stages }, ...extra });

describe('limits and abort_when in profiles', () => {
  it('applies safe defaults to every profile', async () => {
    const p = await profileFrom(load([{ duration: '1m', rate: 5 }]));
    expect(p.limits).toEqual({ max_duration: 86_400_000, max_rate: 100_000 });
    expect(p.abort_when).toBeUndefined();
  });

  it('parses abort_when with human units', async () => {
    const p = await profileFrom(load([{ duration: '1m', rate: 5 }], { abort_when: { error_rate: { above: '50%', for: '30s' }, p99: { above: '5s', for: '10s' }, replicas_at_max: { for: '2m' }, dropped_rate: { above: 0.2 } } }));
    expect(p.abort_when).toEqual({ error_rate: { above: 0.5, for: 30_000 }, p99: { above: 5000, for: 10_000 }, replicas_at_max: { for: 120_000 }, dropped_rate: { above: 0.2, for: 0 } });
  });

  it.each([
    ['a rate above the default max_rate', load([{ duration: '1m', rate: 150_000 }]), /load\.stages\[0\]\.rate: 150000 req\/s is above limits\.max_rate \(100000 req\/s\); raise limits\.max_rate/],
    ['a start rate above max_rate', { load: { url: 'http://127.0.0.1:9', start: 200_000, stages: [{ duration: '1m', rate: 5 }] } }, /load\.start: 200000 req\/s is above limits\.max_rate/],
    ['a run longer than the default 24h', load([{ duration: '20h', rate: 1 }], { observe_after: '5h' }), /would last 25h \(stages \+ observe_after\), above limits\.max_duration \(24h\)/],
    ['a run longer than its own limit', load([{ duration: '2m', rate: 1 }], { limits: { max_duration: '1m' } }), /above limits\.max_duration \(60s\)/],
    ['a rate above a lowered max_rate', load([{ duration: '1m', rate: 50 }], { limits: { max_rate: 10 } }), /50 req\/s is above limits\.max_rate \(10 req\/s\)/],
    ['an unknown abort condition', load([{ duration: '1m', rate: 1 }], { abort_when: { error_rat: { above: '5%' } } }), /abort_when.*error_rat/],
    ['a bad abort threshold', load([{ duration: '1m', rate: 1 }], { abort_when: { p99: { above: 5 } } }), /abort_when\.p99\.above: expected a duration/],
  ])('refuses %s with exit 2 and the path', async (_name, data, message) => {
    const err = await profileFrom(data).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(ProfileError);
    expect((err as ProfileError).exitCode).toBe(2);
    expect((err as ProfileError).message).toMatch(message);
  });

  it('allows raising the limits on purpose', async () => {
    const p = await profileFrom(load([{ duration: '30h', rate: 200_000 }], { limits: { max_duration: '48h', max_rate: 250_000 } }));
    expect(p.limits.max_rate).toBe(250_000);
  });
});
