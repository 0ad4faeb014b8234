import { describe, expect, it } from 'vitest';
import { analyze } from '../../../src/analysis/index.js';
import { TimelineBuilder } from '../../support/timeline-builder.js';

describe('notes and run facts', () => {
  it('lists gaps, skipped lines, generator drops, warnings and an early end', () => {
    const b = new TimelineBuilder();
    b.sample(0, { desired: 1, ready: 1 })
      .gap(5000, 9000, 'DescribeServices: ThrottlingException')
      .load(0, { latenciesMs: [1, 1, 1], dropped: 1, planned: 4 })
      .note(2000, 'scheduler lag p99 above 50ms: the generator is saturated')
      .note(2500, 'connected', 'info')
      .end(10_000, 'interrupted');
    const result = analyze(b.build(2));
    expect(result.endStatus).toBe('interrupted');
    expect(result.durationMs).toBe(10_000);
    expect(result.notes).toEqual([
      'the run ended early (interrupted) at 10s',
      '2 timeline line(s) could not be read and were skipped',
      'no platform data from 5s to 9s: DescribeServices: ThrottlingException',
      'the load generator dropped 1 arrivals (25% of planned): it could not start them (in-flight cap or no free connection), so the service saw less load than planned',
      'at 2s: scheduler lag p99 above 50ms: the generator is saturated',
    ]);
  });

  it('takes the duration from the latest record when the end record is missing, and says so', () => {
    const b = new TimelineBuilder();
    b.sample(42_000, { desired: 1, ready: 1 }).load(50_000, { latenciesMs: [1] });
    const result = analyze(b.build());
    expect(result).toMatchObject({ durationMs: 51_000, endStatus: 'unknown', runId: 'run-test', profileName: 'test-profile', provider: 'fake' });
    expect(result.notes[0]).toBe('the timeline has no end record: the run was killed, or is still going');
  });

  it('treats an hdr that does not decode like a missing one', () => {
    const b = new TimelineBuilder();
    b.load(0, { latenciesMs: [1, 1.2] }).end(1000);
    const timeline = b.build();
    timeline.load[0]!.hdr = 'not-a-histogram';
    const result = analyze(timeline);
    expect(result.load!.latencyExact).toBe(false);
    expect(result.load!.latency).toMatchObject({ count: 2, p50: 1, max: 1.2 });
    expect(result.notes).toContain('some load windows had an hdr histogram that could not be decoded: percentiles over them are upper bounds');
  });

  it('handles a day of one-second samples and windows', () => {
    const b = new TimelineBuilder();
    for (let t = 0; t < 86_400_000; t += 1000) b.sample(t, { desired: 2, ready: 2, cpuPct: 10 });
    for (let t = 0; t < 86_400_000; t += 1000) b.load(t, { latenciesMs: [1], hdr: false });
    const result = analyze(b.end(86_400_000).build());
    expect(result.replicas.readyReplicaSeconds).toBe(2 * 86_400);
    expect(result.load!.completed).toBe(86_400);
  });
});
