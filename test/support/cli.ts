/**
 * Runs the real scaleproof CLI in a child process, as a user would. By default from source
 * through tsx (fast to iterate); with SCALEPROOF_TEST_CLI=dist through the built bin/scaleproof.js
 * (what .ci/run does under Node 24).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
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
