/** `scaleproof history <folder>`: every run in a history folder as a trend; exit 1 when the latest regressed. */
import type { CommandContext } from './context.js';
import { ExitCode } from '../errors.js';
import { readHistory } from '../audit/history.js';
import { renderTrendMarkdown, renderTrendText } from '../audit/render.js';
import { buildTrend } from '../audit/trend.js';
import { loadTolerances } from './tolerances.js';

export async function historyCommand(dir: string, opts: { format: string; suite?: string }, cx: CommandContext): Promise<number> {
  const history = readHistory(dir);
  for (const s of history.skipped) cx.stderr.write(`note: skipped ${s.dir}: ${s.reason}\n`);
  const trend = buildTrend(history.runs, loadTolerances(opts.suite));
  cx.stdout.write(opts.format === 'markdown' ? renderTrendMarkdown(trend) : renderTrendText(trend));
  return trend.regression ? ExitCode.targetFailed : ExitCode.ok;
}
