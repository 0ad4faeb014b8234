/**
 * `scaleproof run <profile>`: validate the profile, run it, write reports, print the verdict.
 * Exit 0 every target met, 1 a target failed (or could not be measured) or the run was
 * aborted by its kill switch (`abort_when`) or `limits.max_duration`, 2 bad input, 3 the run
 * could not complete, 130/143 interrupted by SIGINT/SIGTERM.
 *
 * The first SIGINT/SIGTERM stops new arrivals, lets in-flight requests finish (a short grace),
 * writes the timeline's end record and the reports (marked interrupted). A second one exits at
 * once: the timeline writer's exit hook still flushes what is buffered with an end record, and
 * the local provider's exit hook still kills its processes.
 */
import type { CommandContext } from './context.js';
import type { LoadEngine } from '../load/types.js';
import type { Profile } from '../profile/schema.js';
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
  /** Picks another LoadEngine for this profile (a distributed run); null: the in-process engine. */
  loadEngine?: (profile: Profile) => Promise<LoadEngine | null>;
}

export async function runCommand(file: string, options: RunCommandOptions, cx: CommandContext): Promise<number> {
  const profile = await readProfile(file, cx);
  const { runLoad } = await import('../load/engine.js');
  const loadEngine = (await options.loadEngine?.(profile)) ?? runLoad;

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
        loadEngine,
        createProvider: (spec, ctx) => createProvider(cx, spec, ctx),
      },
    );
    progress.finish();
    const { result, files } = await writeReports(outcome.runDir);
    const { renderSummaryTable } = await import('../report/summary-table.js');
    cx.stdout.write(renderSummaryTable(result, { runDir: outcome.runDir, files, color: Boolean(cx.stdout.isTTY) && !cx.env.NO_COLOR }));
    if (outcome.status === 'interrupted') return signalExit ?? ExitCode.interrupted;
    if (outcome.status === 'aborted') {
      cx.stderr.write(`the run was aborted: ${outcome.reason ?? 'unknown reason'}\n`);
      return ExitCode.targetFailed;
    }
    if (outcome.status === 'failed') {
      cx.stderr.write(`error: the run could not complete: ${outcome.reason}\n`);
      return ExitCode.runFailed;
    }
    return result.verdict === 'pass' ? ExitCode.ok : ExitCode.targetFailed;
  } catch (err) {
    // Interrupted before the run folder existed (e.g. while the local platform started).
    if (signalExit !== null) {
      cx.stderr.write(`interrupted before the load started: ${err instanceof Error ? err.message : String(err)}\n`);
      return signalExit;
    }
    throw err;
  } finally {
    progress.finish();
    process.off('SIGINT', sigint);
    process.off('SIGTERM', sigterm);
  }
}
