import { describe, expect, it } from 'vitest';
import { renderMarkdownReport } from '../../../src/report/markdown.js';
import { fixtureContext, fixtureResult } from './fixture.js';

const md = () => renderMarkdownReport(fixtureResult(), fixtureContext());

/** The lines of the table under a `## heading`. */
function tableUnder(text: string, heading: string): string[] {
  const after = text.slice(text.indexOf(`## ${heading}\n\n`) + heading.length + 5);
  return after.split('\n').filter((l, i, all) => l.startsWith('|') && all.slice(0, i).every((x) => x.startsWith('|')));
}

describe('report.md', () => {
  it('opens with the verdict line and the run', () => {
    const lines = md().split('\n');
    expect(lines[0]).toBe('# scaleproof: demo');
    expect(lines[2]).toBe('**Verdict: FAIL** (2 passed, 1 failed, 1 unknown of 4 checks)');
    expect(lines[4]).toBe('run `20261127-031502-demo` · started 2026-11-27 03:15:02 UTC · lasted 12m30s · ended completed · provider local · polled every 5s · scaleproof 0.1.0');
    expect(md()).toContain('Target: local service demo (1..10 replicas)');
  });

  it('verdict table: target, measured, margin, status (and the reason when one is given)', () => {
    expect(tableUnder(md(), 'Checks')).toEqual([
      '| Target | Measured | Margin | Status | Detail |',
      '|---|---|---|---|---|',
      '| p95 <= 500ms | 210ms |  | pass |  |',
      '| error rate <= 0.5% | 1% |  | **FAIL** | 300 of 30000 requests failed |',
      '| scale-up <= 2m | 1m10s | ±5s | pass |  |',
      '| scale-down <= 5m | unknown |  | unknown | ready replicas never settled |',
    ]);
  });

  it('scale-up table: change, levels, replicas, both milestones, margin, and the load while scaling', () => {
    const t = tableUnder(md(), 'Scale-ups');
    expect(t[0]).toBe('| Change at | Load | Replicas | First desired increase | Ready at peak | Margin | p95 during | p99 during | Errors during | Outcome |');
    expect(t[2]).toBe('| 1m | 10 → 100 req/s | 1 → 6 | 30s | 1m10s | −5s | 900ms | 1.5s | 2.5% | scaled |');
    expect(md()).toContain('the true time lies up to the margin below it');
  });

  it('scale-down table shows a milestone never seen and a missing load slice', () => {
    expect(tableUnder(md(), 'Scale-downs')[2]).toBe('| 6m | 100 → 0 req/s | 6 → 2 | 5m | not seen |  | ? | ? | ? | incomplete |');
  });

  it('per-request table, sorted, with the whole run last', () => {
    const t = tableUnder(md(), 'Requests');
    expect(t.slice(2)).toEqual([
      '| home | 20000 | 20000 | 0 | 0 | 0% | 1 | 0 | 16.7/s | ? | 60ms | 210ms | 480ms | 1.2s |',
      '| search | 10000 | 9700 | 300 | 0 | 3% | 1 | 0 | 16.7/s | 30.1/s | 60ms | 210ms | 480ms | 1.2s |',
      '| **all** | 30000 | 29700 | 300 | 0 | 1% | 1 | 0 | 50/s | 98.5/s | 60ms | 210ms | 480ms | 1.2s |',
    ]);
    expect(md()).toContain('their percentiles are upper bounds');
  });

  it('platform facts and notes', () => {
    const text = md();
    expect(text).toContain('- CPU: mean 55.6%, max 97%; memory: mean ?, max ?');
    expect(text).toContain('- Flapping (opposite moves within 5m): none');
    expect(text).toContain('- Warning: scale-down stabilization is 5m');
    expect(text.trimEnd().endsWith('## Notes\n\n- platform data missing from 2m0s to 2m10s (timeout)\n- a | pipe in a note')).toBe(true);
  });

  it('lists flaps and escapes table cells', () => {
    const text = renderMarkdownReport(
      fixtureResult({
        flapping: { windowMs: 60_000, flaps: [{ firstT: 120_000, secondT: 150_000, first: 'up' }], loadDriven: [] },
        checks: [{ id: 'x', target: 'a|b', measured: 'two\nlines', status: 'pass' }],
        verdict: 'pass',
      }),
      fixtureContext(),
    );
    expect(text).toContain('- Flapping (opposite moves within 1m): up at 2m then down at 2m30s');
    expect(text).toContain('| a\\|b | two lines |  | pass |');
    expect(text).toContain('**Verdict: PASS** (1 passed, 0 failed, 0 unknown of 1 checks)');
  });

  it('leaves out empty sections: no checks, no transitions, no load', () => {
    const text = renderMarkdownReport(
      fixtureResult({ checks: [], verdict: 'pass', scaleUps: [], scaleDowns: [], load: null, loadByRequest: {}, notes: [] }),
      fixtureContext({ target: null }),
    );
    expect(text).toContain('**Verdict: PASS** (no targets were set, so nothing was checked)');
    for (const h of ['## Checks', '## Scale-ups', '## Scale-downs', '## Requests', '## Notes', 'Target:']) expect(text).not.toContain(h);
    expect(text).toContain('## Platform');
  });

  it('uses virtual users for a closed model', () => {
    const ctx = fixtureContext();
    const text = renderMarkdownReport(fixtureResult(), { ...ctx, header: { ...ctx.header, profile: { load: { model: 'closed' } } as never } });
    expect(text).toContain('| 10 → 100 VUs |');
  });
});
