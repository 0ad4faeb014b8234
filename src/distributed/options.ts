/**
 * Whether a run is distributed, from the profile's `distributed:` section and the command line
 * (`--distributed kubernetes|off`, `--agents N`, which win), and the LoadEngine that runs it.
 */
import { UsageError } from '../errors.js';
import type { Logger } from '../log.js';
import type { LoadEngine } from '../load/types.js';
import type { Profile } from '../profile/schema.js';
import { distributedSchema, type DistributedSpec } from './settings.js';

export interface DistributedCliOptions {
  distributed?: string;
  agents?: string;
}

export function resolveDistributed(profile: Pick<Profile, 'distributed' | 'load'>, cli: DistributedCliOptions): DistributedSpec | null {
  if (cli.distributed !== undefined && cli.distributed !== 'kubernetes' && cli.distributed !== 'off') {
    throw new UsageError(`--distributed ${cli.distributed}: unknown platform`, 'use --distributed kubernetes, or --distributed off to run a distributed profile in this process');
  }
  if (cli.distributed === 'off') return null;
  const base = cli.distributed === 'kubernetes' ? (profile.distributed ?? distributedSchema.parse({})) : profile.distributed;
  if (!base) {
    if (cli.agents !== undefined) throw new UsageError('--agents needs --distributed kubernetes (or a distributed: section in the profile)');
    return null;
  }
  if (!profile.load) throw new UsageError('a distributed run needs a load: section', 'remove distributed: or add the load to apply');
  let agents = base.agents;
  if (cli.agents !== undefined) {
    agents = Number(cli.agents);
    if (!Number.isInteger(agents) || agents < 1) throw new UsageError(`--agents ${cli.agents}: expected a whole number above 0`);
  }
  return { ...base, agents };
}

/** The distributed engine for this profile and command line, or null to run the load in this process. */
export async function selectLoadEngine(
  profile: Pick<Profile, 'distributed' | 'load'>,
  cli: DistributedCliOptions,
  deps: { env: Readonly<Record<string, string | undefined>>; log: Logger; version: string },
): Promise<LoadEngine | null> {
  const spec = resolveDistributed(profile, cli);
  if (!spec) return null;
  const { createDistributedEngine } = await import('./coordinator.js');
  return createDistributedEngine({ spec, ...deps });
}
