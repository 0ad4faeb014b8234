/** Wording of numbers in insight sections. `n/a` stands for null (not measurable). */
import { formatDuration, formatPercent, round } from '../units.js';

export const NA = 'n/a';

export const num = (v: number | null, digits = 1): string => (v === null || !Number.isFinite(v) ? NA : String(round(v, digits)));
export const rate = (v: number | null): string => (v === null ? NA : `${num(v)} req/s`);
export const dur = (v: number | null): string => (v === null ? NA : formatDuration(v));
export const frac = (v: number | null): string => (v === null ? NA : formatPercent(v));
export const pctPoints = (v: number | null): string => (v === null ? NA : `${num(v)}%`);
export const money = (v: number | null, currency: string | null): string => (v === null ? NA : `${v < 1 ? v.toPrecision(3) : v.toFixed(2)}${currency ? ` ${currency}` : ''}`);
export const at = (t: number | null): string => (t === null ? NA : `t=${formatDuration(t)}`);
export const yesNo = (v: boolean | null): string => (v === null ? NA : v ? 'yes' : 'no');
