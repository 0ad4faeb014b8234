/**
 * Bad input through the real CLI (a few dozen spawns; the bulk of the fuzzing is in process in
 * test/unit/reliability): generated argument lists over bad files and options, plus corrupted
 * profiles and timelines. Every one exits 2 with a message, no stack trace, and no hang.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../../support/cli.js';

let dir: string;
const files: Record<string, string> = {};

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scaleproof-badcli-'));
  const write = (name: string, text: string | Buffer) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text);
    files[name] = p;
  };
  write('empty.yaml', '');
  write('binary.yaml', Buffer.from([0, 1, 2, 255, 254, 0, 10, 13]));
  write('syntax.yaml', 'load: [unclosed\n  stages: {');
  write('schema.yaml', 'load:\n  url: ftp://x\n  stages: [{ duration: soon, rate: -1 }]\ntargets: { error_rate: 150% }\n');
  write('limits.yaml', 'load:\n  url: http://127.0.0.1:9\n  stages: [{ duration: 25h, rate: 1 }]\n');
  write('abort.yaml', 'load:\n  url: http://127.0.0.1:9\n  stages: [{ duration: 1s, rate: 1 }]\nabort_when: { error_rate: { above: lots } }\n');
  write('provider.yaml', 'provider: { name: lokal }\n');
  write('notimeline.ndjson', '{"kind":"load","t":0}\n');
  write('joined.ndjson', '{}\n[]\n"x"\n');
  fs.mkdirSync(path.join(dir, 'emptydir'));
  files.emptydir = path.join(dir, 'emptydir');
  files.missing = path.join(dir, 'missing.yaml');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const STACK = /^\s+at .+:\d+:\d+\)?$/m;

function expectCleanRefusal(args: string[], res: CliResult): void {
  const where = `scaleproof ${args.join(' ')}\n${res.stderr}`;
  expect(res.code, where).toBe(2);
  expect(res.stderr, where).not.toMatch(STACK);
  expect(res.stderr, where).not.toMatch(/internal error/);
  expect(res.stderr.trim().length, where).toBeGreaterThan(10);
}

/** Runs `cases` with at most `limit` CLIs at once (2 shared cores). */
async function inBatches(cases: string[][], limit = 4): Promise<Array<[string[], CliResult]>> {
  const out: Array<[string[], CliResult]> = [];
  for (let i = 0; i < cases.length; i += limit) {
    const batch = cases.slice(i, i + limit);
    out.push(...(await Promise.all(batch.map(async (args): Promise<[string[], CliResult]> => [args, await runCli(args, { cwd: dir, timeoutMs: 20_000 })]))));
  }
  return out;
}

describe('bad input through the CLI', () => {
  it('generated argument lists: exit 2 with a message, never a stack trace or a hang (14 cases)', async () => {
    const file = fc.constantFrom(...['empty.yaml', 'binary.yaml', 'syntax.yaml', 'schema.yaml', 'limits.yaml', 'abort.yaml', 'provider.yaml', 'missing', 'emptydir'].map((k) => () => files[k]!));
    const junk = fc.oneof(fc.constantFrom('--out', '-o', '--no-progress', '--bogus', '-x', '--', '=', '--format', 'xml'), fc.string({ minLength: 1, maxLength: 8 }).filter((s) => !/^-(h|V)$|^--(help|version)/.test(s) && !s.includes('\u0000')));
    const argv = fc.tuple(fc.constantFrom('run', 'validate', 'check'), file, fc.array(junk, { maxLength: 3 })).map(([cmd, f, rest]) => [cmd, f(), ...rest]);
    const cases = fc.sample(argv, { numRuns: 14, seed: 8 });
    for (const [args, res] of await inBatches(cases)) expectCleanRefusal(args, res);
  }, 120_000);

  it.each([
    ['report on an empty folder', () => ['report', files.emptydir!]],
    ['report on a timeline with no header', () => ['report', files['notimeline.ndjson']!]],
    ['report on garbage lines', () => ['report', files['joined.ndjson']!]],
    ['report on a binary file', () => ['report', files['binary.yaml']!]],
    ['an unknown command', () => ['frobnicate']],
    ['run with no profile', () => ['run']],
  ])('%s: exit 2 with a message', async (_name, args) => {
    const [[a, res]] = (await inBatches([args()])) as [[string[], CliResult]];
    expectCleanRefusal(a, res);
  });

  it('names what is wrong in the profile', async () => {
    const [[, schema], [, limits], [, abort]] = await inBatches([
      ['validate', files['schema.yaml']!],
      ['run', files['limits.yaml']!],
      ['run', files['abort.yaml']!],
    ]);
    expect(schema!.stderr).toMatch(/schema\.yaml:2:\d+: load\.url: /);
    expect(schema!.stderr).toMatch(/targets\.error_rate/);
    expect(limits!.stderr).toMatch(/load\.stages: the run would last 25h .*limits\.max_duration \(24h\)/);
    expect(abort!.stderr).toMatch(/abort_when\.error_rate\.above: expected a percentage/);
  });
});
