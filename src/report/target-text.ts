/** Plain-text description of a target and its scaling configuration, for `check` and `run`. */
import type { PlatformSample, TargetDescription } from '../provider.js';
import { formatDuration } from '../units.js';

/** '%' sticks to the number ("60%"); a word gets a space ("48 requests per instance"). */
function unitText(unit: string): string {
  return unit === '' || unit === '%' || unit.startsWith(' ') ? unit : ` ${unit}`;
}

export function describeTarget(d: TargetDescription, warnings: readonly string[], samples: readonly PlatformSample[] = []): string {
  const s = d.scaling;
  const lines = [`target: ${d.summary}`];
  const range = s.minReplicas !== undefined || s.maxReplicas !== undefined ? `${s.minReplicas ?? '?'}..${s.maxReplicas ?? '?'} replicas` : 'replica range unknown';
  lines.push(`scaling: ${range}`);
  for (const r of s.rules) lines.push(`  rule: ${r.metric} target ${r.target}${unitText(r.unit)}${r.description ? ` (${r.description})` : ''}`);
  const timings = Object.entries(s.timings);
  if (timings.length) lines.push(`  timings: ${timings.map(([k, v]) => `${k} ${formatDuration(v)}`).join(', ')}`);
  const now = samples.find((x) => x.desired !== undefined || x.ready !== undefined);
  if (now) lines.push(`now: desired ${now.desired ?? '?'}, ready ${now.ready ?? '?'}${now.pending ? `, pending ${now.pending}` : ''}${now.cpuPct !== undefined ? `, cpu ${now.cpuPct.toFixed(0)}%` : ''}`);
  for (const w of warnings) lines.push(`warning: ${w}`);
  return `${lines.join('\n')}\n`;
}
