/**
 * `scaleproof plan [run-dir]`: instances and cost month by month for a growth scenario.
 * Capacity per instance comes from the run (measured) unless --capacity gives it; the growth
 * scenario comes from flags, else the profile's `plan:` / `cost:` (the run's own profile, or
 * --profile), else defaults. The output says which inputs were measured and which assumed.
 */
import type { CommandContext } from './context.js';
import { readProfile } from './context.js';
import { ExitCode, UsageError } from '../errors.js';
import type { Profile } from '../profile/schema.js';
import { parsePlanArgs, type PlanArgs } from '../plan/args.js';
import { resolvePlanInputs, type MeasuredCapacity } from '../plan/inputs.js';
import { planCapacity } from '../plan/plan.js';
import { renderPlanMarkdown, renderPlanText } from '../plan/render.js';

export interface PlanCommandArgs extends PlanArgs {
  /** A run folder or its timeline.ndjson: capacity per replica is measured from it. */
  runDir?: string;
  /** A profile whose plan: / cost: keys supply the scenario (over the run's own profile). */
  profile?: string;
  format?: 'text' | 'markdown' | 'json';
}

export async function planCommand(args: PlanCommandArgs, cx: CommandContext): Promise<number> {
  const format = args.format ?? 'text';
  if (!['text', 'markdown', 'json'].includes(format)) throw new UsageError(`--format must be text, markdown or json (got ${format})`);
  const flags = parsePlanArgs(args);
  let profile: Pick<Profile, 'plan' | 'cost'> | null = null;
  let measured: MeasuredCapacity | null = null;
  if (args.runDir) {
    const run = await fromRun(args.runDir, flags.capacity === undefined);
    profile = run.profile;
    measured = run.measured;
  }
  if (args.profile) {
    const p = await readProfile(args.profile, cx);
    profile = { plan: p.plan ?? profile?.plan, cost: p.cost ?? profile?.cost };
  }
  const resolved = resolvePlanInputs(flags, profile, measured);
  if (!resolved.inputs) throw new UsageError(`missing plan inputs:\n- ${resolved.missing.join('\n- ')}`, 'scaleproof plan <run-dir> --peak-users 10000 --requests-per-user 10 --growth 5% --months 12 --buffer 20% --price 0.05');
  const plan = planCapacity(resolved.inputs);
  cx.stdout.write(format === 'json' ? `${JSON.stringify(plan, null, 2)}\n` : format === 'markdown' ? renderPlanMarkdown(plan) : renderPlanText(plan));
  return ExitCode.ok;
}

async function fromRun(runDir: string, needCapacity: boolean): Promise<{ profile: Profile; measured: MeasuredCapacity | null }> {
  const { readTimeline } = await import('../timeline/reader.js');
  const { analyze } = await import('../analysis/index.js');
  const { capacityPerReplica } = await import('../insights/capacity.js');
  const timeline = readTimeline(runDir);
  const capacity = capacityPerReplica(timeline, analyze(timeline));
  if (capacity.perReplica === null || capacity.perReplica <= 0) {
    if (needCapacity) throw new UsageError(`${runDir}: the run did not measure capacity per replica (${capacity.notes.join('; ') || 'no usable data'})`, 'give it with --capacity <req/s per instance>');
    return { profile: timeline.header.profile, measured: null };
  }
  const ci = capacity.cpuFit?.ci95 && capacity.basis === 'cpu-target' ? `, 95% interval ${capacity.cpuFit.ci95.map((v) => v.toFixed(1)).join(' to ')} req/s` : '';
  const bound = capacity.kind === 'lower-bound' ? ', a lower bound' : '';
  const detail = `${runDir}: ${capacity.basis} over ${capacity.intervals} stable intervals${ci}${bound}`;
  return { profile: timeline.header.profile, measured: { perReplica: capacity.perReplica, detail } };
}
