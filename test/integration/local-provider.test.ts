/**
 * The local provider end to end on loopback: a real platform process, real replica processes,
 * real HTTP load (a small bounded open-loop sender, not the load engine). Fast settings so one
 * scale-up and one scale-down fit in ~20 s.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Pool } from 'undici';
import { createLocalProvider, type LocalProvider } from '../../providers/local/index.js';
import type { StatusBody } from '../../providers/local/protocol.js';
import { localSettingsSchema } from '../../providers/local/settings.js';
import { systemClock } from '../../src/clock.js';
import { silentLogger } from '../../src/log.js';
import type { PlatformEvent, PlatformSample } from '../../src/provider.js';

const settings = localSettingsSchema.parse({
  replicas: { min: 1, max: 4 },
  capacity: { concurrency: 10, service_time: '50ms', startup_delay: '500ms', queue_limit: 20 },
  autoscaler: { target_utilization: '50%', sync_period: '500ms', metric_window: '1500ms', scale_down_stabilization: '3s' },
});

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

/** Open-loop sender: `ratePerSec` arrivals for `durationMs`, at most `maxInFlight` outstanding. */
async function drive(url: string, ratePerSec: number, durationMs: number, maxInFlight = 400): Promise<Record<string, number>> {
  const pool = new Pool(url, { connections: 64 });
  const statuses: Record<string, number> = {};
  const inFlight = new Set<Promise<void>>();
  const count = (k: string) => (statuses[k] = (statuses[k] ?? 0) + 1);
  const start = performance.now();
  let sent = 0;
  while (performance.now() - start < durationMs) {
    const due = Math.floor(((performance.now() - start) / 1000) * ratePerSec);
    for (; sent < due; sent++) {
      if (inFlight.size >= maxInFlight) {
        count('dropped');
        continue;
      }
      const p: Promise<void> = pool
        .request({ method: 'GET', path: '/', headersTimeout: 5000, bodyTimeout: 5000 })
        .then(async (r) => {
          await r.body.dump();
          count(String(r.statusCode));
        })
        .catch(() => void count('error'))
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    await sleep(10);
  }
  await Promise.all(inFlight);
  await pool.close();
  return statuses;
}

describe('local provider', () => {
  const provider = createLocalProvider(settings, { clock: systemClock, log: silentLogger, env: {} }) as LocalProvider;
  const pidsSeen = new Set<number>();
  const samples: PlatformSample[] = [];
  const statuses: StatusBody[] = [];
  let url = '';

  afterAll(async () => {
    await provider.close();
  });

  const observe = async () => {
    const signal = AbortSignal.timeout(2000);
    const [s] = await provider.sample(signal);
    if (s) samples.push(s);
    const st = await provider.status(signal);
    statuses.push(st);
    pidsSeen.add(st.platformPid);
    for (const r of st.replicas) if (r.pid) pidsSeen.add(r.pid);
  };

  it('describes its configuration before start and samples nothing', async () => {
    const d = await provider.describe(AbortSignal.timeout(1000));
    expect(d.serviceUrl).toBeUndefined();
    expect(d.scaling).toMatchObject({ minReplicas: 1, maxReplicas: 4, rules: [{ metric: 'cpu', target: 50, unit: '%' }] });
    expect(d.scaling.timings).toMatchObject({ syncPeriodMs: 500, earliestScaleUpMs: 500, earliestScaleDownMs: 3000, scaleDownStabilizationMs: 3000 });
    expect(await provider.sample(AbortSignal.timeout(1000))).toEqual([]);
  });

  it('starts with min replicas ready and serves on the front URL', async () => {
    ({ url } = await provider.start(AbortSignal.timeout(20_000)));
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await provider.start(AbortSignal.timeout(1000))).url).toBe(url); // idempotent
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/ok from replica 1/);
    await observe();
    expect(samples[0]).toMatchObject({ source: 'local:control', resolutionMs: 0, desired: 1, ready: 1, pending: 0, running: 1 });
    expect((await provider.describe(AbortSignal.timeout(1000))).serviceUrl).toBe(url);
  });

  it('scales up under load and back down after it, recording each decision', async () => {
    const t0 = Date.now();
    // 300 req/s against 200 req/s per replica at 100 %: one replica saturates, target 50 % wants 3.
    const load = drive(url, 300, 7000);
    while (Date.now() - t0 < 7000) {
      await observe();
      await sleep(250);
    }
    const result = await load;
    expect(result['200']).toBeGreaterThan(1000);
    const peakReady = Math.max(...samples.map((s) => s.ready ?? 0));
    expect(peakReady).toBeGreaterThanOrEqual(2);

    // Quiet: utilization falls over the 1.5 s window, then the 3 s stabilization window passes.
    const quietFrom = Date.now();
    while (Date.now() - quietFrom < 15_000) {
      await observe();
      const last = samples.at(-1)!;
      if (last.desired === 1 && last.ready === 1 && last.running === 1) break;
      await sleep(250);
    }
    expect(samples.at(-1)).toMatchObject({ desired: 1, ready: 1, running: 1 });

    const events: PlatformEvent[] = await provider.events(t0 - 1000, AbortSignal.timeout(2000));
    const ups = events.filter((e) => e.type === 'scale-up');
    const downs = events.filter((e) => e.type === 'scale-down');
    expect(ups.length).toBeGreaterThanOrEqual(1);
    expect(ups[0]).toMatchObject({ from: 1, source: 'local:autoscaler', resolutionMs: 0 });
    expect(ups[0]!.to!).toBeGreaterThan(1);
    expect(ups[0]!.message).toMatch(/above target/);
    expect(downs.length).toBeGreaterThanOrEqual(1);
    expect(downs.at(-1)).toMatchObject({ to: 1 });
    expect(downs.at(-1)!.message).toMatch(/below target/);
    // Scale-down waited out the stabilization window after the load ended.
    expect(downs[0]!.atWall).toBeGreaterThanOrEqual(quietFrom + 3000 - 1500);
    for (const e of [...ups, ...downs]) expect(e.to).not.toBe(e.from);
    // Decisions chain: each one starts where the previous ended.
    const decisions = [...ups, ...downs].sort((a, b) => a.atWall - b.atWall);
    decisions.slice(1).forEach((e, i) => expect(e.from).toBe(decisions[i]!.to));
    expect(events.filter((e) => e.type === 'replica-ready').length).toBeGreaterThanOrEqual(peakReady - 1);
    expect(events.filter((e) => e.type === 'replica-stopped').length).toBeGreaterThanOrEqual(1);
    expect(events.some((e) => e.type === 'warning')).toBe(false);
    const ids = events.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    // Events since a later time are a suffix.
    const later = await provider.events(downs[0]!.atWall, AbortSignal.timeout(2000));
    expect(later[0]?.id).toBe(downs[0]!.id);
  });

  it('keeps samples consistent', () => {
    for (const s of samples) {
      expect(s.desired!).toBeGreaterThanOrEqual(1);
      expect(s.desired!).toBeLessThanOrEqual(4);
      expect(s.ready! + s.pending!).toBeLessThanOrEqual(s.running!);
      if (s.cpuPct !== undefined) expect(s.cpuPct).toBeGreaterThanOrEqual(0);
      if (s.cpuPct !== undefined) expect(s.cpuPct).toBeLessThanOrEqual(100);
      expect(s.memPct!).toBeGreaterThan(0);
    }
    for (let i = 1; i < samples.length; i++) expect(samples[i]!.atWall).toBeGreaterThanOrEqual(samples[i - 1]!.atWall);
    // Saturated at some point (one replica at 300 req/s), idle at the end.
    expect(Math.max(...samples.map((s) => s.cpuPct ?? 0))).toBeGreaterThan(70);
    expect(samples.at(-1)!.cpuPct ?? 0).toBeLessThan(20);
  });

  it('leaves no process behind after close(), and close() is idempotent', async () => {
    expect(pidsSeen.size).toBeGreaterThanOrEqual(3);
    for (const pid of pidsSeen) expect(typeof pid).toBe('number');
    await provider.close();
    await provider.close();
    expect([...pidsSeen].filter(isAlive)).toEqual([]);
    await expect(provider.sample(AbortSignal.timeout(1000))).rejects.toThrow(/not running/);
  });
});

