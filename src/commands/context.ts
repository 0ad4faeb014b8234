/** What every command gets from the composition root (src/cli.ts): IO, clock and the registry. */
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import { UsageError } from '../errors.js';
import type { Profile } from '../profile/schema.js';
import type { Provider, ProviderContext, ProviderEntry } from '../provider.js';

export interface CommandContext {
  providers: Readonly<Record<string, ProviderEntry>>;
  clock: Clock;
  log: Logger;
  env: Readonly<Record<string, string | undefined>>;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

/** Loads and validates a profile, checking provider settings against that provider's schema. */
export async function readProfile(file: string, cx: CommandContext): Promise<Profile> {
  const { loadProfile } = await import('../profile/load-profile.js');
  return loadProfile(file, {
    providerNames: Object.keys(cx.providers).sort(),
    providerSettings: async (name) => cx.providers[name]?.settings(),
  });
}

export async function createProvider(cx: CommandContext, spec: NonNullable<Profile['provider']>, ctx: ProviderContext): Promise<Provider> {
  const entry = cx.providers[spec.name];
  if (!entry) throw new UsageError(`unknown provider "${spec.name}"`, `use one of: ${Object.keys(cx.providers).sort().join(', ')}`);
  const factory = await entry.load();
  // Settings were validated when the profile was read; parse again to get defaults applied.
  const settings = (await entry.settings()).parse(spec.settings);
  return factory(settings, ctx);
}
