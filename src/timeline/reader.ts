/**
 * Reads a timeline file back. A torn or corrupt line (a crash mid-write, a hand edit) and a
 * record that does not have its kind's shape are skipped and counted: the reports say how many.
 * A file without a usable header is not a timeline (exit 2).
 */
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { buildTimeline } from './build.js';
import { headerShape, isRecordKind, isValidLoadRecord, isValidSampleRecord, recordShapes } from './record-shapes.js';
import type { Timeline, TimelineRecord } from './types.js';

/** A real timeline is at most a few hundred MB (24 h of 1 s windows); refuse what cannot be one. */
const MAX_TIMELINE_BYTES = 2 * 1024 ** 3;
/** Longer lines are not records scaleproof writes; they are skipped without parsing. */
const MAX_LINE_CHARS = 4 * 1024 * 1024;

export function timelinePathOf(runDirOrFile: string): string {
  const p = path.resolve(runDirOrFile);
  return fs.existsSync(p) && fs.statSync(p).isDirectory() ? path.join(p, 'timeline.ndjson') : p;
}

export function readTimeline(runDirOrFile: string): Timeline {
  const file = timelinePathOf(runDirOrFile);
  const hint = 'give a run folder (runs/<time>-<name>) or its timeline.ndjson';
  let text: string;
  try {
    const stat = fs.statSync(file);
    if (stat.isDirectory()) throw new UsageError(`${file} is a folder without a timeline.ndjson`, hint);
    if (stat.size > MAX_TIMELINE_BYTES) throw new UsageError(`${file} is ${Math.round(stat.size / 1024 ** 2)} MB: too large to be a scaleproof timeline`, hint);
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `no timeline at ${file}` : `cannot read ${file} (${code ?? 'unknown error'})`, hint);
  }
  return parseTimeline(text, file);
}

export function parseTimeline(text: string, file = 'timeline'): Timeline {
  const records: TimelineRecord[] = [];
  let skipped = 0;
  let headerProblem: string | null = null;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const parsed = line.length > MAX_LINE_CHARS ? undefined : parseLine(line);
    if (!parsed || !isRecordKind(parsed.kind)) {
      skipped++;
      continue;
    }
    // The two kinds that make up nearly all of a long timeline are checked by hand, fast.
    if (parsed.kind === 'load' || parsed.kind === 'sample') {
      if (parsed.kind === 'load' ? isValidLoadRecord(parsed) : isValidSampleRecord(parsed)) records.push(parsed as unknown as TimelineRecord);
      else skipped++;
      continue;
    }
    const checked = recordShapes[parsed.kind].safeParse(parsed);
    if (checked.success && parsed.kind === 'gap' && !((parsed.untilT as number) >= (parsed.t as number))) {
      skipped++;
      continue;
    }
    if (checked.success) records.push(checked.data as TimelineRecord);
    else {
      if (parsed.kind === 'header') headerProblem ??= describeIssue(checked.error.issues[0]);
      skipped++;
    }
  }
  const headers = records.filter((r) => r.kind === 'header');
  if (headers.length === 0) {
    const why = headerProblem ? `its header line is damaged (${headerProblem})` : 'no valid header line';
    throw new UsageError(`${file} is not a usable scaleproof timeline: ${why}`, 'give the timeline.ndjson that scaleproof run wrote');
  }
  if (headers.length > 1) throw new UsageError(`${file} holds ${headers.length} header lines: two timelines were joined`, 'give the timeline.ndjson of one run');
  // The header must come first: anything before it belongs to no run.
  const first = records.indexOf(headers[0]!);
  skipped += first;
  return buildTimeline(records.slice(first), skipped);
}

function parseLine(line: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(line);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function describeIssue(issue: { path: PropertyKey[]; message: string } | undefined): string {
  if (!issue) return 'unknown';
  return `${issue.path.map(String).join('.') || 'record'}: ${issue.message}`;
}

/** For tests and tools: is this parsed object a valid header record? */
export const isValidHeader = (v: unknown): boolean => headerShape.safeParse(v).success;
