import { describe, expect, it } from 'vitest';
import { analyze } from '../../../src/analysis/index.js';
import { unservedRate } from '../../../src/analysis/unserved.js';
import { loadRecord, TimelineBuilder } from '../../support/timeline-builder.js';
import { URL } from './fixtures.js';

const ok = (n: number) => Array.from({ length: n }, () => 5);

/** Open model, two requests; `search` loses arrivals to the in-flight cap in two windows. */
function openRun(targets: Record<string, unknown>) {
  const profile = {
    name: 'drops',
    load: { url: URL, start: 100, stages: [{ duration: '4s', rate: 100 }], requests: [{ name: 'search' }, { name: 'home' }] },
    targets,
  };
  const b = new TimelineBuilder(profile, { provider: null }).stagesFromProfile(0);
  // Per window: search planned 60 (sent 60 or 45: 15 dropped), home planned 40; one 5xx on home in window 1.
  for (let t = 0; t < 4000; t += 1000) {
    const dropped = t >= 2000 ? 15 : 0;
    const errors = t === 1000 ? { http5xx: 1 } : {};
    b.load(t, { latenciesMs: ok(100 - dropped), dropped, errors });
    b.load(t, { request: 'search', latenciesMs: ok(60 - dropped), dropped });
    b.load(t, { request: 'home', latenciesMs: ok(40), errors });
  }
  return analyze(b.end(4000).build());
}

describe('unservedRate', () => {
  it('open model: (dropped + errors) over planned arrivals', () => {
    const records = [
      loadRecord(0, { latenciesMs: ok(90), dropped: 10, errors: { http5xx: 2, timeout: 1 } }),
      loadRecord(1000, { latenciesMs: ok(95), dropped: 5, errors: { connection: 2 } }),
    ];
    expect(unservedRate(records, 'open')).toEqual({ basis: 'planned-arrivals', total: 200, dropped: 15, errors: 5, rate: 20 / 200 });
  });

  it('closed model: planned counts virtual users there, so the base is requests sent (plus any dropped)', () => {
    // 10 users planned in each window; 50 requests sent per window, 2 failed.
    const records = [0, 1000].map((t) => loadRecord(t, { latenciesMs: ok(50), errors: { http5xx: 1 }, planned: 10 }));
    expect(unservedRate(records, 'closed')).toEqual({ basis: 'sent-requests', total: 100, dropped: 0, errors: 2, rate: 0.02 });
  });

  it('is null without windows, and its rate null when nothing was planned', () => {
    expect(unservedRate([], 'open')).toBeNull();
    expect(unservedRate([loadRecord(0, { planned: 0 })], 'open')).toMatchObject({ total: 0, rate: null });
  });
});

describe('unserved_rate target', () => {
  it('counts dropped arrivals that error_rate leaves out: error_rate passes, unserved_rate fails', () => {
    const result = openRun({ error_rate: '1%', unserved_rate: '5%', requests: { search: { error_rate: '1%', unserved_rate: '5%' }, home: { unserved_rate: '5%' } } });
    // 400 planned, 30 dropped, 1 error: error rate 1/370, unserved 31/400.
    expect(result.unserved?.run).toEqual({ basis: 'planned-arrivals', total: 400, dropped: 30, errors: 1, rate: 31 / 400 });
    expect(result.unserved?.byRequest.search).toEqual({ basis: 'planned-arrivals', total: 240, dropped: 30, errors: 0, rate: 30 / 240 });
    expect(result.checks.map((c) => [c.id, c.status, c.measured])).toEqual([
      ['error_rate', 'pass', '0.27%'],
      ['unserved_rate', 'fail', '7.75%'],
      ['requests.search.error_rate', 'pass', '0%'],
      ['requests.search.unserved_rate', 'fail', '12.5%'],
      ['requests.home.unserved_rate', 'pass', '0.63%'],
    ]);
    const byId = Object.fromEntries(result.checks.map((c) => [c.id, c]));
    expect(byId['error_rate']!.target).toBe('error rate <= 1% (sent requests; 30 dropped arrivals not included)');
    expect(byId['requests.search.error_rate']!.target).toBe('error rate <= 1% (search) (sent requests; 30 dropped arrivals not included)');
    expect(byId['unserved_rate']).toMatchObject({ target: 'unserved rate <= 5%', detail: '30 dropped + 1 errors of 400 planned arrivals' });
    expect(byId['requests.home.unserved_rate']).toMatchObject({ target: 'unserved rate <= 5% (home)', detail: '0 dropped + 1 errors of 160 planned arrivals' });
    expect(result.verdict).toBe('fail');
  });

  it('keeps the error-rate target short when nothing was dropped', () => {
    const b = new TimelineBuilder({ name: 'clean', load: { url: URL, start: 10, stages: [{ duration: '2s', rate: 10 }] }, targets: { error_rate: '1%', unserved_rate: '1%' } }, { provider: null }).stagesFromProfile(0);
    b.load(0, { latenciesMs: ok(10) }).load(1000, { latenciesMs: ok(10) });
    const result = analyze(b.end(2000).build());
    expect(result.checks.map((c) => [c.id, c.target, c.status, c.measured])).toEqual([
      ['error_rate', 'error rate <= 1%', 'pass', '0%'],
      ['unserved_rate', 'unserved rate <= 1%', 'pass', '0%'],
    ]);
  });

  it('closed model: the rate is errors over requests sent, whatever the planned users', () => {
    const profile = { name: 'vus', load: { url: URL, model: 'closed', stages: [{ duration: '2s', vus: 10 }] }, targets: { unserved_rate: '1%' } };
    const b = new TimelineBuilder(profile, { provider: null }).stagesFromProfile(0);
    b.load(0, { latenciesMs: ok(100), errors: { http5xx: 3 }, planned: 10 }).load(1000, { latenciesMs: ok(100), planned: 10 });
    const check = analyze(b.end(2000).build()).checks[0];
    expect(check).toMatchObject({ id: 'unserved_rate', status: 'fail', measured: '1.5%', detail: '0 dropped + 3 errors of 200 sent requests' });
  });

  it('is unknown when nothing was planned (or no load at all)', () => {
    const b = new TimelineBuilder({ name: 'idle', load: { url: URL, start: 0, stages: [{ duration: '1s', rate: 0 }] }, targets: { unserved_rate: '1%', requests: { root: { unserved_rate: '1%' } } } }, { provider: null });
    b.stagesFromProfile(0).load(0, { planned: 0 });
    const checks = analyze(b.end(1000).build()).checks;
    expect(checks.map((c) => [c.id, c.status, c.detail])).toEqual([
      ['unserved_rate', 'unknown', 'no planned arrivals to measure'],
      ['requests.root.unserved_rate', 'unknown', 'no planned arrivals to measure'],
    ]);
  });
});
