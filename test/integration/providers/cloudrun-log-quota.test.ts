/**
 * The Cloud Run provider and Cloud Logging's read quota (entries.list, per project per minute,
 * shared with every console user): the system log is read at most every `log_interval`, and a
 * refusal is said once, not at every poll.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { FakeClock } from '../../unit/run/fake-clock.js';
import { CloudRunProvider } from '../../../providers/cloudrun/index.js';
import { cloudRunSettingsSchema, type CloudRunSettingsInput } from '../../../providers/cloudrun/settings.js';
import { startCloudRunFake, type CloudRunFake } from '../../fakes/cloudrun/index.js';

let fake: CloudRunFake | null = null;
let provider: CloudRunProvider | null = null;
afterEach(async () => {
  await provider?.close();
  await fake?.stop();
  provider = null;
  fake = null;
});

/** The provider paces its log reads by its clock: a fake one, moved by the test, counts polls, not time. */
function cloudRun(settings: CloudRunSettingsInput, warnings: string[], clock: FakeClock): CloudRunProvider {
  return new CloudRunProvider(cloudRunSettingsSchema.parse(settings), { clock, log: { info() {}, warn: (m) => warnings.push(m), debug() {} }, env: {} });
}

const logReads = (f: CloudRunFake) => f.apis.calls.filter((c) => c.method === 'listLogEntries').length;

describe('cloud run provider, Cloud Logging read quota', () => {
  test('polls 1 s apart read the system log every 15 s (the default), not at every poll', async () => {
    fake = await startCloudRunFake();
    const clock = new FakeClock(Date.now());
    const warnings: string[] = [];
    provider = cloudRun({ ...fake.settings, log_interval: undefined }, warnings, clock);
    for (let i = 0; i < 31; i++) {
      await provider.sample(AbortSignal.timeout(5000));
      await clock.advance(1000);
    }
    expect(logReads(fake)).toBe(3); // at 0, 15 and 30 s
    expect(fake.apis.exhausted.listLogEntries).toBe(0);
  });

  test('the quota refused: said once, and no read until the next minute', async () => {
    fake = await startCloudRunFake();
    fake.apis.unkind.logReadsPerMinute = 1;
    const clock = new FakeClock(Date.now());
    const warnings: string[] = [];
    provider = cloudRun({ ...fake.settings, log_interval: undefined }, warnings, clock);
    // Polls 15 s apart (on the provider's clock; the fake's quota minute stays unspent in real time).
    for (let i = 0; i < 7; i++) {
      await provider.sample(AbortSignal.timeout(5000));
      await clock.advance(15_000);
    }
    // 0 s: read; 15 s: refused, paused a minute; 30, 45, 60 s: no read; 75 s: refused again; 90 s: paused.
    expect(logReads(fake)).toBe(3);
    expect(fake.apis.exhausted.listLogEntries).toBe(2);
    expect(warnings.filter((w) => /Cloud Logging read quota reached/.test(w))).toHaveLength(1);
  });
});
