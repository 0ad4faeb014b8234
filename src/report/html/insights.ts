/** The insights (test-type report, capacity, right-sizing, cost) as HTML, from the shared sections. */
import { insightSections } from '../../insights/sections.js';
import type { Insights } from '../../insights/types.js';
import { esc } from './escape.js';

export function insightsHtml(insights: Insights): string {
  const parts = ['<h2>Insights</h2>'];
  for (const s of insightSections(insights)) {
    parts.push(`<h3>${esc(s.title)}</h3>`);
    if (s.facts.length) parts.push(`<ul>${s.facts.map((f) => `<li>${esc(f)}</li>`).join('')}</ul>`);
    if (s.table) {
      const head = s.table.head.map((h) => `<th>${esc(h)}</th>`).join('');
      const rows = s.table.rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('');
      parts.push(`<table><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>`);
    }
    if (s.notes.length) parts.push(`<ul class="notes">${s.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`);
  }
  return parts.join('\n');
}
