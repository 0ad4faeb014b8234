/**
 * scaleproof's load engine as a stand-alone generator for the benchmarks: runs one load against
 * a URL and prints one JSON line of results. Built by run.ts into .tmp/bench-build (plain JS, so
 * no loader overhead is counted as generator CPU).
 *
 *   node .tmp/bench-build/bench/load/gen.js '{"url":"http://127.0.0.1:8080/","load":{…},"stopAfter":5000000}'
 */
import { build, decodeFromCompressedBase64, type Histogram } from 'hdr-histogram-js';
import { systemClock } from '../../src/clock.js';
import { runLoad } from '../../src/load/engine.js';
import { loadSchema } from '../../src/profile/schema.js';
import type { LoadRecord } from '../../src/timeline/types.js';

interface Args {
  url: string;
  load: Record<string, unknown>;
  /** Stop once this many requests completed (memory benchmark). */
  stopAfter?: number;
  /** Report peak RSS up to this many completions too. */
  rssCheckpoint?: number;
}

const args = JSON.parse(process.argv[2] ?? '{}') as Args;
const load = loadSchema.parse(args.load);
const hist = () => build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 });
const latency = hist();
const lag = hist();
const sentPerWindow: number[] = [];
let completed = 0;
let ok = 0;
let errors = 0;
let checkpointRss = 0;
let peakRss = 0;
// With node --expose-gc: live heap after a full GC at the checkpoint and at the end (retained memory, not allocator slack).
const gc = (globalThis as { gc?: () => void }).gc;
let checkpointHeap: number | null = null;
const heapAfterGc = (): number | null => (gc ? (gc(), process.memoryUsage().heapUsed) : null);
const controller = new AbortController();

const sampleRss = () => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  if (args.rssCheckpoint && completed <= args.rssCheckpoint) checkpointRss = peakRss;
};
const sampler = setInterval(sampleRss, 50);
// Decoded after the run: decoding here would block the engine's event loop at every window.
const latencyHdr: string[] = [];
const lagHdr: string[] = [];

const onWindows = (records: LoadRecord[]) => {
  const all = records[0];
  if (all.hdr) latencyHdr.push(all.hdr);
  if (all.lagHdr) lagHdr.push(all.lagHdr);
  if (all.windowMs === load.window) sentPerWindow.push(all.sent);
  completed += all.completed;
  ok += all.ok;
  errors += Object.values(all.errors).reduce((a, b) => a + b, 0);
  sampleRss();
  if (args.rssCheckpoint && checkpointHeap === null && completed >= args.rssCheckpoint) checkpointHeap = heapAfterGc();
  if (args.stopAfter && completed >= args.stopAfter) controller.abort();
};

const cpu0 = process.cpuUsage();
const runStartMono = systemClock.now();
const result = await runLoad({ load, baseUrl: args.url, clock: systemClock, runStartMono, signal: controller.signal, drainMs: 2000, onStage: () => {}, onWindows });
clearInterval(sampler);
sampleRss();
const cpu = process.cpuUsage(cpu0);
const endHeap = heapAfterGc();
for (const e of latencyHdr) latency.add(decodeFromCompressedBase64(e));
for (const e of lagHdr) lag.add(decodeFromCompressedBase64(e));
const seconds = (result.endT - result.startT) / 1000;
// Window variation over the steady windows (the first and last may be cut).
const steady = sentPerWindow.slice(1, -1);
const mean = steady.reduce((a, b) => a + b, 0) / Math.max(1, steady.length);
const sd = Math.sqrt(steady.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, steady.length));
const ms = (h: Histogram, p: number) => h.getValueAtPercentile(p) / 1000;
process.stdout.write(
  `${JSON.stringify({
    planned: result.planned,
    sent: result.sent,
    dropped: result.dropped,
    completed,
    ok,
    errors,
    seconds,
    reqPerSec: completed / seconds,
    latency: { p50: ms(latency, 50), p99: ms(latency, 99), p999: ms(latency, 99.9), max: latency.maxValue / 1000 },
    lag: { p50: ms(lag, 50), p99: ms(lag, 99), max: lag.maxValue / 1000 },
    window: { mean, cov: mean > 0 ? sd / mean : 0, min: Math.min(...steady), max: Math.max(...steady) },
    rssMB: peakRss / 2 ** 20,
    rssCheckpointMB: checkpointRss / 2 ** 20,
    heapAfterGcCheckpointMB: checkpointHeap === null ? null : checkpointHeap / 2 ** 20,
    heapAfterGcEndMB: endHeap === null ? null : endHeap / 2 ** 20,
    cpuS: (cpu.user + cpu.system) / 1e6,
  })}\n`,
);
process.exit(0);
