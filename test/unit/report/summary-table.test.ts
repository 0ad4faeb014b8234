import { describe, expect, it } from 'vitest';
import { renderSummaryTable, useColor } from '../../../src/report/summary-table.js';
import { fixtureResult } from './fixture.js';

const runDir = 'runs/20261127-031502-demo';
const files = [`${runDir}/report.md`, `${runDir}/report.json`, '/elsewhere/extra.csv'];
const ESC = '\u001b[';

describe('terminal summary', () => {
  it('prints the verdict, an aligned row per check, the facts and the run folder', () => {
    expect(renderSummaryTable(fixtureResult(), { runDir, files, color: false })).toBe(
      [
        '',
        'FAIL  demo: 2 passed, 1 failed, 1 unknown of 4 checks',
        '',
        '  pass     latency.p95                  p95 <= 500ms        210ms',
        '  FAIL     error_rate                   error rate <= 0.5%  1%',
        '           └ 300 of 30000 requests failed',
        '  pass     autoscaling.scale_up_time    scale-up <= 2m      1m10s    ±5s',
        '  unknown  autoscaling.scale_down_time  scale-down <= 5m    unknown',
        '           └ ready replicas never settled',
        '',
        '  load         30000 requests, 1% errors, p95 210ms, p99 480ms',
        '  scale-ups    1→6 ready in 1m10s (−5s), scaled',
        '  scale-downs  6→2 traffic stopped not seen, incomplete',
        '  notes        2 (see report.md)',
        '  reports      report.md, report.json, /elsewhere/extra.csv',
        `  run folder   ${runDir}`,
        '',
        '',
      ].join('\n'),
    );
  });

  it('without checks or load it still names the run folder and says nothing was checked', () => {
    const text = renderSummaryTable(fixtureResult({ checks: [], verdict: 'pass', load: null, scaleUps: [], scaleDowns: [], notes: [], endStatus: 'interrupted' }), { runDir, color: false });
    expect(text).toBe(['', 'PASS  demo: no targets were set, so nothing was checked', '', '  run         ended interrupted', `  run folder  ${runDir}`, '', ''].join('\n'));
  });

  it('colours only when asked, and colour never breaks the alignment', () => {
    const plain = renderSummaryTable(fixtureResult(), { runDir, files, color: false });
    const coloured = renderSummaryTable(fixtureResult(), { runDir, files, color: true });
    expect(plain).not.toContain(ESC);
    expect(coloured).toContain(ESC);
    expect(coloured.replace(/\u001b\[[0-9;]*m/g, '')).toBe(plain);
  });

  it('useColor: a TTY without NO_COLOR', () => {
    expect(useColor({ isTTY: true }, {})).toBe(true);
    expect(useColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(useColor({ isTTY: false }, {})).toBe(false);
    expect(useColor({}, {})).toBe(false);
  });
});
