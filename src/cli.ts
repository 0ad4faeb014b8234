/**
 * The command line: the composition root. It is the only module that imports the provider
 * registry; commands are imported lazily so `--help` stays fast and loads no cloud SDK.
 */
import { Command, CommanderError, Option } from 'commander';
import { systemClock } from './clock.js';
import { ExitCode, ProfileError, ScaleproofError } from './errors.js';
import { stderrLogger } from './log.js';
import { providers } from '../providers/index.js';
import type { CommandContext } from './commands/context.js';
import { VERSION } from './version.js';

function context(): CommandContext {
  return { providers, clock: systemClock, log: stderrLogger(process.env), env: process.env, stdout: process.stdout, stderr: process.stderr };
}

function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('scaleproof')
    .description('Prove that a service autoscales the way you believe it does: load it, watch the platform, measure every scale-up and scale-down.')
    .version(VERSION)
    .showHelpAfterError('(run scaleproof --help for usage)')
    .exitOverride();
  const action =
    <A extends unknown[]>(fn: (...args: A) => Promise<number>) =>
    async (...args: A) => setExit(await fn(...args));

  program
    .command('run')
    .description('run a validation: apply the load, watch the platform, analyse, write reports')
    .argument('<profile>', 'profile YAML file')
    .addOption(new Option('-o, --out <dir>', 'folder for run folders').default('runs'))
    .option('--no-progress', 'no live progress line')
    .addOption(new Option('--distributed <platform>', 'send the load from agent pods (overrides distributed: in the profile; off runs it here)').choices(['kubernetes', 'off']))
    .option('--agents <n>', 'agent pods of a distributed run (overrides distributed.agents)')
    .action(
      action(async (file: string, opts: { out: string; progress: boolean; distributed?: string; agents?: string }) => {
        const cx = context();
        const { selectLoadEngine } = await import('./distributed/options.js');
        const loadEngine = (profile: Parameters<typeof selectLoadEngine>[0]) => selectLoadEngine(profile, opts, { env: cx.env, log: cx.log, version: VERSION });
        return (await import('./commands/run.js')).runCommand(file, { out: opts.out, progress: opts.progress, loadEngine }, cx);
      }),
    );

  program
    .command('agent')
    .description('run one agent of a distributed run (started by the Job a distributed run creates; see docs/distributed.md)')
    .option('--index <i>', 'this agent\'s index (default: $JOB_COMPLETION_INDEX)')
    .option('--agents <n>', 'number of agents (default: $SCALEPROOF_AGENTS)')
    .option('--config-map <name>', 'the run ConfigMap (default: $SCALEPROOF_CONFIGMAP)')
    .option('--namespace <ns>', 'its namespace (default: $SCALEPROOF_NAMESPACE)')
    .option('--kubeconfig <file>', 'kubeconfig (default: like kubectl, in-cluster in a pod)')
    .option('--context <name>', 'kubeconfig context')
    .action(action(async (opts: Record<string, string | undefined>) => (await import('./commands/agent.js')).agentCommand(opts, context())));

  program
    .command('report')
    .description('rebuild every report of a run from its timeline')
    .argument('<run-dir>', 'a run folder (runs/<time>-<name>) or its timeline.ndjson')
    .action(action(async (dir: string) => (await import('./commands/report.js')).reportCommand(dir, context())));

  program
    .command('validate')
    .description('check a profile file without running it')
    .argument('<profile>', 'profile YAML file')
    .action(action(async (file: string) => (await import('./commands/validate.js')).validateCommand(file, context())));

  program
    .command('check')
    .description('reach the platform, print its scaling configuration, warn where a target cannot be met by design')
    .argument('<profile>', 'profile YAML file')
    .action(action(async (file: string) => (await import('./commands/check.js')).checkCommand(file, context())));

  program
    .command('audit')
    .description('run the profiles of an audit suite in order, keep the runs in its history folder, flag regressions')
    .argument('<suite>', 'suite YAML file')
    .option('--no-progress', 'no live progress line')
    .action(action(async (file: string, opts: { progress: boolean }) => (await import('./commands/audit.js')).auditCommand(file, opts, context())));

  program
    .command('compare')
    .description('compare two runs: scale-up/down time, peak replicas, p95, error rate; exit 1 on a regression')
    .argument('<baseline-run>', 'run folder to compare against')
    .argument('<run>', 'run folder to judge')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'markdown']).default('text'))
    .option('--suite <suite.yaml>', 'take the regression tolerances from this audit suite')
    .action(action(async (a: string, b: string, opts: { format: string; suite?: string }) => (await import('./commands/compare.js')).compareCommand(a, b, opts, context())));

  program
    .command('history')
    .description('show how the runs in a history folder moved; exit 1 when the latest run of a profile regressed')
    .argument('<folder>', 'folder holding one run folder per run')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'markdown']).default('text'))
    .option('--suite <suite.yaml>', 'take the regression tolerances from this audit suite')
    .action(action(async (dir: string, opts: { format: string; suite?: string }) => (await import('./commands/history.js')).historyCommand(dir, opts, context())));

  program
    .command('plan')
    .description('capacity plan: instances and cost month by month for a growth scenario, from a run\'s measured capacity')
    .argument('[run-dir]', 'a run folder (or its timeline.ndjson): capacity per instance is measured from it')
    .option('--profile <file>', "take plan: and cost: from this profile (over the run's own)")
    .option('--capacity <req/s>', 'req/s one instance sustains (overrides the measured value)')
    .option('--peak-users <n>', 'peak concurrent users')
    .option('--requests-per-user <n>', 'requests per user per minute')
    .option('--growth <pct>', 'monthly growth, 5% or 0.05')
    .option('--months <n>', 'months to plan (default 12)')
    .option('--buffer <pct>', 'headroom (default 20%)')
    .option('--price <amount>', 'price per instance-hour')
    .option('--currency <code>', 'currency of the price')
    .option('--hours-per-month <h>', 'hours billed per month (default 730)')
    .option('--min-instances <n>', 'fewest instances (default 1)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'markdown', 'json']).default('text'))
    .action(action(async (runDir: string | undefined, opts: Record<string, string>) => (await import('./commands/plan.js')).planCommand({ ...opts, runDir }, context())));

  program.addHelpText(
    'after',
    `\nProviders: ${Object.keys(providers).sort().join(', ')}\nExit codes: 0 targets met, 1 a target failed or the run was aborted (abort_when, limits.max_duration), 2 bad input, 3 run could not complete, 130/143 interrupted`,
  );
  return program;
}

