/**
 * A compact SVG image for the Markdown summary (chart.svg beside summary.md): replicas
 * desired/ready with the measured scale-up/scale-down spans, stage boundaries and events.
 * Standalone: it renders in GitHub job summaries and PR comments as an <img>.
 */
import type { AnalysisResult } from '../analysis/types.js';
import type { Timeline } from '../timeline/types.js';
import { renderChartSvg } from './html/chart.js';
import { replicasChart } from './html/charts.js';
import { spanMarks, timelineMarks } from './html/overlay.js';
import { scalingSpans } from './html/spans.js';
import { timeAxisFor } from './html/time-axis.js';

export interface ChartImageOptions {
  /** Pixels; the height follows. Default 800. */
  width?: number;
}

export function renderSummaryChartSvg(timeline: Timeline, result: AnalysisResult, options: ChartImageOptions = {}): string {
  const axis = timeAxisFor(timeline, options.width ?? 800);
  const spec = { ...replicasChart(timeline), height: 220, title: `${result.profileName}: replicas and scaling spans`, yName: "count", background: '#ffffff' };
  const spans = scalingSpans(result, axis.toT);
  const svg = renderChartSvg(spec, axis, (plot) => timelineMarks(timeline, axis, plot, false) + spanMarks(spans, axis, plot));
  return `<?xml version="1.0" encoding="UTF-8"?>\n${svg}\n`;
}
