/**
 * The window merger for one load, however its shards run (worker threads, or agents in a
 * Kubernetes Job): one record per window for all requests, each request name and each tag.
 */
import type { LoadSpec } from '../profile/schema.js';
import type { LoadRecord } from '../timeline/types.js';
import { vusAt, type LoadPlan } from './plan.js';
import { WindowMerger } from './window-parts.js';
import type { RecordKeys } from './window-recorder.js';

export interface LoadMergerOptions {
  load: LoadSpec;
  plan: LoadPlan;
  keys: RecordKeys;
  shards: number;
  runStartMono: number;
  originMono: number;
  emit(records: LoadRecord[]): void;
}

export function loadMerger(o: LoadMergerOptions): WindowMerger {
  return new WindowMerger({
    shards: o.shards,
    runStartMono: o.runStartMono,
    originMono: o.originMono,
    windowMs: o.load.window,
    keyNames: o.keys.names,
    keyTags: o.keys.tags,
    // The closed model reports the planned number of users as the aggregate's `planned`.
    ...(o.load.model === 'open' ? {} : { plannedLevel: (t: number) => (t >= o.plan.durationMs ? 0 : vusAt(o.plan, t)) }),
    emit: o.emit,
  });
}
