/**
 * Load-engine benchmarks, side by side against the same loopback targets: nginx (Debian, one
 * worker, a 12-byte static file) and a minimal Node http server, pinned to CPU 0; every
 * generator pinned to CPU 1. Each configuration runs `--runs` times, alternating generators
 * within each round; tables show medians (min–max) and ratios within a round.
 *
 *   npx tsx bench/load/run.ts [closed|open|co|memory|all] [--runs 5] [--seconds 10]
 *
 * Needs: `apt-get update && apt-get install -y wrk nginx-light` (as root), autocannon (devDependency).
 * All traffic goes to 127.0.0.1 servers this script starts and stops.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const GEN = path.join(ROOT, '.tmp/bench-build/bench/load/gen.js');
const AUTOCANNON = path.join(ROOT, 'node_modules/autocannon/autocannon.js');
const argv = process.argv.slice(2);
const opt = (name: string, dflt: number) => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const suite = argv.find((a) => !a.startsWith('--') && !/^\d/.test(a)) ?? 'all';
const RUNS = opt('--runs', 5);
const SECONDS = opt('--seconds', 10);

interface Measured {
  total: number;
  reqPerSec: number;
  cpuS: number;
  elapsedS: number;
  rssMB: number;
  extra: Record<string, unknown>;
}

// ---------- targets ----------

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = net.connect(port, '127.0.0.1', () => (c.destroy(), resolve(true)));
      c.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`port ${port} did not open`);
}

interface Target {
  name: string;
  url: string;
  child: ChildProcess;
}

async function startNginx(): Promise<Target> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scaleproof-nginx-'));
  fs.mkdirSync(path.join(dir, 'www'));
  fs.writeFileSync(path.join(dir, 'www/index.html'), 'hello world\n');
  for (const d of [dir, path.join(dir, 'www')]) fs.chmodSync(d, 0o755);
  const port = await freePort();
  fs.writeFileSync(
    path.join(dir, 'nginx.conf'),
    `worker_processes 1; daemon off; pid ${dir}/nginx.pid; error_log ${dir}/error.log crit;
events { worker_connections 8192; }
http { access_log off; keepalive_requests 10000000; keepalive_timeout 300s;
  client_body_temp_path ${dir}/tmp; proxy_temp_path ${dir}/tmp; fastcgi_temp_path ${dir}/tmp; uwsgi_temp_path ${dir}/tmp; scgi_temp_path ${dir}/tmp;
  server { listen 127.0.0.1:${port}; root ${dir}/www; location / { } } }
`,
  );
  const child = spawn('taskset', ['-c', '0', 'nginx', '-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'error.log')], { stdio: 'ignore' });
  await waitForPort(port);
  return { name: 'nginx', url: `http://127.0.0.1:${port}/`, child };
}

async function startNode(args: string[] = []): Promise<Target> {
  const child = spawn('taskset', ['-c', '0', process.execPath, path.join(ROOT, 'bench/load/node-target.mjs'), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => child.stdout?.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
  return { name: args.length ? 'node-stall' : 'node', url: `http://127.0.0.1:${port}/`, child };
}

// ---------- generators ----------

/** Runs `cmd` on CPU 1 under GNU time; returns stdout and the time figures. */
function timed(cmd: string, args: string[]): { stdout: string; cpuS: number; elapsedS: number; rssMB: number } {
  const tf = path.join(os.tmpdir(), `scaleproof-time-${process.pid}`);
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S %e %M', '-o', tf, 'taskset', '-c', '1', cmd, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const [u, s, e, m] = fs.readFileSync(tf, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
  return { stdout: r.stdout, cpuS: u + s, elapsedS: e, rssMB: m / 1024 };
}

function wrk(url: string, seconds: number): Measured {
  const t = timed('wrk', ['-t1', '-c50', `-d${seconds}s`, '--latency', url]);
  const total = Number(/(\d+) requests in/.exec(t.stdout)?.[1] ?? 0);
  const lat = (p: string) => /(\d+\.\d+)(us|ms|s)/.exec(new RegExp(`${p}%\\s+(\\S+)`).exec(t.stdout)?.[1] ?? '');
  const toMs = (m: RegExpExecArray | null) => (m ? Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1) : null);
  return { total, reqPerSec: total / seconds, cpuS: t.cpuS, elapsedS: t.elapsedS, rssMB: t.rssMB, extra: { p50: toMs(lat('50')), p99: toMs(lat('99')) } };
}