/** Prints an error the way a user can act on it: message and hint, no stack trace. */
function report(err: unknown): number {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return ExitCode.ok;
    return ExitCode.badInput; // commander already printed the message
  }
  if (err instanceof ProfileError) {
    process.stderr.write(`${err.message}\n`);
    return err.exitCode;
  }
  if (err instanceof ScaleproofError) {
    process.stderr.write(`error: ${err.message}\n${err.hint ? `hint: ${err.hint}\n` : ''}`);
    if (process.env.SCALEPROOF_DEBUG === '1' && err.cause) process.stderr.write(`cause: ${String((err.cause as Error).stack ?? err.cause)}\n`);
    return err.exitCode;
  }
  process.stderr.write(`internal error: ${err instanceof Error ? err.message : String(err)}\n`);
  process.stderr.write(process.env.SCALEPROOF_DEBUG === '1' && err instanceof Error ? `${err.stack}\n` : 'this is a bug in scaleproof; rerun with SCALEPROOF_DEBUG=1 for details and report it\n');
  return ExitCode.runFailed;
}

async function main(argv: string[]): Promise<number> {
  let code: number = ExitCode.ok;
  try {
    await buildProgram((c) => (code = c)).parseAsync(argv);
  } catch (err) {
    code = report(err);
  }
  return code;
}

const code = await main(process.argv);
// Let stdout drain, then exit with the code: open handles (sockets in TIME_WAIT, timers) must not keep us alive.
process.stdout.write('', () => process.exit(code));
