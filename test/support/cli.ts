/**
 * Runs the real scaleproof CLI in a child process, as a user would. By default from source
 * through tsx (fast to iterate); with SCALEPROOF_TEST_CLI=dist through the built bin/scaleproof.js
 * (what .ci/run does under Node 24).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function cliCommand(): string[] {
  if (process.env.SCALEPROOF_TEST_CLI === 'dist') return [path.join(ROOT, 'bin/scaleproof.js')];
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return ['--import', tsx, path.join(ROOT, 'src/cli.ts')];
}

export function runCli(
  args: string[],
  options: { cwd?: string; env?: Record<string, string | undefined>; timeoutMs?: number; onStderr?: (chunk: string) => void } = {},
): Promise<CliResult> & { child: ReturnType<typeof spawn> } {
  const child = spawn(process.execPath, [...cliCommand(), ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    options.onStderr?.(d.toString());
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
  const promise = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return Object.assign(promise, { child });
}

/** The one run folder a test's CLI run wrote under `runsDir`: its report.json and timeline records. */
export function readRunFolder<R = unknown, T = Record<string, unknown>>(runsDir: string): { runDir: string; report: R; records: T[] } {
  const runs = fs.readdirSync(runsDir);
  if (runs.length !== 1) throw new Error(`expected one run folder in ${runsDir}, found ${runs.length}`);
  const runDir = path.join(runsDir, runs[0]!);
  const report = JSON.parse(fs.readFileSync(path.join(runDir, 'report.json'), 'utf8')) as R;
  const records = fs.readFileSync(path.join(runDir, 'timeline.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as T);
  return { runDir, report, records };
}

/** One line of timeline.ndjson, as the end-to-end tests read it. */
export interface TimelineLine {
  kind: string;
  t: number;
  source?: string;
  type?: string;
  [field: string]: unknown;
}

/** A profile run through the CLI in a fresh temp folder: what it printed, its report and timeline. */
export interface ProfileRun<R> {
  /** The temp folder (profile and runs/); kept with KEEP_E2E=1. */
  dir: string;
  res: CliResult;
  runDir: string;
  report: R;
  records: TimelineLine[];
  /** The run's start (header.startedAtWall): timeline t = wall ms - startedAtWall. */
  startedAtWall: number;
  /** Removes the temp folder (unless KEEP_E2E=1). */
  remove(): void;
}

/**
 * Writes `profile` (YAML) to a temp folder, runs `scaleproof run` on it as a user would, and
 * reads the one run folder it wrote. A failed run's output is printed, so a CI log says why.
 */
export async function runProfile<R>(name: string, profile: string, options: { env?: Record<string, string | undefined>; timeoutMs?: number; args?: string[] } = {}): Promise<ProfileRun<R>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `scaleproof-${name}-`));
  const file = path.join(dir, `${name}.yaml`);
  fs.writeFileSync(file, profile);
  const res = await runCli(['run', file, '--out', path.join(dir, 'runs'), ...(options.args ?? ['--no-progress'])], {
    ...(options.env ? { env: options.env } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
  if (res.code !== 0) console.error(res.stderr, res.stdout);
  const run = readRunFolder<R, TimelineLine>(path.join(dir, 'runs'));
  const header = run.records.find((l) => l.kind === 'header') as { startedAtWall?: number } | undefined;
  return {
    dir,
    res,
    ...run,
    startedAtWall: header?.startedAtWall ?? NaN,
    remove: () => {
      if (!process.env.KEEP_E2E) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
