/**
 * The azure-container-apps provider with the real @azure/arm-appcontainers and
 * @azure/monitor-query-metrics clients against the HTTPS fake on 127.0.0.1 (throwaway
 * self-signed certificate, unmodified SDK pipelines, a fake TokenCredential as sdk-fakes.md
 * says: DefaultAzureCredential would probe IMDS and the Azure CLI).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TokenCredential } from '@azure/core-auth';
import { FakeAca, type FakeAcaOptions } from '../../fakes/aca/fake-aca.js';
import { driveLoad } from '../../fakes/shared/drive-load.js';
import { AcaProvider } from '../../../providers/aca/index.js';
import { acaSettingsSchema, type AcaSettingsInput } from '../../../providers/aca/settings.js';
import { ProviderError } from '../../../src/errors.js';
import { systemClock } from '../../../src/clock.js';
import { silentLogger, type Logger } from '../../../src/log.js';
import type { PlatformEvent, PlatformSample } from '../../../src/provider.js';

const token = (t: string): TokenCredential => ({ getToken: async () => ({ token: t, expiresOnTimestamp: Date.now() + 3_600_000 }) });
let fake: FakeAca;
const open: AcaProvider[] = [];

async function startFake(o: FakeAcaOptions = {}) {
  fake = new FakeAca(o);
  await fake.start();
  return fake;
}
function provider(extra: Partial<AcaSettingsInput> = {}, opts: { credential?: TokenCredential; log?: Logger } = {}) {
  const settings = acaSettingsSchema.parse({
    subscription: fake.o.subscription,
    resource_group: fake.o.resourceGroup,
    app: fake.o.app,
    endpoints: { arm: fake.url, metrics: fake.url },
    metric_interval: '1s',
    metric_lookback: '10m',
    max_retries: 0,
    ...extra,
  });
  const p = new AcaProvider(settings, { clock: systemClock, log: opts.log ?? silentLogger, env: {} }, { credential: opts.credential ?? token('fake-token'), tlsCa: fake.cert.cert });
  open.push(p);
  return p;
}
const signal = () => AbortSignal.timeout(10_000);
async function rejection(p: Promise<unknown>): Promise<ProviderError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProviderError);
  return err as ProviderError;
}

afterEach(async () => {
  for (const p of open.splice(0)) await p.close();
  await fake?.close();
});

describe('azure-container-apps provider against the fake ARM + metrics API', () => {
  it('describes the scale settings and warns about the 300 s scale-in by design', async () => {
    await startFake({ minReplicas: 1, maxReplicas: 8, cooldownPeriodMs: 300_000, pollingIntervalMs: 30_000, rules: [{ kind: 'http', concurrentRequests: 50 }, { kind: 'cpu', utilizationPct: 70 }] });
    const d = await provider().describe(signal());
    expect(d.summary).toMatch(/Container App web in resource group rg-demo \(East US\): web--rev2 1 replicas/);
    expect(d.scaling).toMatchObject({ minReplicas: 1, maxReplicas: 8 });
    expect(d.scaling.rules).toEqual([expect.objectContaining({ metric: 'http-concurrency', target: 50 }), expect.objectContaining({ metric: 'cpu', target: 70, unit: '%' })]);
    expect(d.scaling.timings).toMatchObject({ earliestScaleUpMs: 15_000, earliestScaleDownMs: 300_000, cooldownPeriodMs: 300_000, pollingIntervalMs: 30_000 });
    expect(d.warnings.join('\n')).toMatch(/scales in only after 5m of lower load/);
    expect(d.warnings.join('\n')).toMatch(/HTTP rule together with a CPU rule/);
    expect(d.serviceUrl).toBe('https://web.example.eastus.azurecontainerapps.io');
    // Followed the revisions nextLink, read the replicas and the metrics batch API.
    expect(fake.requests.filter((r) => r.path.endsWith('/revisions'))).toHaveLength(2);
    expect(fake.requests.some((r) => r.path.endsWith('/metrics:getBatch'))).toBe(true);
    expect(fake.requests.every((r) => r.auth === 'Bearer fake-token')).toBe(true);
  });

  it('follows a scale-up and scale-down: counts, readiness, decisions with createdTime, metrics once per value', async () => {
    await startFake({ minReplicas: 1, maxReplicas: 6, rules: [{ kind: 'http', concurrentRequests: 3 }], httpIntervalMs: 500, scaleDownStabilizationMs: 2500, replicaStartMs: 400, appOptions: { concurrency: 4, serviceMs: 60 } });
    const p = provider();
    await p.describe(signal());
    const samples: PlatformSample[] = [];
    const events = new Map<string, PlatformEvent>();
    const startWall = Date.now();
    let stop = false;
    const poll = (async () => {
      while (!stop) {
        samples.push(...(await p.sample(signal())));
        for (const e of await p.events(startWall - 60_000)) events.set(e.id!, e);
        await new Promise((r) => setTimeout(r, 150));
      }
    })();
    await driveLoad(fake.app.url, 120, 5000);
    await new Promise((r) => setTimeout(r, 5000));
    stop = true;
    await poll;

    const ups = fake.decisions.filter((d) => d.to > d.from);
    expect(ups.length).toBeGreaterThan(0);
    expect(fake.decisions.some((d) => d.to < d.from)).toBe(true);
    const counts = samples.filter((s) => s.source === 'aca:replicas');
    expect(Math.max(...counts.map((s) => s.desired!))).toBe(Math.max(...fake.decisions.map((d) => d.to)));
    expect(Math.max(...counts.map((s) => s.ready!))).toBe(Math.max(...fake.readiness.map((r) => r.ready)));
    expect(counts.some((s) => s.pending! > 0)).toBe(true);

    // Scale-up events: stamped at the end of the first new replica's createdTime second, never
    // before the decision: each one's window holds a decision of the same from -> to (the same
    // step can happen twice in a run, so not just the first one that matches).
    const scaleUps = [...events.values()].filter((e) => e.type === 'scale-up');
    expect(scaleUps.length).toBeGreaterThan(0);
    for (const e of scaleUps) {
      const inWindow = fake.decisions.filter((d) => d.from === e.from && d.to === e.to && d.atWall >= e.atWall - e.resolutionMs && d.atWall <= e.atWall);
      expect(inWindow.length, `${JSON.stringify(e)} vs decisions ${JSON.stringify(fake.decisions)}`).toBeGreaterThan(0);
    }
    expect([...events.values()].some((e) => e.type === 'replica-ready')).toBe(true);
    expect([...events.values()].some((e) => e.type === 'replica-stopped')).toBe(true);

    // Azure Monitor: 1-minute points at minute ends; a point comes back only when its value changed.
    const mon = samples.filter((s) => s.source === 'azure-monitor:containerApps');
    expect(mon.length).toBeGreaterThanOrEqual(5);
    expect(mon.every((s) => s.resolutionMs === 60_000 && s.atWall % 60_000 === 0)).toBe(true);
    const keys = mon.map((s) => `${s.atWall}|${s.running}|${s.cpuPct}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(mon.some((s) => s.cpuPct !== undefined && s.cpuPct > 5)).toBe(true);
  });

  it('maps a missing app, missing permissions, throttling and a bad token to actionable errors', async () => {
    await startFake();
    const nf = await rejection(provider({ app: 'nope' }).describe(signal()));
    expect(nf.kind).toBe('not-found');
    expect(nf.message).toMatch(/container app nope in resource group rg-demo .*not found \(ResourceNotFound\)/);
    expect(nf.hint).toMatch(/az containerapp show/);

    fake.inject('app', 'access-denied', 1);
    const denied = await rejection(provider().describe(signal()));
    expect(denied.kind).toBe('access-denied');
    expect(denied.message).toContain('may not Microsoft.App/containerApps/read');
    expect(denied.hint).toMatch(/Reader/);

    fake.inject('revisions', 'throttled', 1);
    const throttled = await rejection(provider().sample(signal()));
    expect(throttled).toMatchObject({ kind: 'throttled', retryable: true, retryAfterMs: 7000 });

    const bad = await rejection(provider({}, { credential: token('bad-token') }).sample(signal()));
    expect(bad.kind).toBe('credentials');
    expect(bad.message).toMatch(/rejected the token .*InvalidAuthenticationToken/);
  });

  it('names the credential chain when no credential is available', async () => {
    await startFake();
    // No injected credential: the access-token credential reads an empty environment.
    const settings = acaSettingsSchema.parse({ subscription: fake.o.subscription, resource_group: 'rg-demo', app: 'web', credential: 'access-token', endpoints: { arm: fake.url, metrics: fake.url }, max_retries: 0 });
    const real = new AcaProvider(settings, { clock: systemClock, log: silentLogger, env: {} }, { tlsCa: fake.cert.cert });
    open.push(real);
    const e = await rejection(real.describe(signal()));
    expect(e.kind).toBe('credentials');
    expect(e.message).toMatch(/tried bearer tokens from \$AZURE_ACCESS_TOKEN.*AZURE_ACCESS_TOKEN is not set/);
    expect(e.hint).toMatch(/az login/);
  });

  it('keeps polling when the metrics API is denied, and warns once', async () => {
    await startFake();
    fake.inject('metrics', 'access-denied');
    const warnings: string[] = [];
    const p = provider({}, { log: { ...silentLogger, warn: (m) => warnings.push(m) } });
    const d = await p.describe(signal());
    expect(d.warnings.join('\n')).toMatch(/may not Microsoft.Insights\/metrics\/read.*Monitoring Reader/);
    const s = await p.sample(signal());
    expect(s[0]).toMatchObject({ desired: 1, ready: 1 });
    expect(s.some((x) => x.source === 'azure-monitor:containerApps')).toBe(false);
    expect(warnings).toEqual([]); // describe() already said it; sample() does not try again
  });
});
