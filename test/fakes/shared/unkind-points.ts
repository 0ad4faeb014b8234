/**
 * Unkind modes of a fake metric back end (CloudWatch, Azure Monitor, Cloud Monitoring): what a
 * real one does to a period's point between the period's end and its final value. Each fake
 * keeps its own data model and asks these functions when a point is visible and what value it
 * serves now. The modes are plain data on the fake (`fake.unkind`), set at construction or
 * changed mid-test, so a test can make exactly the periods it names unkind.
 *
 * Which documentation each mode follows is written at each fake (see test/fakes/README.md).
 */

export interface LatePoints {
  /** A late point becomes visible this long after its period ended (instead of the fake's usual delay). */
  afterMs: number;
  /** Which periods are late, by their start (epoch ms); default every period. */
  which?: (periodStartWall: number) => boolean;
}

export interface RevisedPoints {
  /** The value served first (provisional / partial), from the period's true value and the metric's name. */
  provisional: (value: number, metric: string) => number;
  /** The true value replaces the provisional one this long after the period ended. */
  correctedAfterMs: number;
  /** Which periods are revised, by their start (epoch ms); default every period. */
  which?: (periodStartWall: number) => boolean;
}

export interface UnkindPointModes {
  /** "late points": a point appears only `afterMs` after its period ended; newer points may come first. */
  latePoints?: LatePoints;
  /** "revised points": a period is first served provisional, later corrected. */
  revisedPoints?: RevisedPoints;
  /** "partial current period": the newest, still-filling period is served with its value so far. */
  partialCurrentPeriod?: boolean;
}

/** When the point of the period [startWall, endWall) first becomes visible. */
export function visibleAt(modes: UnkindPointModes, startWall: number, endWall: number, usualDelayMs: number): number {
  const late = modes.latePoints;
  return late && (late.which?.(startWall) ?? true) ? endWall + late.afterMs : endWall + usualDelayMs;
}

/** The value served at `now` for a closed period whose true value is `value`. */
export function servedValue(modes: UnkindPointModes, metric: string, startWall: number, endWall: number, value: number, now: number): number {
  const r = modes.revisedPoints;
  if (!r || !(r.which?.(startWall) ?? true) || now >= endWall + r.correctedAfterMs) return value;
  return r.provisional(value, metric);
}
