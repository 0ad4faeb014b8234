/**
 * The one time axis every chart shares: same t range, same plot left/right, same width, so a
 * given t lands on the same pixel column in every chart (and on every overlay mark).
 *
 *   0        GRID_LEFT                                   width - GRID_RIGHT   width
 *   |------------|==========================================|------------------|
 *               fromT                                      toT
 */
import type { Timeline } from '../../timeline/types.js';

export const CHART_WIDTH = 1100;
export const GRID_LEFT = 72;
export const GRID_RIGHT = 28;
export const GRID_TOP = 34;
export const GRID_BOTTOM = 30;

export interface TimeAxis {
  /** ms since run start at the left and right edge of the plot. */
  fromT: number;
  toT: number;
  width: number;
  left: number;
  right: number;
  /** Distance between labelled ticks, ms. */
  tickMs: number;
}

const NICE_TICKS_MS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400].map((s) => s * 1000);
const MAX_TICKS = 12;

/** The axis for a whole run: from 0 to the last thing on the timeline (at least 1 s). */
export function timeAxisFor(timeline: Timeline, width = CHART_WIDTH): TimeAxis {
  const toT = Math.max(1000, lastT(timeline));
  const tickMs = NICE_TICKS_MS.find((ms) => toT / ms <= MAX_TICKS) ?? Math.ceil(toT / MAX_TICKS / 86_400_000) * 86_400_000;
  return { fromT: 0, toT, width, left: GRID_LEFT, right: width - GRID_RIGHT, tickMs };
}

/** Pixel column of time t (ms since run start). */
export function xOf(axis: TimeAxis, t: number): number {
  return axis.left + ((t - axis.fromT) / (axis.toT - axis.fromT)) * (axis.right - axis.left);
}

/** Tick label: `0`, `45s`, `5m`, `1h30m`. */
export function formatAxisTime(ms: number): string {
  if (ms === 0) return '0';
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return (h ? `${h}h` : '') + (m ? `${m}m` : '') + (sec ? `${sec}s` : '') || '0';
}

function lastT(tl: Timeline): number {
  let t = tl.end?.t ?? 0;
  const lastLoad = tl.load[tl.load.length - 1];
  if (lastLoad) t = Math.max(t, lastLoad.t + lastLoad.windowMs);
  const lastSample = tl.samples[tl.samples.length - 1];
  if (lastSample) t = Math.max(t, lastSample.t);
  for (const p of tl.phases) t = Math.max(t, p.t);
  for (const s of tl.stages) t = Math.max(t, s.t);
  for (const g of tl.gaps) t = Math.max(t, g.untilT);
  return t;
}
