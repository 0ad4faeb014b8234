/**
 * Marks drawn over the ECharts plot in the same pixel space: stage boundaries, scaling events,
 * gaps, and the scale-up/scale-down spans. Each carries data attributes with its t values so
 * a reader (or a test) can check it sits where its time says.
 */
import type { Timeline } from '../../timeline/types.js';
import { formatDuration } from '../../units.js';
import type { PlotBox } from './chart.js';
import { esc, px } from './escape.js';
import type { ScalingSpan } from './spans.js';
import { xOf, type TimeAxis } from './time-axis.js';

const SPAN_COLORS = { 'scale-up': { decide: '#f59e0b', provision: '#16a34a' }, 'scale-down': { decide: '#8b5cf6', provision: '#0ea5e9' } } as const;
const LANE_PX = 12;

const inRange = (axis: TimeAxis, t: number) => t >= axis.fromT && t <= axis.toT;

/** Stage boundaries, phase changes, gaps and platform events, for every chart. */
export function timelineMarks(timeline: Timeline, axis: TimeAxis, plot: PlotBox, labels: boolean): string {
  const out: string[] = [];
  for (const g of timeline.gaps) {
    const x1 = xOf(axis, Math.max(axis.fromT, g.t));
    const x2 = xOf(axis, Math.min(axis.toT, g.untilT));
    out.push(`<rect data-marker="gap" data-t="${g.t}" data-until-t="${g.untilT}" x="${px(x1)}" y="${plot.top}" width="${px(Math.max(1, x2 - x1))}" height="${plot.bottom - plot.top}" fill="#9ca3af" fill-opacity="0.18"><title>no platform data: ${esc(g.reason)}</title></rect>`);
  }
  const labelled = new Set<number>();
  for (const s of timeline.stages) {
    if (!inRange(axis, s.t)) continue;
    const x = px(xOf(axis, s.t));
    const name = s.name === 'load-end' ? 'load end' : s.name ?? `stage ${s.index + 1}`;
    out.push(`<line data-marker="stage" data-t="${s.t}" x1="${x}" x2="${x}" y1="${plot.top}" y2="${plot.bottom}" stroke="#64748b" stroke-width="1" stroke-dasharray="3 3"><title>${esc(name)}: ${s.from} → ${s.to} over ${esc(formatDuration(s.durationMs))}</title></line>`);
    if (labels && !labelled.has(s.t)) out.push(`<text x="${px(xOf(axis, s.t) + 3)}" y="${plot.bottom - 4}" font-size="9" fill="#64748b">${esc(name)}</text>`);
    labelled.add(s.t);
  }
  for (const p of timeline.phases) {
    if (p.phase !== 'observe' || !inRange(axis, p.t)) continue;
    const x = px(xOf(axis, p.t));
    out.push(`<line data-marker="phase" data-t="${p.t}" x1="${x}" x2="${x}" y1="${plot.top}" y2="${plot.bottom}" stroke="#334155" stroke-width="1.2"><title>observe (load stopped)</title></line>`);
  }
  for (const e of timeline.events) {
    if (!inRange(axis, e.t)) continue;
    const x = xOf(axis, e.t);
    const y = plot.top + 1;
    const shape =
      e.type === 'scale-up' ? `M${px(x - 4)} ${y + 7}L${px(x + 4)} ${y + 7}L${px(x)} ${y}Z`
      : e.type === 'scale-down' ? `M${px(x - 4)} ${y}L${px(x + 4)} ${y}L${px(x)} ${y + 7}Z`
      : `M${px(x - 2)} ${y}L${px(x + 2)} ${y}L${px(x + 2)} ${y + 4}L${px(x - 2)} ${y + 4}Z`;
    const color = e.type === 'scale-up' ? '#dc2626' : e.type === 'scale-down' ? '#2563eb' : e.type === 'warning' ? '#d97706' : '#6b7280';
    const change = e.from !== undefined && e.to !== undefined ? ` (${e.from} → ${e.to})` : '';
    out.push(`<path data-marker="event" data-event-type="${esc(e.type)}" data-t="${e.t}" d="${shape}" fill="${color}"><title>${esc(formatDuration(e.t))} ${esc(e.type)}${esc(change)}: ${esc(e.message)}</title></path>`);
  }
  return out.join('');
}

/** The scale-up/scale-down spans: translucent phase bands plus a labelled lane at the top. */
export function spanMarks(spans: readonly ScalingSpan[], axis: TimeAxis, plot: PlotBox): string {
  return spans.map((s) => spanMark(s, axis, plot)).join('');
}

