import { describe, expect, it } from 'vitest';
import { ProfileError } from '../../../src/errors.js';
import { parseProfile, type LoadProfileOptions } from '../../../src/profile/load-profile.js';
import { buildProfileJsonSchema } from '../../../src/profile/json-schema.js';

const opts: LoadProfileOptions = { providerNames: ['local'], providerSettings: async () => undefined };
const profile = (targets: string[]) =>
  ['load:', '  url: http://127.0.0.1:8080', '  requests: [{ name: search }]', '  stages: [{ duration: 1m, rate: 10 }]', 'targets:', ...targets].join('\n');

describe('targets.unserved_rate', () => {
  it('takes a percentage or a fraction, for the run and per request, like error_rate', async () => {
    const p = await parseProfile(profile(['  unserved_rate: 2%', '  requests:', '    search: { unserved_rate: 0.05 }']), 'inline.yaml', opts);
    expect(p.targets).toEqual({ unserved_rate: 0.02, requests: { search: { unserved_rate: 0.05 } } });
  });

  it('refuses more than 100%, at the line and column of the value', async () => {
    const err = await parseProfile(profile(['  requests:', '    search: { unserved_rate: 150% }']), 'inline.yaml', opts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProfileError);
    expect((err as ProfileError).issues).toEqual([
      expect.objectContaining({ path: 'targets.requests.search.unserved_rate', line: 7, message: expect.stringMatching(/^expected a percentage like 1% .*\(at most 100%\)/) }),
    ]);
  });

  it('is in the published JSON Schema, with the percentage pattern', () => {
    const s = buildProfileJsonSchema({}) as { properties: { targets: { properties: Record<string, { properties?: unknown; additionalProperties?: { properties: Record<string, unknown> } }> } } };
    const targets = s.properties.targets.properties;
    expect(JSON.stringify(targets.unserved_rate)).toContain('%$');
    expect(JSON.stringify(targets.requests!.additionalProperties!.properties.unserved_rate)).toContain('%$');
  });
});