describe('local provider when scaleproof is killed', () => {
  it('platform and replicas exit when their parent is SIGKILLed', async () => {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const index = new URL('../../providers/local/index.ts', import.meta.url).href;
    const settingsUrl = new URL('../../providers/local/settings.ts', import.meta.url).href;
    const script = `
      const { createLocalProvider } = await import(${JSON.stringify(index)});
      const { localSettingsSchema } = await import(${JSON.stringify(settingsUrl)});
      const log = { info() {}, warn() {}, debug() {} };
      const p = createLocalProvider(localSettingsSchema.parse({ replicas: { min: 2, max: 2 }, capacity: { startup_delay: '100ms' } }), { log, env: {} });
      await p.start(AbortSignal.timeout(20000));
      const st = await p.status(AbortSignal.timeout(2000));
      process.stdout.write(JSON.stringify([st.platformPid, ...st.replicas.map((r) => r.pid)]) + '\\n');
      setInterval(() => {}, 1000);`;
    const parent = spawn(process.execPath, ['--import', tsx, '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const pids = await new Promise<number[]>((resolve, reject) => {
        let out = '';
        parent.stdout!.on('data', (c: Buffer) => {
          out += c.toString();
          if (out.includes('\n')) resolve(JSON.parse(out) as number[]);
        });
        parent.once('exit', (code) => reject(new Error(`parent exited early (${code})`)));
      });
      expect(pids).toHaveLength(3);
      expect(pids.every(isAlive)).toBe(true);
      parent.kill('SIGKILL');
      const until = Date.now() + 5000;
      while (pids.some(isAlive) && Date.now() < until) await sleep(50);
      expect(pids.filter(isAlive)).toEqual([]);
    } finally {
      parent.kill('SIGKILL');
    }
  });
});
