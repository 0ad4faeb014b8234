/** `scaleproof compare <run-a> <run-b>`: how the headline metrics moved; exit 1 on a regression. */
import type { CommandContext } from './context.js';
import { ExitCode } from '../errors.js';
import { compareMetrics } from '../audit/compare.js';
import { readRun } from '../audit/history.js';
import { renderComparisonMarkdown, renderComparisonText } from '../audit/render.js';
import { loadTolerances } from './tolerances.js';

export async function compareCommand(baseDir: string, currentDir: string, opts: { format: string; suite?: string }, cx: CommandContext): Promise<number> {
  const tolerances = loadTolerances(opts.suite);
  const comparison = compareMetrics(readRun(baseDir), readRun(currentDir), tolerances);
  cx.stdout.write(opts.format === 'markdown' ? renderComparisonMarkdown(comparison) : renderComparisonText(comparison));
  return comparison.regression ? ExitCode.targetFailed : ExitCode.ok;
}
