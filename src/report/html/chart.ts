/**
 * One chart as inline SVG, rendered server-side by ECharts (no script reaches the page). The
 * x axis always comes from the shared TimeAxis, so the grid left/right and the t range are the
 * same in every chart; the caller's overlay (stage lines, events, spans) is drawn in the same
 * pixel space with xOf().
 */
import * as echarts from 'echarts';
import type { Point } from './downsample.js';
import { downsampleMinMax } from './downsample.js';
import { esc } from './escape.js';
import { GRID_BOTTOM, GRID_TOP, formatAxisTime, type TimeAxis } from './time-axis.js';

export interface LineSpec {
  name: string;
  color: string;
  points: readonly Point[];
  /** Platform counts hold their value until the next sample. */
  step?: boolean;
  dashed?: boolean;
}

/** A horizontal reference (a target, a min/max replica bound), drawn as a dashed line across the run. */
export interface RefLine {
  label: string;
  value: number;
  color: string;
}

export interface ChartSpec {
  /** data-chart attribute: `rate`, `latency`, `errors`, `replicas`, `resources`. */
  id: string;
  title: string;
  yName: string;
  height: number;
  lines: LineSpec[];
  refLines?: RefLine[];
  yMax?: number;
  /** Page colour behind the chart; transparent when left out (the HTML page is white). */
  background?: string;
}

/** The plot area in SVG pixels (left/right are the axis's). */
export interface PlotBox {
  top: number;
  bottom: number;
}

/** Points drawn per pixel column at most (M4 keeps up to 4 per bucket). */
const BUCKETS_PER_PX = 1;

/** The chart's SVG with `overlay(plot)` appended on top of the ECharts drawing. */
export function renderChartSvg(spec: ChartSpec, axis: TimeAxis, overlay: (plot: PlotBox) => string = () => ''): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: axis.width, height: spec.height });
  try {
    chart.setOption(optionFor(spec, axis));
    const svg = chart.renderToSVGString();
    const plot = { top: GRID_TOP, bottom: spec.height - GRID_BOTTOM };
    const cut = svg.lastIndexOf('</svg>');
    return `${svg.slice(0, cut)}<g class="overlay">${overlay(plot)}</g></svg>`;
  } finally {
    chart.dispose();
  }
}

function optionFor(spec: ChartSpec, axis: TimeAxis): echarts.EChartsOption {
  const buckets = Math.max(1, Math.round((axis.right - axis.left) * BUCKETS_PER_PX));
  const lines = spec.lines.map((l): echarts.LineSeriesOption => ({
    type: 'line',
    name: l.name,
    data: downsampleMinMax(l.points, axis.fromT, axis.toT, buckets),
    showSymbol: false,
    connectNulls: false,
    step: l.step ? 'end' : false,
    color: l.color,
    lineStyle: { width: 1.4, color: l.color, type: l.dashed ? 'dashed' : 'solid' },
  }));
  const refs = (spec.refLines ?? []).map((r): echarts.LineSeriesOption => ({
    type: 'line',
    name: r.label,
    data: [[axis.fromT, r.value], [axis.toT, r.value]],
    showSymbol: false,
    color: r.color,
    lineStyle: { width: 1, color: r.color, type: 'dashed' },
  }));
  return {
    animation: false,
    ...(spec.background ? { backgroundColor: spec.background } : {}),
    title: { text: `${spec.title} (${spec.yName})`, left: 8, top: 4, textStyle: { fontSize: 13, fontWeight: 'bold' } },
    legend: { top: 4, right: axis.width - axis.right, itemWidth: 14, itemHeight: 8, textStyle: { fontSize: 11 } },
    grid: { left: axis.left, right: axis.width - axis.right, top: GRID_TOP, bottom: GRID_BOTTOM, outerBoundsMode: 'none' },
    xAxis: {
      type: 'value',
      min: axis.fromT,
      max: axis.toT,
      interval: axis.tickMs,
      axisLabel: { formatter: (v: number) => formatAxisTime(v), fontSize: 10, showMaxLabel: false },
      splitLine: { show: true, lineStyle: { color: '#eef0f3' } },
    },
    yAxis: {
      type: 'value',
      min: 0,
      ...(spec.yMax !== undefined ? { max: spec.yMax } : {}),
      axisLabel: { formatter: compact, fontSize: 10 },
      splitLine: { lineStyle: { color: '#eef0f3' } },
    },
    series: [...lines, ...refs],
  };
}

/** 1500 -> `1.5k`; 0.25 -> `0.25`. */
export function compact(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
  if (a >= 1e3) return `${+(v / 1e3).toFixed(1)}k`;
  return String(+v.toFixed(2));
}

/** A chart wrapped with the data attributes tests and readers use to map t to pixels. */
export function chartFigure(spec: ChartSpec, axis: TimeAxis, svg: string, empty: boolean): string {
  const attrs = [
    `data-chart="${esc(spec.id)}"`,
    `data-x-from-t="${axis.fromT}"`,
    `data-x-to-t="${axis.toT}"`,
    `data-plot-left="${axis.left}"`,
    `data-plot-right="${axis.right}"`,
    `data-width="${axis.width}"`,
    `data-empty="${empty}"`,
  ].join(' ');
  return `<figure class="chart" ${attrs}>${svg}</figure>`;
}
