/** The plan as plain text or markdown: inputs with their source, then one row per month. */
import type { Plan, Sourced } from './types.js';

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const money = (n: number | null, currency: string | null): string => (n === null ? 'n/a' : `${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}${currency ? ` ${currency}` : ''}`);
const pct = (f: number): string => `${Math.round(f * 10000) / 100}%`;

function inputLines(plan: Plan): string[] {
  const i = plan.inputs;
  const src = (s: Sourced<unknown>) => (s.source === 'measured' ? `measured${s.detail ? `: ${s.detail}` : ''}` : `assumed (${s.source})`);
  const lines = [
    `capacity per instance: ${Math.round(i.capacityPerInstance.value * 10) / 10} req/s - ${src(i.capacityPerInstance)}`,
    `peak users now: ${int(i.peakUsers.value)} - ${src(i.peakUsers)}`,
    `requests per user per minute: ${i.requestsPerUserPerMinute.value} - ${src(i.requestsPerUserPerMinute)}`,
    `monthly growth: ${pct(i.monthlyGrowth.value)} - ${src(i.monthlyGrowth)}`,
    `buffer: ${pct(i.buffer.value)} - ${src(i.buffer)}`,
    `min instances: ${i.minInstances.value} - ${src(i.minInstances)}`,
  ];
  if (i.pricePerInstanceHour) lines.push(`price per instance-hour: ${money(i.pricePerInstanceHour.value, i.currency)} - ${src(i.pricePerInstanceHour)}, ${i.hoursPerMonth.value} h per month - ${src(i.hoursPerMonth)}`);
  return lines;
}

const HEAD = ['month', 'peak users', 'req/s', 'instances', 'with buffer', 'cost / month'];

function rows(plan: Plan): string[][] {
  return plan.rows.map((r) => [String(r.month), int(r.peakUsers), int(r.requiredRate), String(r.instances), String(r.instancesWithBuffer), money(r.costPerMonth, plan.inputs.currency)]);
}

const RULE = 'rounding: req/s = ceil(users * req per minute / 60); instances = ceil(req/s / capacity); with buffer = ceil(instances * (1 + buffer)); never below min instances';

export function renderPlanText(plan: Plan): string {
  const table = [HEAD, ...rows(plan)];
  const widths = HEAD.map((_, c) => Math.max(...table.map((r) => r[c]!.length)));
  const lines = [
    'CAPACITY PLAN',
    '',
    ...inputLines(plan).map((l) => `  ${l}`),
    '',
    ...table.map((r) => `  ${r.map((v, c) => v.padStart(widths[c]!)).join('  ')}`),
    '',
    `  measured: ${plan.measured.join(', ') || 'nothing (every input is assumed)'}`,
    `  assumed: ${plan.assumed.join(', ') || 'nothing'}`,
    `  ${RULE}`,
    ...plan.notes.map((n) => `  note: ${n}`),
  ];
  return `${lines.join('\n')}\n`;
}

export function renderPlanMarkdown(plan: Plan): string {
  const lines = [
    '## Capacity plan',
    '',
    ...inputLines(plan).map((l) => `- ${l}`),
    '',
    `| ${HEAD.join(' | ')} |`,
    `|${HEAD.map(() => ' ---: ').join('|')}|`,
    ...rows(plan).map((r) => `| ${r.join(' | ')} |`),
    '',
    `Measured: ${plan.measured.join(', ') || 'nothing (every input is assumed)'}. Assumed: ${plan.assumed.join(', ') || 'nothing'}.`,
    '',
    `_${RULE}_`,
    '',
    ...plan.notes.map((n) => `> ${n}`),
  ];
  return `${lines.join('\n').trimEnd()}\n`;
}
