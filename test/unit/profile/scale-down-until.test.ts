import { describe, expect, it } from 'vitest';
import { ProfileError } from '../../../src/errors.js';
import { buildProfileJsonSchema } from '../../../src/profile/json-schema.js';
import { parseProfile, type LoadProfileOptions } from '../../../src/profile/load-profile.js';
import { parseTimeline } from '../../../src/timeline/reader.js';
import { TimelineBuilder } from '../../support/timeline-builder.js';

const opts: LoadProfileOptions = { providerNames: ['local'], providerSettings: async () => undefined };
const profile = (autoscaling: string[]) =>
  ['load:', '  url: http://127.0.0.1:8080', '  stages: [{ duration: 1m, rate: 10 }]', 'targets:', '  autoscaling:', ...autoscaling].join('\n');
const issuesOf = async (lines: string[]) => ((await parseProfile(profile(lines), 'inline.yaml', opts).catch((e: unknown) => e)) as ProfileError).issues;

describe('targets.autoscaling.scale_down_until', () => {
  it('selects the moment scale_down_time checks; left out, the plain duration means "stopped receiving traffic"', async () => {
    const gone = await parseProfile(profile(['    scale_down_time: 20m', '    scale_down_until: gone']), 'inline.yaml', opts);
    expect(gone.targets.autoscaling).toEqual({ scale_down_time: 1_200_000, scale_down_until: 'gone' });
    const plain = await parseProfile(profile(['    scale_down_time: 5m']), 'inline.yaml', opts);
    expect(plain.targets.autoscaling).toEqual({ scale_down_time: 300_000 });
  });

  it('refuses an unknown moment at its line, with the closest one', async () => {
    const err = await parseProfile(profile(['    scale_down_time: 20m', '    scale_down_until: goen']), 'inline.yaml', opts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProfileError);
    expect((err as ProfileError).issues).toEqual([
      expect.objectContaining({ path: 'targets.autoscaling.scale_down_until', line: 7, message: expect.stringContaining('did you mean "gone"?') }),
    ]);
  });

  it('needs scale_down_time beside it', async () => {
    expect(await issuesOf(['    scale_down_until: gone'])).toEqual([
      expect.objectContaining({ path: 'targets.autoscaling.scale_down_until', line: 6, message: expect.stringContaining('set scale_down_time too') }),
    ]);
  });

  it('is in the published JSON Schema with both moments', () => {
    const s = buildProfileJsonSchema({}) as { properties: { targets: { properties: { autoscaling: { properties: Record<string, { enum?: string[] }> } } } } };
    expect(s.properties.targets.properties.autoscaling.properties.scale_down_until!.enum).toEqual(['traffic-stopped', 'gone']);
  });

  it('a timeline whose stored profile carries it is still readable', () => {
    const b = new TimelineBuilder({ name: 'p', provider: { name: 'fake' }, targets: { autoscaling: { scale_down_time: '20m', scale_down_until: 'gone' } } }).end(1000);
    const text = b.records().map((r) => JSON.stringify(r)).join('\n');
    const timeline = parseTimeline(text);
    expect(timeline.skippedLines).toBe(0);
    expect(timeline.header.profile.targets.autoscaling).toEqual({ scale_down_time: 1_200_000, scale_down_until: 'gone' });
  });
});
