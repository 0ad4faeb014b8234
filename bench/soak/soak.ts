/**
 * Soak: a long run of the real CLI against the local provider while faults are injected every
 * few seconds, then a check of what it left behind. Not part of CI.
 *
 *   npx tsx bench/soak/soak.ts                 # 30 minutes
 *   npx tsx bench/soak/soak.ts --minutes 2     # a quick check
 *   npx tsx bench/soak/soak.ts --minutes 10 --rate 60 --fault-every 3 --keep
 *
 * Faults, one at a time at random: SIGKILL a replica (the platform replaces it), SIGSTOP a replica
 * for 2-4 s (a stalled target), SIGSTOP the platform for 2-4 s (its control API stops answering:
 * provider reads time out and become gaps). Afterwards it checks that
 *   - every second of the load is in a load window, and every second of the run is covered by a
 *     platform sample or a recorded gap (nothing silently missing);
 *   - the CLI's RSS stayed flat (median of the last quarter vs the second quarter of samples);
 *   - the run ended on its own (end record completed, exit 0 or 1) and no process outlived it.
 * Exit 0 when all hold, 1 otherwise.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { alive, children, descendants, runDirIn, timelineRecords } from '../../test/integration/reliability/processes.js';
import { soakProfile } from './profile.js';
import { checkCoverage, checkRss, type RssSample } from './checks.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!(v > 0)) throw new Error(`--${name} must be a number above 0`);
  return v;
}

const minutes = arg('minutes', 30);
const rate = arg('rate', 40);
const faultEveryMs = arg('fault-every', 5) * 1000;
const keep = process.argv.includes('--keep');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scaleproof-soak-'));
const profileFile = path.join(dir, 'soak.yaml');
fs.writeFileSync(profileFile, soakProfile(minutes, rate));
const runs = path.join(dir, 'runs');

console.log(`soak: ${minutes} min at ${rate}-${rate * 2} req/s, a fault every ${faultEveryMs / 1000} s; files in ${dir}`);
const cli = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli.ts'), 'run', profileFile, '--out', runs, '--no-progress'], {
  cwd: ROOT,
  env: { ...process.env, NO_COLOR: '1' },
  stdio: ['ignore', 'pipe', 'pipe'],
});
const logFile = fs.createWriteStream(path.join(dir, 'cli.log'));
cli.stdout.pipe(logFile);
cli.stderr.pipe(logFile);
const exited = new Promise<number | null>((resolve) => cli.on('close', (code) => resolve(code)));

const stopped = new Set<number>();
// Interrupted: resume what we stopped and stop the run, so nothing is left frozen.
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    for (const p of stopped) signal(p, 'SIGCONT');
    cli.kill('SIGINT');
  });
}

const rss: RssSample[] = [];
const faults: Record<string, number> = { 'kill-replica': 0, 'stall-replica': 0, 'stall-platform': 0 };
const seenPids = new Set<number>();
const startedAt = Date.now();
let done = false;

const sampler = setInterval(() => {
  const kb = readRssKb(cli.pid!);
  if (kb !== null) rss.push({ atMs: Date.now() - startedAt, rssMb: kb / 1024 });
  for (const p of descendants(cli.pid!)) seenPids.add(p);
}, 5000);

const injector = (async () => {
  while (!done) {
    await sleep(faultEveryMs);
    if (done) break;
    // The CLI's child is the local platform; the replicas are the platform's children.
    const platform = children(cli.pid!).find((p) => /platform\.[jt]s/.test(cmdline(p)));
    if (!platform) continue;
    const replicas = children(platform).filter((p) => /replica\.[jt]s/.test(cmdline(p)));
    const kind = pick(['kill-replica', 'stall-replica', 'stall-platform'] as const);
    const stallMs = 2000 + Math.random() * 2000;
    if (kind === 'kill-replica' && replicas.length) signal(pick(replicas), 'SIGKILL');
    else if (kind === 'stall-replica' && replicas.length) void stall(pick(replicas), stallMs);
    else if (kind === 'stall-platform') void stall(platform, stallMs);
    else continue;
    faults[kind]!++;
  }
})();

const code = await exited;
done = true;
clearInterval(sampler);
await injector;
await sleep(3000);

const runDir = runDirIn(runs);
const records = runDir ? timelineRecords(runDir) : [];
const coverage = checkCoverage(records);
const memory = checkRss(rss);
const survivors = [...seenPids].filter(alive);
const end = records.find((r) => r.kind === 'end');
const problems = [
  ...coverage.problems,
  ...memory.problems,
  ...(survivors.length ? [`processes outlived the run: ${survivors.join(', ')}`] : []),
  ...(end?.status === 'completed' ? [] : [`the run did not complete: ${end ? `${end.status} (${end.reason ?? ''})` : 'no end record'}`]),
  ...(code === 0 || code === 1 ? [] : [`the CLI exited ${code}`]),
];

console.log(`faults injected: ${Object.entries(faults).map(([k, n]) => `${k} ${n}`).join(', ')}`);
console.log(`timeline: ${records.length} records, ${coverage.loadSeconds} s of load windows, ${coverage.gapSeconds} s in platform gaps (${coverage.gaps} gap records)`);
console.log(`rss: ${memory.summary}`);
console.log(`run folder: ${runDir ?? 'none'}; CLI exit ${code}`);
console.log(problems.length ? `FAIL\n- ${problems.join('\n- ')}` : 'PASS: every second is in the timeline, memory stayed flat, nothing outlived the run');
if (!keep && problems.length === 0) fs.rmSync(dir, { recursive: true, force: true });
process.exit(problems.length ? 1 : 0);

function readRssKb(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

function cmdline(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

async function stall(pid: number, ms: number): Promise<void> {
  if (!signal(pid, 'SIGSTOP')) return;
  stopped.add(pid);
  await sleep(ms);
  signal(pid, 'SIGCONT');
  stopped.delete(pid);
}

function signal(pid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
}

function pick<T>(list: readonly T[]): T {
  return list[Math.floor(Math.random() * list.length)]!;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
