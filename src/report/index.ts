/**
 * The text reports, by file name: each a pure render of the analysis and the timeline header.
 * The caller (write-reports) does the IO; the terminal summary is separate (summary-table.ts).
 */
import type { AnalysisResult } from '../analysis/types.js';
import type { ReportContext } from './context.js';
import { renderJsonReport } from './json.js';
import { renderMarkdownReport } from './markdown.js';

export type TextReportRenderer = (result: AnalysisResult, ctx: ReportContext) => string;

export const textReports = {
  'report.json': renderJsonReport,
  'report.md': renderMarkdownReport,
} as const satisfies Record<string, TextReportRenderer>;

export type { ReportContext } from './context.js';
export { buildJsonReport, renderJsonReport, REPORT_SCHEMA, type JsonReport } from './json.js';
export { renderMarkdownReport } from './markdown.js';
export { renderSummaryTable, useColor, type SummaryOptions } from './summary-table.js';
