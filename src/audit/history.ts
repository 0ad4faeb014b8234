/**
 * Reads a history folder: one run folder per audited run, each with a report.json (fast) or
 * only a timeline.ndjson (analysed again). Folders that are neither are listed as skipped, so
 * a stray file never hides a run silently.
 */
import fs from 'node:fs';
import path from 'node:path';
import { analyze } from '../analysis/index.js';
import type { AnalysisResult } from '../analysis/types.js';
import { UsageError } from '../errors.js';
import { readTimeline } from '../timeline/reader.js';
import { runMetrics, type MetricSource, type RunMetrics } from './metrics.js';

export interface HistoryRun extends RunMetrics {
  /** Absolute path of the run folder. */
  dir: string;
  source: 'report.json' | 'timeline.ndjson';
}

export interface History {
  runs: HistoryRun[];
  /** Folders that held no readable report.json or timeline.ndjson, with the reason. */
  skipped: Array<{ dir: string; reason: string }>;
}

/** Every run folder directly inside `dir`, oldest first (by start time). */
export function readHistory(dir: string): History {
  const root = path.resolve(dir);
  let names: string[];
  try {
    names = fs.readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  } catch {
    throw new UsageError(`cannot read the history folder ${root}`, 'give the folder that holds one run folder per audited run');
  }
  const history: History = { runs: [], skipped: [] };
  for (const name of names) {
    const runDir = path.join(root, name);
    try {
      history.runs.push(readRun(runDir));
    } catch (err) {
      history.skipped.push({ dir: runDir, reason: (err as Error).message });
    }
  }
  history.runs.sort((a, b) => a.startedAtWall - b.startedAtWall || a.dir.localeCompare(b.dir));
  return history;
}

/** One run folder -> its metrics, from report.json when it is a scaleproof report, else the timeline. */
export function readRun(runDir: string): HistoryRun {
  const report = readReportJson(path.join(runDir, 'report.json'));
  if (report) return { ...report, dir: runDir, source: 'report.json' };
  const timelineFile = path.join(runDir, 'timeline.ndjson');
  if (!fs.existsSync(timelineFile)) throw new Error('no report.json or timeline.ndjson');
  const result: AnalysisResult = analyze(readTimeline(timelineFile));
  return { ...runMetrics(result, result), dir: runDir, source: 'timeline.ndjson' };
}

interface ReportJsonShape extends MetricSource {
  schema: string;
  run: { id: string; profile: string; startedAtWall: number };
}

function readReportJson(file: string): RunMetrics | null {
  let body: ReportJsonShape;
  try {
    body = JSON.parse(fs.readFileSync(file, 'utf8')) as ReportJsonShape;
  } catch {
    return null;
  }
  const ok = typeof body?.schema === 'string' && body.schema.startsWith('scaleproof.report/') && body.run && Array.isArray(body.scaleUps) && Array.isArray(body.scaleDowns) && body.replicas;
  if (!ok) return null;
  return runMetrics(body, { runId: body.run.id, profileName: body.run.profile, startedAtWall: body.run.startedAtWall });
}
