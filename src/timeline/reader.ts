/** Reads a timeline file back. A torn or corrupt line (a crash mid-write) is skipped and counted. */
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { buildTimeline } from './build.js';
import type { Timeline, TimelineRecord } from './types.js';

const KINDS = new Set(['header', 'target', 'stage', 'phase', 'load', 'sample', 'event', 'gap', 'note', 'end']);

export function timelinePathOf(runDirOrFile: string): string {
  const p = path.resolve(runDirOrFile);
  return fs.existsSync(p) && fs.statSync(p).isDirectory() ? path.join(p, 'timeline.ndjson') : p;
}

export function readTimeline(runDirOrFile: string): Timeline {
  const file = timelinePathOf(runDirOrFile);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`cannot read ${file}`, 'give a run folder (runs/<time>-<name>) or its timeline.ndjson');
  }
  return parseTimeline(text, file);
}

export function parseTimeline(text: string, file = 'timeline'): Timeline {
  const records: TimelineRecord[] = [];
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const r = JSON.parse(line) as TimelineRecord;
      if (r && typeof r === 'object' && KINDS.has(r.kind)) records.push(r);
      else skipped++;
    } catch {
      skipped++;
    }
  }
  const header = records.find((r) => r.kind === 'header');
  if (!header || header.kind !== 'header' || typeof header.startedAtWall !== 'number' || !header.profile) {
    throw new UsageError(`${file} is not a scaleproof timeline (no valid header line)`, 'give the timeline.ndjson that scaleproof run wrote');
  }
  return buildTimeline(records, skipped);
}
