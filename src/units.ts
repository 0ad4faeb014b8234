/**
 * Human units used in profiles: durations like `90s`, `5m`, `1m30s`, `250ms`, `1h`;
 * percentages like `1%` or a fraction `0.01`; sizes like `256MiB`.
 * Pure functions: they return null instead of throwing so the schema can word the error.
 */

const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
const DURATION_WHOLE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `1m30s` -> 90000. Returns null for anything that is not a duration with units. */
export function parseDurationMs(text: string): number | null {
  const s = text.trim();
  if (!DURATION_WHOLE.test(s)) return null;
  let total = 0;
  for (const m of s.matchAll(DURATION_PART)) total += Number(m[1]) * UNIT_MS[m[2]!]!;
  return total;
}

/** 90000 -> `1m30s`; 250 -> `250ms`; 1500 -> `1.5s`. For messages and reports. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const sign = ms < 0 ? '-' : '';
  const a = Math.abs(ms);
  if (a < 1000) return `${sign}${round(a, a < 10 ? 2 : 0)}ms`;
  if (a < 60_000) return `${sign}${round(a / 1000, 1)}s`;
  const h = Math.floor(a / 3_600_000);
  const m = Math.floor((a % 3_600_000) / 60_000);
  const s = Math.round((a % 60_000) / 1000);
  return sign + (h ? `${h}h` : '') + (m ? `${m}m` : '') + (s ? `${s}s` : '') || '0s';
}

/** `1%` -> 0.01, `0.01` -> 0.01, `70%` -> 0.7. Numbers are fractions and must lie in [0, 1]. */
export function parseFraction(value: string | number): number | null {
  if (typeof value === 'number') return value >= 0 && value <= 1 ? value : null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(value);
  if (!m) return null;
  const pct = Number(m[1]);
  return pct <= 100 ? pct / 100 : null;
}

export function formatPercent(fraction: number, digits = 2): string {
  return `${round(fraction * 100, digits)}%`;
}

const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };

/** `256MiB` -> bytes. */
export function parseBytes(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmg]i?b|b)\s*$/i.exec(text);
  if (!m) return null;
  return Number(m[1]) * SIZE_UNITS[m[2]!.toLowerCase()]!;
}

export function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
