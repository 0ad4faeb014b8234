/**
 * `scaleproof run <profile>`: validate the profile, run it, write reports, print the verdict.
 * Exit 0 every target met, 1 a target failed (or could not be measured), 2 bad input,
 * 3 the run could not complete, 130/143 interrupted by SIGINT/SIGTERM.
 */
import type { CommandContext } from './context.js';
import { createProvider, readProfile } from './context.js';
import { ExitCode } from '../errors.js';
import { Progress } from '../run/progress.js';
import { runValidation } from '../run/run-validation.js';
import { describeTarget } from '../report/target-text.js';
import { writeReports } from '../report/write-reports.js';
import { VERSION } from '../version.js';

export interface RunCommandOptions {
  out: string;
  progress: boolean;
}

export async function runCommand(file: string, options: RunCommandOptions, cx: CommandContext): Promise<number> {
  const profile = await readProfile(file, cx);
  const { runLoad } = await import('../load/engine.js');

  const controller = new AbortController();
  let signalExit: number | null = null;
  const onSignal = (name: 'SIGINT' | 'SIGTERM') => () => {
    if (signalExit !== null) {
      // A second signal: the user wants out now.
      cx.stderr.write('\nsecond interrupt: exiting now\n');
      process.exit(signalExit);
    }
    signalExit = name === 'SIGINT' ? ExitCode.interrupted : ExitCode.terminated;
    cx.stderr.write(`\n${name}: stopping the load, finishing in-flight requests and writing reports (again to exit now)\n`);
    controller.abort(new Error(`interrupted by ${name}`));
  };
  const sigint = onSignal('SIGINT');
  const sigterm = onSignal('SIGTERM');
  process.on('SIGINT', sigint);
  process.on('SIGTERM', sigterm);

  const isTTY = Boolean(cx.stderr.isTTY);
  const progress = new Progress({ stream: cx.stderr, isTTY });
  progress.setStageCount(profile.load?.stages.length ?? 0);
  try {
    cx.stderr.write(`scaleproof ${VERSION}: running ${file}\n`);
    const outcome = await runValidation(
      {
        profile,
        profilePath: file,
        outDir: options.out,
        signal: controller.signal,
        ...(options.progress ? { onRecord: progress.onRecord } : {}),
        onTarget: (d, warnings) => cx.stderr.write(describeTarget(d, warnings)),
      },
      {
        clock: cx.clock,
        log: cx.log,
        env: cx.env,
        version: VERSION,
        loadEngine: runLoad,
        createProvider: (spec, ctx) => createProvider(cx, spec, ctx),
      },
    );
    progress.finish();
    const { result, files } = await writeReports(outcome.runDir);
    const { renderSummaryTable } = await import('../report/summary-table.js');
    cx.stdout.write(renderSummaryTable(result, { runDir: outcome.runDir, files, color: Boolean(cx.stdout.isTTY) && !cx.env.NO_COLOR }));
    if (outcome.status === 'interrupted') return signalExit ?? ExitCode.interrupted;
    if (outcome.status === 'failed') {
      cx.stderr.write(`error: the run could not complete: ${outcome.reason}\n`);
      return ExitCode.runFailed;
    }
    return result.verdict === 'pass' ? ExitCode.ok : ExitCode.targetFailed;
  } finally {
    progress.finish();
    process.off('SIGINT', sigint);
    process.off('SIGTERM', sigterm);
  }
}
