/**
 * `scaleproof check <profile>`: reach the platform with the user's credentials, print what it is
 * configured to do, and warn where a target cannot be met by design. No load is applied.
 */
import type { CommandContext } from './context.js';
import { createProvider, readProfile } from './context.js';
import { UsageError } from '../errors.js';
import { designWarnings } from '../run/design-warnings.js';
import { describeTarget } from '../report/target-text.js';

export async function checkCommand(file: string, cx: CommandContext): Promise<number> {
  const profile = await readProfile(file, cx);
  if (!profile.provider) throw new UsageError(`${file} has no provider: nothing to check`, 'add a provider section, or use `scaleproof validate` for a plain load profile');
  const provider = await createProvider(cx, profile.provider, { clock: cx.clock, log: cx.log, env: cx.env });
  try {
    const signal = AbortSignal.timeout(60_000);
    const description = await provider.describe(signal);
    const samples = await provider.sample(signal);
    const warnings = [...description.warnings, ...designWarnings(profile.targets, description.scaling)];
    cx.stdout.write(describeTarget(description, warnings, samples));
    return 0;
  } finally {
    await provider.close();
  }
}
