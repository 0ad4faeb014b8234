import { describe, expect, it } from 'vitest';
import { renderInsightsMarkdown, renderInsightsText } from '../../../src/insights/index.js';
import { URL, lat, run, steps } from './helpers.js';

// Holds of 5 then 40 req/s on 3 replicas that cannot move (min = max = 3); latency breaks at 40.
const level = (t: number) => (t < 20_000 ? 5 : 40);
const s = (max: number) => ({
  profile: {
    type: 'load',
    load: { url: URL, start: 5, stages: steps([[20, 5], [20, 40]]) },
    targets: { latency: { p95: '100ms' }, cpu: { target: '70%' } },
    cost: { instance_hour: 0.5, currency: 'EUR' },
  },
  endMs: 40_000,
  window: (t: number) => ({ latenciesMs: lat(level(t), level(t) === 40 ? 500 : 50) }),
  sample: (t: number) => ({ desired: 3, ready: 3, cpuPct: 20 + level(t - 1000) / 3, memPct: 90 }),
  scaling: { minReplicas: 3, maxReplicas: max },
});

describe('right-sizing', () => {
  it('recommends from CPU, memory, replica bounds', () => {
    const { insights } = run(s(3));
    const r = insights.rightSizing;
    expect(r.cpu).toMatchObject({ samples: 40, maxPct: expect.closeTo(20 + 40 / 3, 6) });
    expect(r.memory).toMatchObject({ meanPct: 90, p95Pct: 90, maxPct: 90 });
    const by = Object.fromEntries(r.recommendations.map((x) => [x.subject, x]));
    expect(by.cpu).toMatchObject({ action: 'shrink' });
    expect(by.memory).toMatchObject({ action: 'grow', suggested: expect.closeTo(90 / 70, 6) });
    // Capacity 5/3 req/s per replica (latency basis): the 5 req/s hold needed ceil(3) = 3.
    expect(insights.capacity).toMatchObject({ basis: 'latency-target', perReplica: expect.closeTo(5 / 3, 6) });
    expect(by.min_instances).toBeUndefined();
    // 40 req/s at 5/3 per replica = 24 replicas.
    expect(by.max_instances).toMatchObject({ action: 'raise', suggested: 24 });
    expect(by.scaling_target).toBeUndefined();
  });

  it('does not judge the scaling target when desired never rose', () => {
    const { insights } = run(s(10));
    const by = Object.fromEntries(insights.rightSizing.recommendations.map((x) => [x.subject, x]));
    expect(by.max_instances).toBeUndefined();
    expect(by.scaling_target).toBeUndefined();
  });

  it('asks to scale earlier when latency broke while new replicas were starting', () => {
    const { insights } = run({
      ...s(10),
      window: (t: number) => ({ latenciesMs: lat(level(t), t >= 20_000 && t < 28_000 ? 500 : 50) }),
      sample: (t: number) => ({ desired: t >= 22_000 ? 6 : 3, ready: t >= 28_000 ? 6 : 3, cpuPct: 50 }),
    });
    const target = insights.rightSizing.recommendations.find((x) => x.subject === 'scaling_target');
    expect(target).toMatchObject({ action: 'lower', suggested: 60, data: { cpuTargetPct: 70, scaleUps: 1, overLimit: 1 } });
  });

  it('renders every section in markdown and text', () => {
    const { insights } = run(s(3));
    const md = renderInsightsMarkdown(insights);
    for (const title of ['## Insights', '### Load test: steady state', '### Capacity per replica', '### Right-sizing', '### Cost']) expect(md).toContain(title);
    expect(md).toContain('| max_instances | raise | 24 replicas |');
    expect(md).toContain('EUR');
    const text = renderInsightsText(insights);
    expect(text).toMatch(/^INSIGHTS\n/);
    expect(text).toContain('Capacity per replica');
    expect(text).not.toContain('|');
  });
});