function autocannon(url: string, seconds: number, pipelining = 1): Measured {
  const t = timed(process.execPath, [AUTOCANNON, '-c', '50', '-d', String(seconds), '-p', String(pipelining), '-j', url]);
  const j = JSON.parse(t.stdout) as { requests: { total: number }; latency: { p50: number; p99: number; p99_9?: number; max: number } };
  return { total: j.requests.total, reqPerSec: j.requests.total / seconds, cpuS: t.cpuS, elapsedS: t.elapsedS, rssMB: t.rssMB, extra: { p50: j.latency.p50, p99: j.latency.p99, p999: j.latency.p99_9, max: j.latency.max } };
}

function ours(url: string, load: Record<string, unknown>, more: Record<string, unknown> = {}, nodeFlags: string[] = []): Measured {
  const t = timed(process.execPath, [...nodeFlags, GEN, JSON.stringify({ url, load: { workers: 1, ...load }, ...more })]);
  const r = JSON.parse(t.stdout.trim().split('\n').at(-1)!) as { completed: number; reqPerSec: number } & Record<string, unknown>;
  return { total: r.completed, reqPerSec: r.reqPerSec, cpuS: t.cpuS, elapsedS: t.elapsedS, rssMB: t.rssMB, extra: r };
}

// ---------- stats ----------

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (x: number, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const range = (xs: number[], d = 0) => `${fmt(median(xs), d)} (${fmt(Math.min(...xs), d)}–${fmt(Math.max(...xs), d)})`;
const lines: string[] = [];
const out = (s = '') => {
  lines.push(s);
  process.stdout.write(`${s}\n`);
};

// ---------- suites ----------

const closedLoad = (seconds: number, vus = 50, pipelining = 1) => ({ model: 'closed', start: vus, stages: [{ duration: `${seconds}s`, vus }], pipelining, rotate: { max_requests: 0, max_age: '0s' } });

async function closed(): Promise<void> {
  out(`## Closed loop: 50 connections, ${SECONDS} s, ${RUNS} alternating runs, generator on CPU 1, target on CPU 0`);
  out();
  out('| target | generator | req/s median (min–max) | req / gen CPU-s median (min–max) | gen RSS MiB | ratio req/s vs autocannon | ratio req/CPU-s vs autocannon | ratio req/CPU-s vs wrk |');
  out('|---|---|---|---|---|---|---|---|');
  for (const start of [startNginx, () => startNode()]) {
    const target = await start();
    const gens: Array<[string, () => Measured]> = [
      ['wrk', () => wrk(target.url, SECONDS)],
      ['autocannon', () => autocannon(target.url, SECONDS)],
      ['scaleproof', () => ours(target.url, closedLoad(SECONDS))],
      ['autocannon -p 10', () => autocannon(target.url, SECONDS, 10)],
      ['scaleproof pipelining 10', () => ours(target.url, closedLoad(SECONDS, 500, 10))],
    ];
    const res = new Map<string, Measured[]>(gens.map(([n]) => [n, []]));
    const ratios = { rps: [] as number[], cpu: [] as number[], cpuWrk: [] as number[], rpsP: [] as number[], cpuP: [] as number[] };
    for (let i = 0; i < RUNS; i++) {
      const round = new Map<string, Measured>();
      const order = i % 2 === 0 ? gens : [...gens].reverse();
      for (const [name, run] of order) {
        const m = run();
        round.set(name, m);
        res.get(name)!.push(m);
        process.stderr.write(`  ${target.name} ${name}: ${fmt(m.reqPerSec)} req/s, ${fmt(m.total / m.cpuS)} req/CPU-s\n`);
      }
      const eff = (n: string) => round.get(n)!.total / round.get(n)!.cpuS;
      ratios.rps.push(round.get('scaleproof')!.reqPerSec / round.get('autocannon')!.reqPerSec);
      ratios.cpu.push(eff('scaleproof') / eff('autocannon'));
      ratios.cpuWrk.push(eff('scaleproof') / eff('wrk'));
      ratios.rpsP.push(round.get('scaleproof pipelining 10')!.reqPerSec / round.get('autocannon -p 10')!.reqPerSec);
      ratios.cpuP.push(eff('scaleproof pipelining 10') / eff('autocannon -p 10'));
    }
    for (const [name] of gens) {
      const ms = res.get(name)!;
      const r =
        name === 'scaleproof'
          ? `| ${range(ratios.rps, 2)} | ${range(ratios.cpu, 2)} | ${range(ratios.cpuWrk, 2)} |`
          : name === 'scaleproof pipelining 10'
            ? `| ${range(ratios.rpsP, 2)} (vs ac -p 10) | ${range(ratios.cpuP, 2)} (vs ac -p 10) | |`
            : '| | | |';
      out(`| ${target.name} | ${name} | ${range(ms.map((m) => m.reqPerSec))} | ${range(ms.map((m) => m.total / m.cpuS))} | ${fmt(median(ms.map((m) => m.rssMB)))} ${r}`);
    }
    target.child.kill('SIGTERM');
  }
  out();
}

async function open(): Promise<void> {
  const seconds = Math.min(SECONDS, 10);
  out(`## Open model precision: nginx, 50 connections, 2 s unrecorded warm-up + ${seconds} s, 100 ms windows, ${RUNS} runs per rate (one generator core)`);
  out();
  out('| planned req/s | sent / planned % median (min) | dropped | 100 ms window CoV % median (max) | window min–max (expected) | lag p50 / p99 / max ms (medians) | latency from intended p50 / p99 / p99.9 ms | gen CPU % |');
  out('|---|---|---|---|---|---|---|---|');
  const target = await startNginx();
  const rates = [2000, 5000, 10_000, 20_000];
  const res = new Map<number, Measured[]>(rates.map((r) => [r, []]));
  for (let i = 0; i < RUNS; i++) {
    for (const rate of i % 2 === 0 ? rates : [...rates].reverse()) {
      const m = ours(target.url, { start: rate, warmup: '2s', window: '100ms', stages: [{ duration: `${seconds}s`, rate }], max_in_flight: 10_000 });
      res.get(rate)!.push(m);
      process.stderr.write(`  open ${rate}: sent ${String(m.extra.sent)}/${String(m.extra.planned)}, lag p99 ${JSON.stringify(m.extra.lag)}\n`);
    }
  }
  for (const rate of rates) {
    const ms = res.get(rate)!;
    const x = ms.map((m) => m.extra as { planned: number; sent: number; dropped: number; lag: { p50: number; p99: number; max: number }; latency: { p50: number; p99: number; p999: number }; window: { cov: number; min: number; max: number } });
    const sentPct = x.map((e) => (100 * e.sent) / e.planned);
    out(
      `| ${fmt(rate)} | ${fmt(median(sentPct), 3)} (${fmt(Math.min(...sentPct), 3)}) | ${fmt(median(x.map((e) => e.dropped)))} | ${fmt(median(x.map((e) => 100 * e.window.cov)), 2)} (${fmt(Math.max(...x.map((e) => 100 * e.window.cov)), 2)}) | ${fmt(Math.min(...x.map((e) => e.window.min)))}–${fmt(Math.max(...x.map((e) => e.window.max)))} (${fmt(rate / 10)}) | ${fmt(median(x.map((e) => e.lag.p50)), 2)} / ${fmt(median(x.map((e) => e.lag.p99)), 2)} / ${fmt(median(x.map((e) => e.lag.max)), 1)} | ${fmt(median(x.map((e) => e.latency.p50)), 2)} / ${fmt(median(x.map((e) => e.latency.p99)), 2)} / ${fmt(median(x.map((e) => e.latency.p999)), 2)} | ${fmt(median(ms.map((m) => (100 * m.cpuS) / m.elapsedS)))} |`,
    );
  }
  target.child.kill('SIGTERM');
  out();
}

async function co(): Promise<void> {
  const seconds = 10;
  out(`## Coordinated omission: the Node target holds every response for 1 s once every 5 s; ${seconds} s, ${RUNS} runs`);
  out();
  out('Analytic, for arrivals at a constant rate: 20 % of arrivals land in a stall and wait for the rest of it (uniform 0–1000 ms), so p50 ≈ the service time (< 1 ms), p99 = 950 ms, p99.9 = 995 ms.');
  out();
  out('| generator | req/s | p50 ms | p99 ms (vs 950) | p99.9 ms (vs 995) | max ms |');
  out('|---|---|---|---|---|---|');
  const target = await startNode(['--stall-every', '5000', '--stall-for', '1000']);
  const gens: Array<[string, () => Measured]> = [
    ['scaleproof open 2,000 req/s, from intended', () => ours(target.url, { start: 2000, warmup: '1s', stages: [{ duration: `${seconds}s`, rate: 2000 }], max_in_flight: 10_000 })],
    ['wrk -t1 -c50 (post-hoc correction)', () => wrk(target.url, seconds)],
    ['autocannon -c 50', () => autocannon(target.url, seconds)],
  ];
  const res = new Map<string, Measured[]>(gens.map(([n]) => [n, []]));
  for (let i = 0; i < RUNS; i++) for (const [name, run] of i % 2 === 0 ? gens : [...gens].reverse()) res.get(name)!.push(run());
  for (const [name] of gens) {
    const ms = res.get(name)!;
    const lat = ms.map((m) => ((m.extra.latency ?? m.extra) as { p50: number; p99: number; p999?: number; max?: number }));
    const p = (k: 'p50' | 'p99' | 'p999' | 'max', d = 2) => (lat.every((l) => typeof l[k] === 'number') ? fmt(median(lat.map((l) => l[k] as number)), d) : '–');
    const p99 = lat.every((l) => typeof l.p99 === 'number') ? median(lat.map((l) => l.p99)) : NaN;
    const off = Number.isFinite(p99) ? ` (${p99 >= 950 ? '+' : ''}${fmt((100 * (p99 - 950)) / 950, 1)} %)` : '';
    out(`| ${name} | ${fmt(median(ms.map((m) => m.reqPerSec)))} | ${p('p50')} | ${p('p99', 1)}${off} | ${p('p999', 1)} | ${p('max', 1)} |`);
  }
  target.child.kill('SIGTERM');
  out();
}

async function memory(): Promise<void> {
  out('## Memory: closed loop, 50 connections, nginx, until 5,000,000 requests completed (one run)');
  out();
  const target = await startNginx();
  const m = ours(target.url, closedLoad(600), { stopAfter: 5_000_000, rssCheckpoint: 100_000 }, ['--expose-gc']);
  const e = m.extra as { completed: number; rssMB: number; rssCheckpointMB: number; heapAfterGcCheckpointMB: number | null; heapAfterGcEndMB: number | null };
  const heap = (v: number | null) => (v === null ? '–' : fmt(v, 1));
  out('| requests | peak RSS after 100k MiB | peak RSS after all MiB | RSS growth MiB | live heap after GC at 100k / at end MiB | req/s |');
  out('|---|---|---|---|---|---|');
  out(`| ${fmt(e.completed)} | ${fmt(e.rssCheckpointMB, 1)} | ${fmt(e.rssMB, 1)} | ${fmt(e.rssMB - e.rssCheckpointMB, 1)} | ${heap(e.heapAfterGcCheckpointMB)} / ${heap(e.heapAfterGcEndMB)} | ${fmt(m.reqPerSec)} |`);
  target.child.kill('SIGTERM');
  out();
}

async function main(): Promise<void> {
  const build = spawnSync('npx', ['tsc', '-p', 'bench/load/tsconfig.json'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) process.stderr.write('tsc reported errors; the build was emitted anyway\n');
  out(`# scaleproof load engine benchmarks (${new Date().toISOString()})`);
  out();
  out(`Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, ${fmt(os.totalmem() / 2 ** 30, 1)} GiB, Linux ${os.release()}, Node ${process.version}; wrk ${spawnSync('wrk', ['-v'], { encoding: 'utf8' }).stdout.split('\n')[0].split(' ')[1] ?? '?'}, nginx ${/nginx\/(\S+)/.exec(spawnSync('nginx', ['-v'], { encoding: 'utf8' }).stderr)?.[1] ?? '?'}, autocannon 8.0.0.`);
  out();
  if (suite === 'closed' || suite === 'all') await closed();
  if (suite === 'open' || suite === 'all') await open();
  if (suite === 'co' || suite === 'all') await co();
  if (suite === 'memory' || suite === 'all') await memory();
  const file = path.join(ROOT, '.tmp', `bench-load-${suite}-${Date.now()}.md`);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  process.stderr.write(`wrote ${path.relative(ROOT, file)}\n`);
}

await main();
