import { build, decodeFromCompressedBase64 } from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/clock.js';
import { WindowAccumulator, WindowMerger } from '../../../src/load/window-parts.js';
import type { LoadRecord } from '../../../src/timeline/types.js';

class ManualClock implements Clock {
  t = 0;
  now = () => this.t;
  wallNow = () => this.t;
  sleep = async () => {};
}

/** N shards with encoded parts (as from worker threads) into one merger. */
function setup(shards: number) {
  const clock = new ManualClock();
  const out: LoadRecord[][] = [];
  const merger = new WindowMerger({ shards, runStartMono: 0, originMono: 0, windowMs: 100, keyNames: ['a', 'b', 'kind=x'], keyTags: [undefined, undefined, 'kind'], emit: (r) => out.push(r) });
  const accs = Array.from({ length: shards }, () => new WindowAccumulator({ clock, originMono: 0, windowMs: 100, keyCount: 3, keysOf: [[0, 2], [1]], encode: shards > 1, emitPart: (p) => merger.add(shards > 1 ? structuredClone(p) : p) }));
  return { clock, merger, accs, out };
}

describe('merging windows across shards', () => {
  it('adds counters and histograms exactly, emitting a window only when every shard sent it', () => {
    const one = setup(1);
    const two = setup(2);
    // The same 200 requests, split k mod 2 over two shards.
    for (let k = 0; k < 200; k++) {
      const req = k % 5 === 0 ? 1 : 0;
      const intended = k * 0.4;
      const latency = 1 + ((k * 37) % 89);
      one.accs[0].planned(req, intended);
      one.accs[0].sent(req, intended, intended + 0.2);
      one.accs[0].completed(req, k % 7 === 0 ? 'http5xx' : 'ok', false, intended, intended + latency, intended + 0.2, k % 3 === 0);
      const acc = two.accs[k % 2];
      acc.planned(req, intended);
      acc.sent(req, intended, intended + 0.2);
      acc.completed(req, k % 7 === 0 ? 'http5xx' : 'ok', false, intended, intended + latency, intended + 0.2, k % 3 === 0);
    }
    one.clock.t = two.clock.t = 150;
    one.accs[0].tick();
    two.accs[0].tick();
    expect(two.out).toHaveLength(0); // shard 1 has not sent window 0 yet
    two.accs[1].tick();
    expect(two.out).toHaveLength(1);
    for (const s of [one, two]) {
      s.clock.t = 250;
      for (const a of s.accs) a.close();
      s.merger.close(250);
    }
    expect(two.out.length).toBe(one.out.length);
    // Decoding an encoded histogram reports max as its bucket's highest equivalent value (within 0.1 %).
    const strip = (r: LoadRecord) => ({ ...r, hdr: undefined, lagHdr: undefined, lagMax: undefined, latency: { ...r.latency, max: 0 }, sendLatency: r.sendLatency && { ...r.sendLatency, max: 0 } });
    two.out.forEach((batch, i) => {
      expect(batch.map(strip)).toEqual(one.out[i].map(strip));
      batch.forEach((r, j) => expect(Math.abs(r.latency.max - one.out[i][j].latency.max)).toBeLessThanOrEqual(one.out[i][j].latency.max * 1e-3));
      batch.forEach((r, j) => {
        if (!r.hdr) return;
        const a = decodeFromCompressedBase64(r.hdr);
        const b = decodeFromCompressedBase64(one.out[i][j].hdr as string);
        expect(a.totalCount).toBe(b.totalCount);
        for (const p of [50, 90, 99, 99.9, 100]) expect(a.getValueAtPercentile(p)).toBe(b.getValueAtPercentile(p));
      });
    });
    const all = two.out.flat().filter((r) => r.request === '*');
    expect(all.reduce((n, r) => n + r.completed, 0)).toBe(200);
    expect(all.reduce((n, r) => n + (r.checkFailures ?? 0), 0)).toBe(67);
    expect(two.out.flat().filter((r) => r.request === 'kind=x').every((r) => r.tag === 'kind')).toBe(true);
    expect(all.at(-1)?.windowMs).toBe(50); // the final partial window
    const total = build();
    for (const r of all) if (r.hdr) total.add(decodeFromCompressedBase64(r.hdr));
    expect(total.totalCount).toBe(200);
  });

  it('a key with all of a window completions is shipped as "same as the aggregate" and merged right', () => {
    const clock = new ManualClock();
    const out: LoadRecord[][] = [];
    const parts: unknown[] = [];
    const merger = new WindowMerger({ shards: 2, runStartMono: 0, originMono: 0, windowMs: 100, keyNames: ['only'], keyTags: [undefined], emit: (r) => out.push(r) });
    const accs = [0, 1].map(() => new WindowAccumulator({ clock, originMono: 0, windowMs: 100, keyCount: 1, keysOf: [[0]], encode: true, emitPart: (p) => (parts.push(p), merger.add(structuredClone(p))) }));
    for (let k = 0; k < 40; k++) {
      const a = accs[k % 2];
      a.sent(0, k, k);
      a.completed(0, 'ok', false, k, k + 1 + k / 10);
    }
    clock.t = 100;
    for (const a of accs) a.tick();
    expect((parts[0] as { keys: Array<{ latency: unknown }> }).keys[0].latency).toBe('=');
    const [all, only] = out[0];
    expect(only.completed).toBe(40);
    expect(only.latency).toEqual(all.latency);
    expect(decodeFromCompressedBase64(only.hdr as string).totalCount).toBe(40);
  });
});
