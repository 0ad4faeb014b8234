/**
 * Reads a run's timeline, analyses it and writes every report file into the run folder.
 * `run` and `report` both come through here, so a report rebuilt later is the same report.
 */
import fs from 'node:fs';
import path from 'node:path';
import { analyze } from '../analysis/index.js';
import type { AnalysisResult } from '../analysis/types.js';
import { readTimeline, timelinePathOf } from '../timeline/reader.js';
import type { Timeline } from '../timeline/types.js';
import type { ReportContext } from './context.js';
import { renderTimelineCsv } from './csv.js';
import { textReports } from './index.js';
import { renderSummaryChartSvg } from './chart-image.js';
import { renderHtmlReport } from './html/index.js';
import { renderJunit } from './junit.js';
import { renderSummaryMarkdown } from './summary-markdown.js';

export interface WrittenReports {
  result: AnalysisResult;
  timeline: Timeline;
  /** Absolute paths of the files written. */
  files: string[];
  skippedLines: number;
}

export async function writeReports(runDirOrTimeline: string): Promise<WrittenReports> {
  const timeline = readTimeline(runDirOrTimeline);
  const dir = path.dirname(timelinePathOf(runDirOrTimeline));
  const result = analyze(timeline);
  const ctx: ReportContext = { header: timeline.header, target: timeline.target?.description ?? null };
  const outputs: Record<string, string> = {};
  for (const [file, render] of Object.entries(textReports)) outputs[file] = render(result, ctx);
  outputs['junit.xml'] = renderJunit(result);
  outputs['timeline.csv'] = renderTimelineCsv(timeline);
  outputs['report.html'] = renderHtmlReport(timeline, result);
  outputs['chart.svg'] = renderSummaryChartSvg(timeline, result);
  outputs['summary.md'] = renderSummaryMarkdown(result, ctx);
  const files: string[] = [];
  for (const [file, text] of Object.entries(outputs)) {
    const p = path.join(dir, file);
    fs.writeFileSync(p, text);
    files.push(p);
  }
  return { result, timeline, files, skippedLines: timeline.skippedLines };
}
