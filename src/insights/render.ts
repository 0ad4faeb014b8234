/** Insights as a markdown section (`## Insights`) or plain text, from the same sections. */
import { insightSections, type Section } from './sections.js';
import type { Insights } from './types.js';

export function renderInsightsMarkdown(insights: Insights): string {
  const out = ['## Insights', ''];
  for (const s of insightSections(insights)) {
    out.push(`### ${s.title}`, '', ...s.facts.map((f) => `- ${f}`), '');
    if (s.table) {
      const cell = (v: string) => v.replace(/\|/g, '\\|');
      out.push(`| ${s.table.head.map(cell).join(' | ')} |`, `|${s.table.head.map(() => ' --- ').join('|')}|`, ...s.table.rows.map((r) => `| ${r.map(cell).join(' | ')} |`), '');
    }
    if (s.notes.length) out.push(...s.notes.map((n) => `> ${n}`), '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

export function renderInsightsText(insights: Insights): string {
  const out = ['INSIGHTS'];
  for (const s of insightSections(insights)) {
    out.push('', s.title, ...s.facts.map((f) => `  ${f}`));
    if (s.table) out.push('', ...table(s).map((l) => `  ${l}`));
    if (s.notes.length) out.push(...s.notes.map((n) => `  note: ${n}`));
  }
  return `${out.join('\n')}\n`;
}

function table(s: Section): string[] {
  const rows = [s.table!.head, ...s.table!.rows];
  const widths = s.table!.head.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd());
}
