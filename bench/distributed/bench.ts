/**
 * Bench: the overhead of the distributed path. The same open-model plan (RATE req/s for
 * DURATION_S s, after a 0 s jump) against one loopback target (2 ms per response), sent
 *   (a) by one process: the in-process engine, one thread (load.workers = 1);
 *   (b) by AGENTS local agents: the distributed engine against the fake Kubernetes API, whose
 *       Indexed Job spawns `scaleproof agent` processes; parts come back through pods/log.
 * Prints, for each: set-up time (call → plan origin), sent / planned, scheduler lag p99
 * (worst window), latency p50 / p99 / max over the run (exact HdrHistogram merge), how long
 * after the plan end the call returned, and for (b) the log bytes per agent-window.
 *
 *   npx tsx bench/distributed/bench.ts                  # AGENTS=3 RATE=1500 DURATION_S=15
 *   AGENTS=2 RATE=1000 DURATION_S=10 npx tsx bench/distributed/bench.ts
 */
import { decodeFromCompressedBase64, type Histogram } from 'hdr-histogram-js';
import { systemClock } from '../../src/clock.js';
import { createDistributedEngine } from '../../src/distributed/coordinator.js';
import { distributedSchema } from '../../src/distributed/settings.js';
import { runLoad } from '../../src/load/engine.js';
import type { LoadEngine } from '../../src/load/types.js';
import { silentLogger } from '../../src/log.js';
import { loadSchema } from '../../src/profile/schema.js';
import type { LoadRecord } from '../../src/timeline/types.js';
import { VERSION } from '../../src/version.js';
import { startJobsFake } from '../../test/fakes/kubernetes/jobs.js';
import { startTargetServer } from '../../test/support/target-server.js';

const AGENTS = Number(process.env.AGENTS ?? 3);
const RATE = Number(process.env.RATE ?? 1500);
const SECONDS = Number(process.env.DURATION_S ?? 15);

interface Row {
  name: string;
  setupMs: number;
  planned: number;
  sent: number;
  lagP99Ms: number;
  p50: number;
  p99: number;
  max: number;
  returnAfterEndMs: number;
  bytesPerPart?: number;
}

async function measure(name: string, engine: LoadEngine, url: string, extra: () => Partial<Row> = () => ({})): Promise<Row> {
  const load = loadSchema.parse({ url, stages: [{ duration: '0s', rate: RATE }, { duration: `${SECONDS}s`, rate: RATE }], connections: 64, workers: 1 });
  const windows: LoadRecord[] = [];
  const t0 = systemClock.now();
  const result = await engine({
    load,
    baseUrl: url,
    clock: systemClock,
    runStartMono: t0,
    signal: new AbortController().signal,
    drainMs: 2000,
    onStage: () => {},
    onWindows: (rs) => windows.push(...rs.filter((r) => r.kind === 'load' && r.request === '*')),
  });
  const returned = systemClock.now() - t0;
  let h: Histogram | null = null;
  for (const w of windows) {
    if (!w.hdr) continue;
    const d = decodeFromCompressedBase64(w.hdr);
    if (h) h.add(d);
    else h = d;
  }
  return {
    name,
    setupMs: Math.round(result.startT),
    planned: windows.reduce((n, w) => n + w.planned, 0),
    sent: windows.reduce((n, w) => n + w.sent, 0),
    lagP99Ms: Math.max(...windows.map((w) => w.lagP99 ?? 0)),
    p50: (h?.getValueAtPercentile(50) ?? 0) / 1000,
    p99: (h?.getValueAtPercentile(99) ?? 0) / 1000,
    max: (h?.maxValue ?? 0) / 1000,
    returnAfterEndMs: Math.round(returned - result.startT - SECONDS * 1000),
    ...extra(),
  };
}

const target = await startTargetServer({ delayMs: 2 });
const rows: Row[] = [];
try {
  rows.push(await measure('1 process (in-process engine, 1 thread)', runLoad, target.url));
  let bytes = 0;
  let parts = 0;
  const fake = await startJobsFake({
    onPodLine: (_pod, line) => {
      if (line.includes('"type":"part"')) {
        bytes += line.length + 1;
        parts++;
      }
    },
  });
  try {
    const spec = distributedSchema.parse({ agents: AGENTS, kubeconfig: fake.kubeconfig, ready_timeout: '60s', start_lead: '1500ms' });
    rows.push(await measure(`${AGENTS} agents (fake Kubernetes Job, pod logs)`, createDistributedEngine({ spec, env: process.env, log: silentLogger, version: VERSION }), target.url, () => ({ bytesPerPart: Math.round(bytes / Math.max(1, parts)) })));
  } finally {
    await fake.stop();
  }
} finally {
  await target.close();
}

const f = (x: number) => x.toFixed(2);
console.log(`\n${RATE} req/s for ${SECONDS} s against a loopback target (2 ms); node ${process.version}\n`);
console.log('| path | set-up | sent / planned | worst window lag p99 | latency p50 / p99 / max | returned after plan end | log bytes per agent-window |');
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.name} | ${r.setupMs} ms | ${r.sent} / ${r.planned} | ${f(r.lagP99Ms)} ms | ${f(r.p50)} / ${f(r.p99)} / ${f(r.max)} ms | ${r.returnAfterEndMs} ms | ${r.bytesPerPart ?? '–'} |`);
}
