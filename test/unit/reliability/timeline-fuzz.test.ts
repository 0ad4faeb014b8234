/**
 * Corrupted timelines given to `report`: truncated, torn, lines dropped or repeated, fields
 * replaced with anything, bytes flipped. Every one either is refused with a UsageError (exit 2,
 * a message saying what is wrong) or gives complete reports; nothing else may escape.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { renderSummaryTable } from '../../../src/report/summary-table.js';
import { writeReports } from '../../../src/report/write-reports.js';
import { parseTimeline } from '../../../src/timeline/reader.js';
import { isValidLoadRecord, isValidSampleRecord, recordShapes } from '../../../src/timeline/record-shapes.js';
import { analyze } from '../../../src/analysis/index.js';
import { TimelineBuilder } from '../../support/timeline-builder.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scaleproof-tlfuzz-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A plausible run: stages, load windows with errors, replicas rising then falling, a gap, notes, events, an end. */
function validLines(): string[] {
  const b = new TimelineBuilder({
    name: 'fuzz',
    provider: { name: 'fake', poll_interval: '1s' },
    load: { url: 'http://127.0.0.1:1', start: 5, stages: [{ duration: '10s', rate: 5 }, { duration: '0s', rate: 50 }, { duration: '20s', rate: 50 }, { duration: '0s', rate: 5 }, { duration: '10s', rate: 5 }] },
    targets: { error_rate: '5%', latency: { p95: '500ms' }, autoscaling: { scale_up_time: '20s', scale_down_time: '30s', max_instances: 5 } },
    cost: { instance_hour: 0.05, currency: 'USD' },
  });
  b.stagesFromProfile();
  b.replicas(0, 1000, [...Array(12).fill([1, 1]), ...Array(10).fill([3, 1]), ...Array(20).fill([3, 3]), ...Array(10).fill([1, 1])]);
  for (let t = 0; t < 50_000; t += 1000) b.load(t, { latenciesMs: t > 10_000 && t < 20_000 ? [400, 800, 900] : [10, 12, 15], errors: t === 12_000 ? { http5xx: 1 } : {} });
  b.gap(25_000, 27_000, 'throttled').note(1000, 'a warning').end(52_000);
  const lines = b.records().map((r) => JSON.stringify(r));
  lines.splice(3, 0, JSON.stringify({ kind: 'event', t: 11_500, fetchedT: 12_000, resolutionMs: 0, source: 'fake', type: 'scale-up', message: 'up', from: 1, to: 3 }));
  return lines;
}
const VALID = validLines();

type Mutation = (lines: string[]) => string[];

/** The line as an object, or null when an earlier mutation already broke it. */
function asObject(line: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(line);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const anyValue = fc.oneof(fc.jsonValue(), fc.constantFrom(null, -1, 0, 1e308, -1e308, '', 'NaN', [], {}, true));
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.nat().map((n): Mutation => (l) => { const text = l.join('\n'); return [text.slice(0, n % (text.length + 1))]; }),
  fc.nat().map((n): Mutation => (l) => l.filter((_, i) => i !== n % l.length)),
  fc.nat().map((n): Mutation => (l) => [...l.slice(0, n % l.length), l[n % l.length]!, ...l.slice(n % l.length)]),
  fc.tuple(fc.nat(), fc.json()).map(([n, j]): Mutation => (l) => l.map((x, i) => (i === n % l.length ? j : x))),
  fc.tuple(fc.nat(), fc.string(), anyValue).map(([n, key, v]): Mutation => (l) =>
    l.map((x, i) => {
      const rec = i === n % l.length ? asObject(x) : null;
      if (!rec) return x;
      const keys = Object.keys(rec);
      rec[key.length % 3 === 0 ? key : keys[key.length % keys.length]!] = v;
      return JSON.stringify(rec);
    }),
  ),
  fc.tuple(fc.nat(), fc.array(fc.string(), { minLength: 1, maxLength: 4 }), anyValue).map(([n, pathKeys, v]): Mutation => (l) =>
    l.map((x, i) => {
      const rec = i === n % l.length ? asObject(x) : null;
      if (!rec) return x;
      // Walk into nested objects by existing keys (chosen by the random strings' lengths), then replace.
      let node: Record<string, unknown> = rec;
      for (const k of pathKeys.slice(0, -1)) {
        const keys = Object.keys(node);
        const next = keys.length ? node[keys[k.length % keys.length]!] : undefined;
        if (next && typeof next === 'object' && !Array.isArray(next)) node = next as Record<string, unknown>;
      }
      const keys = Object.keys(node);
      if (keys.length) node[keys[pathKeys.at(-1)!.length % keys.length]!] = v;
      return JSON.stringify(rec);
    }),
  ),
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(([n, byte]): Mutation => (l) => {
    const text = Buffer.from(l.join('\n'));
    text[n % text.length] = byte;
    return [text.toString('utf8')];
  }),
  fc.constant<Mutation>((l) => [...l].reverse()),
);

