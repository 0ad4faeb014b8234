/** `scaleproof report <run-dir>`: rebuild every report from the timeline alone. */
import type { CommandContext } from './context.js';
import { ExitCode } from '../errors.js';
import { writeReports } from '../report/write-reports.js';

export async function reportCommand(runDir: string, cx: CommandContext): Promise<number> {
  const { result, files, skippedLines } = await writeReports(runDir);
  if (skippedLines > 0) cx.stderr.write(`note: ${skippedLines} unreadable timeline line${skippedLines === 1 ? '' : 's'} skipped (a run killed mid-write leaves a torn last line)\n`);
  const { renderSummaryTable } = await import('../report/summary-table.js');
  cx.stdout.write(renderSummaryTable(result, { runDir, files, color: Boolean(cx.stdout.isTTY) && !cx.env.NO_COLOR }));
  return result.verdict === 'pass' ? ExitCode.ok : ExitCode.targetFailed;
}
