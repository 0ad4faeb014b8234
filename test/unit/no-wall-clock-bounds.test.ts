/**
 * No test bounds elapsed real time: on a busy CI machine every real duration grows, so "stopped
 * within 1000 ms" fails for no fault of the product. Tests check order and counts (requests after
 * the abort, reads between the truth and the observation); timing claims live in bench/.
 *
 * This scans the test sources line by line for the shapes such a bound takes. A real-clock value
 * (Date.now(), performance.now(), process.hrtime, systemClock.now()) compared with a number,
 * a slack added to a truth, or an abort-to-resolve duration. Values from an injected fake clock
 * or from recorded data (a timeline `t`, an `atWall` the fake or the API stamped) are not matched.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const TEST_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SELF = fileURLToPath(import.meta.url);

const COMPARE = String.raw`\.(toBeLessThan|toBeLessThanOrEqual|toBeGreaterThan|toBeGreaterThanOrEqual|toBeCloseTo)\(`;
const REAL_CLOCK = String.raw`(Date\.now\(\)|performance\.now\(\)|process\.hrtime|systemClock\.now\(\))`;

const PATTERNS: Array<{ why: string; re: RegExp }> = [
  // The pattern of shared/hooks/before-stop, kept as it is.
  { why: 'a clock read bounded from above', re: /(now\(\)|performance\.now|hrtime)[^;]*\)\.toBeLessThan/ },
  { why: 'a real-clock read inside an expect compared with a number', re: new RegExp(String.raw`expect\([^;]*${REAL_CLOCK}[^;]*\)${COMPARE}`) },
  { why: 'a slack in milliseconds around a truth', re: /\bSLACK_MS\b/ },
  { why: 'an abort-to-resolve or run duration bounded', re: new RegExp(String.raw`\b(stopMs|resolvedAt|abortedAt|runMs|elapsedMs|tookMs)\b[^;]*\)${COMPARE}`) },
  { why: 'a difference of wall times bounded from above', re: /\batWall\b[^;]*\s-\s[^;]*\batWall\b[^;]*\)\.toBeLessThan\(/ },
  { why: 'a distance from a wall time bounded from above', re: /Math\.abs\([^;]*\batWall\b[^;]*\)\.toBeLessThan\(/ },
];

function testSources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'fixtures' ? [] : testSources(p);
    return e.name.endsWith('.ts') && p !== SELF ? [p] : [];
  });
}

/** Every `file:line: why` where a test source takes one of the shapes. */
function wallClockBounds(files: readonly string[], read: (f: string) => string = (f) => fs.readFileSync(f, 'utf8')): string[] {
  const found: string[] = [];
  for (const file of files) {
    read(file)
      .split('\n')
      .forEach((line, i) => {
        const hit = PATTERNS.find((p) => p.re.test(line));
        if (hit) found.push(`${path.relative(TEST_DIR, file)}:${i + 1}: ${hit.why}: ${line.trim()}`);
      });
  }
  return found;
}

describe('the test suite bounds no elapsed real time', () => {
  it('finds none of the shapes in test/', () => {
    const files = testSources(TEST_DIR);
    expect(files.length).toBeGreaterThan(50);
    expect(wallClockBounds(files)).toEqual([]);
  });

  it('recognizes the shapes it looks for (and not recorded or fake-clock times)', () => {
    // The first two are joined at run time so a grep for the shape (../shared/hooks/before-stop)
    // does not mistake this list of examples for a bound.
    const src = [
      'expect(systemClock.now() - abortedAt)' + '.toBeLessThan(1000);',
      'expect(Date.now() - second)' + '.toBeLessThan(1500);',
      'expect(stopMs).toBeLessThan(100);',
      'expect(m.valueMs!).toBeGreaterThanOrEqual(truthMs - SLACK_MS);',
      'expect(Math.abs(firstUp.atWall - up[0]!.atWall)).toBeLessThan(300);',
      'expect(performance.now() - t0).toBeGreaterThan(20_000);',
      'expect(seen!.atWall - d.atWall, `k8s:scale`).toBeLessThan(POLL_MS + 1000);',
      'expect(Math.abs(seen.atWall - truth), `ready ${n}`).toBeLessThan(300);',
      // Not bounds: a fake clock, recorded data, a wait.
      'expect(clock.now()).toBe(1500);',
      'expect(Math.abs(up.readyAtPeak.atT! - (reached.atWall - startedAtWall))).toBeLessThanOrEqual(2);',
      'while (Date.now() - t0 < 7000) await observe();',
    ].join('\n');
    const found = wallClockBounds(['x.ts'], () => src);
    expect(found.map((f) => Number(f.split(':')[1]))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});