function check(text: string): 'refused' | 'ok' {
  try {
    const tl = parseTimeline(text, 'fuzz.ndjson');
    analyze(tl);
    return 'ok';
  } catch (err) {
    if (err instanceof UsageError) {
      expect(err.exitCode).toBe(2);
      expect(err.message).toMatch(/fuzz\.ndjson/);
      return 'refused';
    }
    throw err;
  }
}

describe('corrupted timelines', () => {
  it('parse + analyze: refused with a UsageError or analysed, never a crash (300 cases)', () => {
    expect(check(VALID.join('\n'))).toBe('ok');
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (ms) => {
        check(ms.reduce((l, m) => m(l).join('\n').split('\n'), VALID).join('\n'));
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 300) },
    );
  });

  it('every report renders from whatever the reader accepts (30 cases, the full writeReports path)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (ms) => {
        const text = ms.reduce((l, m) => m(l).join('\n').split('\n'), VALID).join('\n');
        const file = path.join(dir, 'timeline.ndjson');
        fs.writeFileSync(file, text);
        try {
          const { result, files } = await writeReports(file);
          expect(files.length).toBeGreaterThan(5);
          renderSummaryTable(result, { runDir: dir, files, color: false });
        } catch (err) {
          if (!(err instanceof UsageError)) throw err;
        }
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 30) },
    );
  });

  it('the hand-written load and sample checks agree with their schemas (600 cases)', () => {
    const load = VALID.map((l) => JSON.parse(l)).find((r) => r.kind === 'load');
    const sample = VALID.map((l) => JSON.parse(l)).find((r) => r.kind === 'sample');
    const field = (r: Record<string, unknown>) => fc.constantFrom(...Object.keys(r).filter((k) => k !== 'kind'), 'latency.p99', 'latency.count', 'errors.timeout', 'errors.new', 'desired', 'cpuPct', 'hdr', 'lagP99');
    for (const [base, fast, schema] of [[load, isValidLoadRecord, recordShapes.load], [sample, isValidSampleRecord, recordShapes.sample]] as const) {
      fc.assert(
        fc.property(fc.array(fc.tuple(field(base), anyValue), { maxLength: 3 }), (edits) => {
          const r = structuredClone(base) as Record<string, any>;
          for (const [k, v] of edits) {
            const [a, b] = k.split('.');
            if (b && r[a!] && typeof r[a!] === 'object') r[a!][b] = v;
            else if (!b) r[a!] = v;
          }
          expect(fast(r)).toBe(schema.safeParse(r).success);
        }),
        { numRuns: 300 },
      );
    }
  });

  it.each([
    ['an empty file', ''],
    ['binary garbage', '\u0000\u0001\u00ff\ufffd'.repeat(50)],
    ['a JSON array', '[1,2,3]'],
    ['records without a header', VALID.slice(1).join('\n')],
    ['two timelines joined', [...VALID, ...VALID].join('\n')],
    ['a header with its profile torn out', JSON.stringify({ ...JSON.parse(VALID[0]!), profile: 'x' })],
  ])('%s is refused with a message that says what is wrong', (_name, text) => {
    expect(() => parseTimeline(text, 'fuzz.ndjson')).toThrow(UsageError);
    try {
      parseTimeline(text, 'fuzz.ndjson');
    } catch (err) {
      expect((err as Error).message).toMatch(/fuzz\.ndjson (is not a usable scaleproof timeline|holds 2 header lines)/);
    }
  });

  it('counts what it skipped: torn lines and records of the wrong shape', () => {
    const lines = [...VALID];
    lines.splice(5, 1, '{"kind":"load","t":"soon"}');
    const tl = parseTimeline(`${lines.join('\n')}\n{"kind":"sample","t":1`, 'x');
    expect(tl.skippedLines).toBe(2);
    expect(tl.end?.status).toBe('completed');
  });
});
