/** `scaleproof compare <run-a> <run-b>`: how the headline metrics moved; exit 1 on a regression. */
import type { CommandContext } from './context.js';
import { ExitCode, ScaleproofError, UsageError } from '../errors.js';
import { compareMetrics } from '../audit/compare.js';
import { readRun } from '../audit/history.js';
import { renderComparisonMarkdown, renderComparisonText } from '../audit/render.js';
import { loadTolerances } from './tolerances.js';

export async function compareCommand(baseDir: string, currentDir: string, opts: { format: string; suite?: string }, cx: CommandContext): Promise<number> {
  const tolerances = loadTolerances(opts.suite);
  const comparison = compareMetrics(readRunFolder(baseDir), readRunFolder(currentDir), tolerances);
  cx.stdout.write(opts.format === 'markdown' ? renderComparisonMarkdown(comparison) : renderComparisonText(comparison));
  return comparison.regression ? ExitCode.targetFailed : ExitCode.ok;
}

/** A run folder's metrics; a folder that is not a run is bad input (exit 2), not a crash. */
function readRunFolder(dir: string): ReturnType<typeof readRun> {
  try {
    return readRun(dir);
  } catch (err) {
    if (err instanceof ScaleproofError) throw err;
    throw new UsageError(`${dir} is not a scaleproof run folder: ${(err as Error).message}`, 'give a folder written by `scaleproof run` (it holds report.json and timeline.ndjson)');
  }
}
