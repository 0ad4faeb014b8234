/**
 * Agents' parts travel as JSON lines (protocol.ts) and are merged by the engine's WindowMerger
 * through the ShareMerger: the result equals one process recording every request, a replayed
 * part (log reconnect) never counts twice, and a lost agent's windows close with empty parts.
 */
import { decodeFromCompressedBase64 } from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/clock.js';
import { WindowAccumulator, WindowMerger, type WindowPart } from '../../../src/load/window-parts.js';
import { encodeLine, LineSplitter, parseLine, PROTOCOL } from '../../../src/distributed/protocol.js';
import { emptyPart, ShareMerger } from '../../../src/distributed/share-merger.js';
import type { LoadRecord } from '../../../src/timeline/types.js';

const clock: Clock & { t: number } = { t: 0, now: () => clock.t, wallNow: () => clock.t, sleep: async () => {} };

function merger(shards: number, out: LoadRecord[][]) {
  return new WindowMerger({ shards, runStartMono: 0, originMono: 0, windowMs: 100, keyNames: ['a', 'b'], keyTags: [undefined, undefined], emit: (r) => out.push(r) });
}

/** Agent i's accumulator; its parts go through a JSON line and back, like a pod log. */
function agent(i: number, sink: (i: number, p: WindowPart) => void) {
  const split = new LineSplitter();
  return new WindowAccumulator({
    clock,
    originMono: 0,
    windowMs: 100,
    keyCount: 2,
    keysOf: [[0], [1]],
    encode: true,
    emitPart: (part) => {
      const text = encodeLine({ sp: PROTOCOL, type: 'part', index: i, part });
      // Split the line at an odd place, as a log stream chunk may.
      split.push(text.slice(0, 17), () => {});
      split.push(text.slice(17), (l) => {
        const line = parseLine(l);
        if (line?.type === 'part') sink(i, line.part);
      });
    },
  });
}

function drive(accs: WindowAccumulator[], n: number, pick: (k: number) => number) {
  for (let k = 0; k < n; k++) {
    const acc = accs[pick(k)];
    const req = k % 3 === 0 ? 1 : 0;
    const intended = k * 0.5;
    acc.planned(req, intended);
    acc.sent(req, intended, intended + 0.1);
    acc.completed(req, k % 11 === 0 ? 'timeout' : 'ok', false, intended, intended + 1 + ((k * 53) % 97), intended + 0.1);
  }
}

describe('ShareMerger', () => {
  // Both sides encode: an encoded histogram keeps max only to its bucket (97 → 97.023), as with worker threads.
  it('three agents over JSON lines merge to exactly what one recorder sees', () => {
    clock.t = 0;
    const single: LoadRecord[][] = [];
    const one = new WindowAccumulator({ clock, originMono: 0, windowMs: 100, keyCount: 2, keysOf: [[0], [1]], encode: true, emitPart: (p) => merger1.add(p) });
    const merger1 = merger(1, single);
    const out: LoadRecord[][] = [];
    const m = merger(3, out);
    const shares = new ShareMerger(m, 3, 2);
    const accs = [0, 1, 2].map((i) => agent(i, (a, p) => shares.add(a, p)));
    drive([one], 600, () => 0);
    drive(accs, 600, (k) => k % 3);
    clock.t = 400;
    for (const a of [one, ...accs]) a.close();
    merger1.close(400);
    m.close(400);
    const strip = (rs: LoadRecord[][]) => rs.flat().map((r) => ({ ...r, hdr: r.hdr ? decodeFromCompressedBase64(r.hdr).totalCount : 0, lagHdr: undefined }));
    expect(strip(out)).toEqual(strip(single));
    const total = out.flat().filter((r) => r.request === '*').reduce((n, r) => n + r.completed, 0);
    expect(total).toBe(600);
    expect(shares.tallies.map((t) => t.planned)).toEqual([200, 200, 200]);
  });

  it('drops a part it has already seen (a log followed again from the start)', () => {
    const out: LoadRecord[][] = [];
    const shares = new ShareMerger(merger(2, out), 2, 2);
    const p = { ...emptyPart(0, 2), all: { ...emptyPart(0, 2).all, planned: 5 } };
    expect(shares.add(0, p)).toBe(true);
    expect(shares.add(0, structuredClone(p))).toBe(false);
    expect(shares.add(1, emptyPart(0, 2))).toBe(true);
    expect(out).toHaveLength(1);
    expect(out[0][0].planned).toBe(5);
    expect(shares.tallies[0].planned).toBe(5);
  });

  it('a lost agent no longer holds windows back: they close with the others\' share only', () => {
    const out: LoadRecord[][] = [];
    const shares = new ShareMerger(merger(3, out), 3, 2);
    const part = (i: number, planned: number) => ({ ...emptyPart(i, 2), all: { ...emptyPart(i, 2).all, planned } });
    for (const a of [0, 1, 2]) shares.add(a, part(0, 10));
    for (const a of [0, 2]) shares.add(a, part(1, 10)); // agent 1 dies after window 0
    expect(out).toHaveLength(1);
    expect(shares.lose(1)).toBe(1);
    expect(out).toHaveLength(2);
    for (const a of [0, 2]) shares.add(a, part(2, 10));
    expect(out.map((r) => r[0].planned)).toEqual([30, 20, 20]);
    expect(shares.add(1, part(3, 10))).toBe(false);
    expect(shares.isLost(1)).toBe(true);
  });
});
