/**
 * Opens the HTML report in real headless Chromium (Debian's /usr/bin/chromium through
 * playwright-core) from a file:// URL with every network request refused, and checks what a
 * reader sees: every chart drew data, spans sit at the x of their times on the shared axis,
 * and the page logged nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../../src/analysis/index.js';
import { renderHtmlReport } from '../../../src/report/html/index.js';
import { readTimeline } from '../../../src/timeline/reader.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = fs.existsSync(CHROMIUM);
if (!haveChromium) console.warn(`html-chromium: SKIPPED, ${CHROMIUM} is missing (install it: apt-get update && apt-get install -y chromium)`);

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe.skipIf(!haveChromium)('HTML report in headless Chromium', () => {
  let context: BrowserContext;
  let tmp: string;
  const consoleMessages: string[] = [];
  const requests: string[] = [];
  const timeline = readTimeline('test/fixtures/timelines/step-up.ndjson');
  const result = analyze(timeline);

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scaleproof-html-'));
    const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scaleproof-chromium-'));
    fs.writeFileSync(path.join(tmp, 'report.html'), renderHtmlReport(timeline, result));
    context = await chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1280, height: 1000 } });
    await context.route('**/*', (route) => {
      const url = route.request().url();
      requests.push(url);
      return url.startsWith('file://') || url.startsWith('data:') ? route.continue() : route.abort();
    });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('renders every chart with data, spans at their times, and logs no errors', async () => {
    const page = await context.newPage();
    page.on('console', (m) => consoleMessages.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => consoleMessages.push(`pageerror: ${e.message}`));
    await page.goto(`file://${path.join(tmp, 'report.html')}`, { waitUntil: 'load' });

    const charts = await page.$$eval('figure[data-chart]', (figs) =>
      figs.map((f) => {
        const svg = f.querySelector('svg')!;
        const box = svg.getBoundingClientRect();
        const longest = Math.max(0, ...[...svg.querySelectorAll('path')].map((p) => (p.getAttribute('d') ?? '').length));
        return { id: f.getAttribute('data-chart'), width: box.width, height: box.height, paths: svg.querySelectorAll('path').length, longest, empty: f.getAttribute('data-empty'), left: Number(f.getAttribute('data-plot-left')), right: Number(f.getAttribute('data-plot-right')), fromT: Number(f.getAttribute('data-x-from-t')), toT: Number(f.getAttribute('data-x-to-t')), x: box.left };
      }),
    );
    expect(charts.map((c) => c.id)).toEqual(['rate', 'latency', 'errors', 'replicas', 'resources']);
    for (const c of charts) {
      expect(c.empty, c.id!).toBe('false');
      expect(c.width, c.id!).toBeGreaterThan(500);
      expect(c.height, c.id!).toBeGreaterThan(100);
      // Data lines are long paths (hundreds of points), not just grid lines.
      expect(c.longest, `${c.id} has a drawn data line`).toBeGreaterThan(200);
    }
    // One shared axis: same t range, same plot edges, same page column.
    for (const c of charts) expect([c.fromT, c.toT, c.left, c.right, c.x]).toEqual([charts[0]!.fromT, charts[0]!.toT, charts[0]!.left, charts[0]!.right, charts[0]!.x]);

    // Each span's phase rectangles start and end at the pixel their t maps to on that axis.
    const spans = await page.$$eval('figure[data-chart="replicas"] g[data-span]', (gs) =>
      gs.map((g) => {
        const fig = g.closest('figure')!;
        const svg = fig.querySelector('svg')!.getBoundingClientRect();
        const scale = svg.width / Number(fig.getAttribute('data-width'));
        const phase = (name: string) => {
          const r = g.querySelector(`rect[data-phase="${name}"]`);
          if (!r) return null;
          const b = r.getBoundingClientRect();
          return { startT: Number(r.getAttribute('data-phase-start-t')), endT: Number(r.getAttribute('data-phase-end-t')), x1: (b.left - svg.left) / scale, x2: (b.right - svg.left) / scale };
        };
        return { kind: g.getAttribute('data-span'), startT: Number(g.getAttribute('data-span-start-t')), endT: Number(g.getAttribute('data-span-end-t')), decide: phase('decide'), provision: phase('provision') };
      }),
    );
    expect(spans).toHaveLength(result.scaleUps.length + result.scaleDowns.length);
    const { left, right, fromT, toT } = charts[3]!;
    const xOf = (t: number) => left + ((t - fromT) / (toT - fromT)) * (right - left);
    for (const s of spans) {
      expect(s.decide!.startT).toBe(s.startT);
      expect(s.decide!.x1).toBeCloseTo(xOf(s.startT), 0);
      expect(s.decide!.x2).toBeCloseTo(xOf(s.decide!.endT), 0);
      expect(s.provision!.x1).toBeCloseTo(xOf(s.provision!.startT), 0);
      expect(s.provision!.x2).toBeCloseTo(xOf(s.endT), 0);
    }
    const firstUp = result.scaleUps[0]!;
    const up = spans.find((s) => s.kind === 'scale-up' && s.startT === firstUp.loadChangeT)!;
    expect(up.endT).toBe(firstUp.readyAtPeak.atT);

    // ECharts' own x-axis labels agree with the mapping: the "2m" tick is centred on t = 120 s.
    const tick = await page.$$eval('figure[data-chart="replicas"] svg text', (texts) => {
      const svg = texts[0]!.ownerSVGElement!.getBoundingClientRect();
      const fig = texts[0]!.closest('figure')!;
      const scale = svg.width / Number(fig.getAttribute('data-width'));
      const t = texts.find((x) => x.textContent === '2m')!;
      const b = t.getBoundingClientRect();
      return (b.left + b.width / 2 - svg.left) / scale;
    });
    expect(tick).toBeCloseTo(xOf(120_000), -0.5);

    expect(consoleMessages).toEqual([]);
    expect(requests.filter((u) => !u.startsWith('file://') && !u.startsWith('data:'))).toEqual([]);
    await page.close();
  }, 60_000);
});
