import type { CommandContext } from './context.js';
import { readProfile } from './context.js';
import { formatDuration } from '../units.js';

/** `scaleproof validate <profile>`: exit 0 and a one-paragraph summary when the profile is valid. */
export async function validateCommand(file: string, cx: CommandContext): Promise<number> {
  const profile = await readProfile(file, cx);
  const load = profile.load;
  const lines = [`${file}: valid`];
  if (profile.provider) lines.push(`  provider: ${profile.provider.name}, polled every ${formatDuration(profile.provider.poll_interval)}`);
  if (load) {
    const total = load.stages.reduce((a, s) => a + s.duration, 0);
    const peak = Math.max(load.start, ...load.stages.map((s) => s.rate ?? s.vus ?? 0));
    const unit = load.model === 'open' ? 'req/s' : 'virtual users';
    lines.push(`  load: ${load.model} model, ${load.stages.length} stage${load.stages.length === 1 ? '' : 's'} over ${formatDuration(total)}, peak ${peak} ${unit}, ${load.requests.length} request${load.requests.length === 1 ? '' : 's'}`);
  }
  if (profile.observe_after) lines.push(`  observe after load: ${formatDuration(profile.observe_after)}`);
  const targets = Object.keys(profile.targets).filter((k) => profile.targets[k as keyof typeof profile.targets] !== undefined);
  lines.push(`  targets: ${targets.length ? targets.join(', ') : 'none'}`);
  cx.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
