import { describe, expect, it } from 'vitest';
import { buildJsonReport, renderJsonReport, REPORT_SCHEMA } from '../../../src/report/json.js';
import { fixtureContext, fixtureResult } from './fixture.js';

describe('report.json', () => {
  it('has the documented top-level fields, in order', () => {
    const report = JSON.parse(renderJsonReport(fixtureResult(), fixtureContext({ generatedAt: Date.UTC(2026, 10, 27, 4) })));
    expect(Object.keys(report)).toEqual([
      'schema', 'generatedAt', 'run', 'verdict', 'checks', 'scaleUps', 'scaleDowns', 'load', 'loadByRequest', 'loadByTag', 'replicas', 'cpu', 'memory', 'flapping', 'platformClocks', 'notes', 'insights',
    ]);
    expect(report.schema).toBe(REPORT_SCHEMA);
    expect(report.schema).toBe('scaleproof.report/v1');
    expect(report.generatedAt).toBe('2026-11-27T04:00:00.000Z');
  });

  it('describes the run from the analysis and the timeline header', () => {
    const { run } = buildJsonReport(fixtureResult(), fixtureContext());
    expect(run).toEqual({
      id: '20261127-031502-demo',
      profile: 'demo',
      profilePath: 'profiles/demo.yaml',
      provider: 'local',
      scaleproofVersion: '0.1.0',
      startedAt: '2026-11-27T03:15:02.000Z',
      startedAtWall: Date.UTC(2026, 10, 27, 3, 15, 2),
      durationMs: 750_000,
      endStatus: 'completed',
      loadModel: 'open',
      pollIntervalMs: 5000,
      windowMs: 1000,
      target: {
        summary: 'local service demo (1..10 replicas)',
        minReplicas: 1,
        maxReplicas: 10,
        rules: [{ metric: 'cpu', target: 60, unit: '%' }],
        timings: { syncPeriodMs: 15_000 },
        warnings: ['scale-down stabilization is 5m'],
      },
    });
  });

  it('carries checks, transitions and stats as analysed, with sustained throughput beside each load slice', () => {
    const result = fixtureResult();
    const r = buildJsonReport(result, fixtureContext());
    expect(r.verdict).toBe('fail');
    expect(r.checks).toEqual(result.checks);
    expect(r.scaleUps).toEqual(result.scaleUps);
    expect(r.scaleDowns[0].readyAtSettled).toEqual({ valueMs: null, marginMs: 5000, atT: null });
    expect(r.load).toEqual({ ...result.load, sustainedThroughput: 98.5 });
    expect(Object.keys(r.loadByRequest)).toEqual(['home', 'search']);
    expect(r.loadByRequest.search.sustainedThroughput).toBe(30.1);
    expect(r.loadByRequest.home.sustainedThroughput).toBeNull();
    expect(r.flapping).toEqual(result.flapping);
    expect(r.notes).toEqual(result.notes);
  });

  it('is reproducible without generatedAt, and valid without load or target', () => {
    const result = fixtureResult({ load: null, loadByRequest: {}, sustainedThroughput: null, sustainedThroughputByRequest: {}, provider: null });
    const ctx = fixtureContext({ target: null, header: { scaleproofVersion: '0.1.0', profilePath: 'p.yaml', pollIntervalMs: 5000, windowMs: 1000 } });
    const text = renderJsonReport(result, ctx);
    expect(text).toBe(renderJsonReport(result, ctx));
    expect(text.endsWith('}\n')).toBe(true);
    const r = JSON.parse(text);
    expect(r).not.toHaveProperty('generatedAt');
    expect(r.load).toBeNull();
    expect(r.run).toMatchObject({ provider: null, target: null, loadModel: null });
  });
});