function spanMark(s: ScalingSpan, axis: TimeAxis, plot: PlotBox): string {
  const colors = SPAN_COLORS[s.kind];
  const laneY = plot.top + 10;
  const band = (phase: string, fromT: number, toT: number, color: string, opacity: number) => {
    const a = Math.max(axis.fromT, Math.min(fromT, toT));
    const b = Math.min(axis.toT, Math.max(fromT, toT));
    const x = xOf(axis, a);
    const w = Math.max(1, xOf(axis, b) - x);
    return (
      `<rect data-phase="${phase}" data-phase-start-t="${fromT}" data-phase-end-t="${toT}" x="${px(x)}" y="${plot.top}" width="${px(w)}" height="${plot.bottom - plot.top}" fill="${color}" fill-opacity="${opacity}"></rect>` +
      `<rect data-lane="${phase}" x="${px(x)}" y="${laneY}" width="${px(w)}" height="${LANE_PX}" fill="${color}" fill-opacity="0.85"></rect>`
    );
  };
  const parts: string[] = [];
  const decidedT = s.decided.atT;
  if (decidedT === null) parts.push(band('open', s.startT, s.endT, '#9ca3af', 0.08));
  else {
    parts.push(band('decide', s.startT, decidedT, colors.decide, 0.1));
    parts.push(band('provision', decidedT, s.endT, colors.provision, 0.1));
    if (s.decided.marginMs > 0) parts.push(marginMark(axis, laneY, decidedT, s.decided.marginMs));
    if (s.ready.atT !== null && s.ready.marginMs > 0) parts.push(marginMark(axis, laneY, s.ready.atT, s.ready.marginMs));
  }
  // Replicas that stopped receiving traffic but still existed (draining, idle, terminating) until gone.
  if (s.gone?.atT != null && s.ready.atT !== null && s.gone.atT > s.ready.atT) {
    parts.push(band('linger', s.ready.atT, s.gone.atT, '#94a3b8', 0.1));
    if (s.gone.marginMs > 0) parts.push(marginMark(axis, laneY, s.gone.atT, s.gone.marginMs));
  }
  const label = spanLabel(s);
  const xStart = xOf(axis, Math.max(axis.fromT, s.startT));
  parts.push(`<text x="${px(xStart + 2)}" y="${laneY + LANE_PX + 10}" font-size="10" font-weight="bold" fill="#111827">${esc(label)}</text>`);
  const attrs = [
    `data-span="${s.kind}"`,
    `data-span-index="${s.index}"`,
    `data-span-start-t="${s.startT}"`,
    `data-span-decided-t="${decidedT ?? ''}"`,
    `data-span-end-t="${s.endT}"`,
    `data-span-value-ms="${s.ready.valueMs ?? ''}"`,
    `data-span-margin-ms="${s.ready.marginMs}"`,
    `data-outcome="${s.outcome}"`,
    ...(s.gone ? [`data-span-gone-t="${s.gone.atT ?? ''}"`, `data-span-gone-value-ms="${s.gone.valueMs ?? ''}"`, `data-span-gone-margin-ms="${s.gone.marginMs}"`] : []),
  ].join(' ');
  return `<g ${attrs}><title>${esc(spanTitle(s))}</title>${parts.join('')}</g>`;
}

/** The window in which a milestone really happened: [atT - margin, atT], hatched on the lane. */
function marginMark(axis: TimeAxis, laneY: number, atT: number, marginMs: number): string {
  const x1 = xOf(axis, Math.max(axis.fromT, atT - marginMs));
  const x2 = xOf(axis, Math.min(axis.toT, atT));
  return `<rect data-phase="margin" data-phase-start-t="${atT - marginMs}" data-phase-end-t="${atT}" x="${px(x1)}" y="${laneY - 3}" width="${px(Math.max(1, x2 - x1))}" height="${LANE_PX + 6}" fill="none" stroke="#111827" stroke-width="0.8" stroke-dasharray="2 1"></rect>`;
}

function spanLabel(s: ScalingSpan): string {
  const arrow = s.kind === 'scale-up' ? '↑' : '↓';
  if (s.ready.valueMs !== null) return `${arrow} ${formatDuration(s.ready.valueMs)}${s.ready.marginMs ? ` (−${formatDuration(s.ready.marginMs)})` : ''}`;
  return `${arrow} ${s.outcome}`;
}

function spanTitle(s: ScalingSpan): string {
  const what = `${s.kind} #${s.index + 1}: load ${s.fromLevel} → ${s.toLevel} at ${formatDuration(s.startT)}`;
  const decided = s.decided.valueMs !== null ? `first desired change after ${formatDuration(s.decided.valueMs)}` : 'no desired change seen';
  const word = s.kind === 'scale-down' ? 'stopped receiving traffic' : 'ready';
  const ready = s.ready.valueMs !== null ? `${word} after ${formatDuration(s.ready.valueMs)} (true value up to ${formatDuration(s.ready.marginMs)} earlier)` : `${word} never seen (${s.outcome})`;
  const gone = !s.gone ? '' : s.gone.valueMs !== null ? `; gone after ${formatDuration(s.gone.valueMs)} (up to ${formatDuration(s.gone.marginMs)} earlier)` : '; gone never seen';
  return `${what}; ${decided}; ${ready}${gone}`;
}
