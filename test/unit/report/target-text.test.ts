/** The target description `check` and `run` print: rules read as sentences, whatever unit style a provider uses. */
import { describe, expect, it } from 'vitest';
import { describeTarget } from '../../../src/report/target-text.js';

describe('describeTarget', () => {
  it('puts a space before a word unit, none before %, and keeps a unit that brings its own space', () => {
    const text = describeTarget(
      {
        summary: 'Cloud Run service web',
        scaling: {
          minReplicas: 1,
          maxReplicas: 10,
          rules: [
            { metric: 'concurrency', target: 48, unit: 'requests per instance' },
            { metric: 'cpu', target: 60, unit: '%' },
            { metric: 'tcp-connections', target: 20, unit: ' connections/replica' },
            { metric: 'external', target: 5, unit: '' },
          ],
          timings: { syncPeriodMs: 15_000 },
        },
        warnings: [],
      },
      ['idle instances are kept'],
      [{ atWall: 0, resolutionMs: 0, source: 't', desired: 3, ready: 2 }],
    );
    expect(text).toBe(
      [
        'target: Cloud Run service web',
        'scaling: 1..10 replicas',
        '  rule: concurrency target 48 requests per instance',
        '  rule: cpu target 60%',
        '  rule: tcp-connections target 20 connections/replica',
        '  rule: external target 5',
        '  timings: syncPeriodMs 15s',
        'now: desired 3, ready 2',
        'warning: idle instances are kept',
        '',
      ].join('\n'),
    );
  });
});
