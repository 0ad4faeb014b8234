/**
 * Bench: reports from a 24-hour timeline (86,400 one-second windows, 2 request names, a poll
 * every 5 s). The parent writes the timeline once, then runs each measurement in a fresh child
 * process so peak RSS belongs to one report run; it prints the median of RUNS runs.
 *
 *   npx tsx bench/report-24h.ts            # RUNS=5 by default
 *   RUNS=9 npx tsx bench/report-24h.ts
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyze } from '../src/analysis/index.js';
import { renderSummaryChartSvg } from '../src/report/chart-image.js';
import { renderTimelineCsv } from '../src/report/csv.js';
import { renderHtmlReport } from '../src/report/html/index.js';
import { renderJunit } from '../src/report/junit.js';
import { readTimeline } from '../src/timeline/reader.js';
import { dayLongOptions, syntheticRecords, toNdjson } from '../test/fixtures/timelines/synthetic.js';

interface Measure {
  readMs: number;
  analyzeMs: number;
  htmlMs: number;
  csvMs: number;
  junitMs: number;
  chartImageMs: number;
  htmlBytes: number;
  peakRssMb: number;
}

const self = fileURLToPath(import.meta.url);

function child(file: string): void {
  const lap = (() => {
    let t = performance.now();
    return () => {
      const now = performance.now();
      const d = now - t;
      t = now;
      return Math.round(d);
    };
  })();
  const timeline = readTimeline(file);
  const readMs = lap();
  const result = analyze(timeline);
  const analyzeMs = lap();
  const html = renderHtmlReport(timeline, result);
  const htmlMs = lap();
  renderTimelineCsv(timeline);
  const csvMs = lap();
  renderJunit(result);
  const junitMs = lap();
  renderSummaryChartSvg(timeline, result);
  const chartImageMs = lap();
  const m: Measure = { readMs, analyzeMs, htmlMs, csvMs, junitMs, chartImageMs, htmlBytes: Buffer.byteLength(html), peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) };
  process.stdout.write(JSON.stringify(m));
}

function parent(): void {
  const runs = Number(process.env.RUNS ?? 5);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scaleproof-bench-'));
  const file = path.join(dir, 'timeline.ndjson');
  const records = syntheticRecords({ ...dayLongOptions(), requests: { search: 7, checkout: 3 } });
  fs.writeFileSync(file, toNdjson(records));
  const sizeMb = fs.statSync(file).size / 1e6;
  console.log(`timeline: ${records.length} records, ${sizeMb.toFixed(1)} MB (${file})`);
  const results: Measure[] = [];
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(process.execPath, [...process.execArgv, self, '--child', file], { encoding: 'utf8', maxBuffer: 1 << 20 });
    results.push(JSON.parse(out) as Measure);
    process.stdout.write('.');
  }
  process.stdout.write('\n');
  const median = (k: keyof Measure) => {
    const v = results.map((r) => r[k]).sort((a, b) => a - b);
    return v[Math.floor(v.length / 2)]!;
  };
  const range = (k: keyof Measure) => `${Math.min(...results.map((r) => r[k]))}–${Math.max(...results.map((r) => r[k]))}`;
  const rows: Array<[string, keyof Measure, string]> = [
    ['read + parse timeline', 'readMs', 'ms'],
    ['analyze', 'analyzeMs', 'ms'],
    ['render HTML report', 'htmlMs', 'ms'],
    ['render timeline CSV', 'csvMs', 'ms'],
    ['render JUnit XML', 'junitMs', 'ms'],
    ['render chart image', 'chartImageMs', 'ms'],
    ['HTML size', 'htmlBytes', 'bytes'],
    ['peak RSS (whole child)', 'peakRssMb', 'MB'],
  ];
  console.log(`\nmedian of ${runs} runs (node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length})`);
  console.log(`${'step'.padEnd(26)}${'median'.padStart(12)}  range`);
  for (const [label, key, unit] of rows) console.log(`${label.padEnd(26)}${`${median(key)} ${unit}`.padStart(12)}  ${range(key)}`);
  fs.rmSync(dir, { recursive: true, force: true });
}

if (process.argv[2] === '--child') child(process.argv[3]!);
else parent();
