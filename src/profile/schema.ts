/**
 * The profile: one YAML file that says what to load, what platform to watch, how long, and
 * what counts as success. This zod schema is the single definition: it validates profiles,
 * gives the TypeScript types, and generates schema/profile.schema.json for editors.
 */
import { z } from 'zod';
import { duration, fraction, nonNegative, nonNegativeInt, positiveInt } from './fields.js';
import { abortWhenSchema, limitIssues, limitsSchema } from './safety-schema.js';
import { distributedSchema } from '../distributed/settings.js';

export const TEST_TYPES = ['load', 'stress', 'spike', 'endurance', 'scalability'] as const;

const stage = z
  .strictObject({
    name: z.string().optional().meta({ description: 'Shown in progress and reports.' }),
    duration: duration('How long the stage lasts. 0s makes an instant jump to its target.'),
    rate: nonNegative('Open model: arrival rate (req/s) reached at the END of the stage, ramping linearly from the previous stage.').optional(),
    vus: nonNegativeInt('Closed model: virtual users reached at the end of the stage.').optional(),
  })
  .meta({ description: 'A linear ramp from the previous level to this one over `duration` (k6 semantics).' });

/** Per-request checks on the response; a failed check counts as a check failure, apart from transport errors. */
const jsonCheck = z
  .strictObject({
    path: z.string().min(1).meta({ description: 'JSON path into the response body: $.a.b[0].c (or a.b.0.c).' }),
    exists: z.boolean().optional().meta({ description: 'The value is present (null counts as present).' }),
    non_empty: z.boolean().optional().meta({ description: 'The value is present and not null, "", [] or {}.' }),
    equals: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional().meta({ description: 'The value equals this scalar.' }),
  })
  .meta({ description: 'A check on one JSON value of the response body.' });

const checks = z
  .strictObject({
    status: z.array(z.number().int().min(100).max(599)).min(1).optional().meta({ description: 'The status must be one of these.' }),
    json: z.array(jsonCheck).optional(),
    body_contains: z.string().min(1).optional().meta({ description: 'The body must contain this text.' }),
  })
  .meta({ description: 'Checks on each response. Bodies are only read when a check needs them (up to load.body_limit).' });

const multipartFile = z.strictObject({
  path: z.string().min(1).meta({ description: 'File on disk (relative to the working directory), read once before the load.' }),
  filename: z.string().optional(),
  content_type: z.string().default('application/octet-stream'),
});

const requestFields = {
  name: z.string().min(1).regex(/^[A-Za-z0-9_.:-]+$/, { error: 'use letters, digits, _ . : -' }).meta({ description: 'Name used in reports and per-request targets.' }),
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).default('GET'),
  path: z.string().startsWith('/', { error: 'a path starts with /' }).default('/').meta({ description: 'Path (and query); may hold {{ templates }}.' }),
  headers: z.record(z.string(), z.string()).default({}).meta({ description: 'Header values may hold {{ templates }} (e.g. Bearer {{ vars.token }}).' }),
  body: z.string().optional().meta({ description: 'Raw request body; may hold {{ templates }}.' }),
  json: z.unknown().optional().meta({ description: 'Request body sent as JSON (sets content-type); string values may hold {{ templates }}.' }),
  form: z.record(z.string(), z.string()).optional().meta({ description: 'URL-encoded form body; values may hold {{ templates }}.' }),
  multipart: z
    .strictObject({
      fields: z.record(z.string(), z.string()).default({}),
      files: z.record(z.string(), multipartFile).default({}),
    })
    .optional()
    .meta({ description: 'multipart/form-data body: text fields and files read from disk once.' }),
  timeout: duration('Per-request deadline; overrides load.timeout.').optional(),
  checks: checks.optional(),
};
const oneBody = (r: { body?: unknown; json?: unknown; form?: unknown; multipart?: unknown }) => [r.body, r.json, r.form, r.multipart].filter((b) => b !== undefined).length <= 1;

const request = z
  .strictObject({
    ...requestFields,
    weight: nonNegative('Relative share of arrivals in the mix.').default(1),
    tags: z.record(z.string().regex(/^[A-Za-z0-9_.-]+$/), z.string().regex(/^[A-Za-z0-9_.:-]+$/)).default({}).meta({ description: 'Tags: results also break down per tag (records named tag=value).' }),
  })
  .refine(oneBody, { error: 'give only one of body, json, form, multipart', path: ['json'] });

const setupRequest = z
  .strictObject({
    ...requestFields,
    capture: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string().min(1))
      .default({})
      .meta({ description: 'Values captured from the JSON response, name -> JSON path ($.access_token); used later as {{ vars.name }}. Never written to the timeline or logs.' }),
  })
  .refine(oneBody, { error: 'give only one of body, json, form, multipart', path: ['json'] });

export const loadSchema = z
  .strictObject({
    url: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }).optional().meta({
      description: 'Base URL that receives load. Optional when the provider runs the service itself (local).',
    }),
    model: z.enum(['open', 'closed']).default('open').meta({
      description: 'open: arrivals at a planned rate, independent of responses (the default for autoscaling). closed: virtual users that wait for each response.',
    }),
    start: nonNegative('Level before the first stage (req/s for open, users for closed).').default(0),
    stages: z.array(stage).min(1, { error: 'give at least one stage' }),
    requests: z.array(request).min(1, { error: 'give at least one request' }).default([{ name: 'root', method: 'GET', path: '/', weight: 1, headers: {}, tags: {} }]),
    connections: positiveInt('Connections kept open to the target (open model).').default(50),
    max_in_flight: positiveInt('Open model: arrivals beyond this many outstanding requests are dropped and counted.').default(2000),
    timeout: duration('Per-request deadline.').default(10_000),
    think_time: duration('Closed model: pause between a response and the next request of a user.').default(0),
    window: duration('Width of each timeline load window.').default(1000),
    workers: positiveInt('Load generator threads (worker_threads). Default: CPU cores - 1, at least 1; 1 runs in the main thread.').optional(),
    warmup: duration('Sent at the starting level before the plan starts, kept out of the results (JIT, connections, caches).').default(0),
    preopen_concurrency: positiveInt('Connections opened (handshakes only, no request) at most this many at a time before the load.').default(4),
    rotate: z
      .strictObject({
        max_requests: nonNegativeInt('Close a connection after this many requests (0: never).').default(1000),
        max_age: duration('Close a connection this long after it opened (0s: never).').default(10_000),
      })
      .prefault({})
      .meta({ description: 'Connection rotation, so replicas added behind an L4 balancer get traffic.' }),
    max_redirects: nonNegativeInt('Redirects followed per request, within the target origin only (0: none, a 3xx is the answer; a redirect to another origin is never followed).').default(0),
    pipelining: positiveInt('Requests in flight per connection (1: no pipelining, as real clients).').default(1),
    connect_timeout: duration('Deadline to open a connection.').default(10_000),
    headers_timeout: duration('Deadline from sending a request to its response headers (default: the request timeout).').optional(),
    body_timeout: duration('Longest pause between two chunks of a response body (default: the request timeout).').optional(),
    http2: z.boolean().default(false).meta({ description: 'Use HTTP/2 when the server offers it (ALPN over TLS).' }),
    tls: z
      .strictObject({
        ca: z.string().optional().meta({ description: 'PEM file of a custom CA to trust.' }),
        insecure: z.boolean().default(false).meta({ description: 'Accept any certificate (self-signed test services).' }),
        servername: z.string().optional().meta({ description: 'SNI name, when it differs from the URL host.' }),
      })
      .optional(),
    body_limit: nonNegativeInt('Bytes of a response body kept for checks and captures (the rest is discarded; a check on a longer body fails).').default(65_536),
    data: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.array(z.union([z.string(), z.number()])).min(1))
      .optional()
      .meta({ description: 'Lists for templates: {{ pick name }} picks one value at random per request.' }),
    setup: z
      .strictObject({
        per: z.enum(['run', 'user']).default('run').meta({
          description:
            'run: sent once before the load, not recorded. user (closed model): every virtual user sends them before its first request and keeps its own captures; recorded under their names like any request.',
        }),
        requests: z.array(setupRequest).min(1),
      })
      .optional()
      .meta({ description: 'Requests sent before the load (e.g. a login), in order; their captures become {{ vars.* }}.' }),
  })
  .superRefine((load, ctx) => {
    load.stages.forEach((s, i) => {
      if (load.model === 'open' && s.rate === undefined) ctx.addIssue({ code: 'custom', path: ['stages', i, 'rate'], message: 'open model stages need a rate (req/s)' });
      if (load.model === 'open' && s.vus !== undefined) ctx.addIssue({ code: 'custom', path: ['stages', i, 'vus'], message: 'vus belongs to the closed model; this load is open (use rate)' });
      if (load.model === 'closed' && s.vus === undefined) ctx.addIssue({ code: 'custom', path: ['stages', i, 'vus'], message: 'closed model stages need vus (virtual users)' });
      if (load.model === 'closed' && s.rate !== undefined) ctx.addIssue({ code: 'custom', path: ['stages', i, 'rate'], message: 'rate belongs to the open model; this load is closed (use vus)' });
    });
    const names = new Set<string>();
    load.requests.forEach((r, i) => {
      if (names.has(r.name)) ctx.addIssue({ code: 'custom', path: ['requests', i, 'name'], message: `duplicate request name "${r.name}"` });
      names.add(r.name);
    });
    if (load.setup?.per === 'user') {
      if (load.model !== 'closed') ctx.addIssue({ code: 'custom', path: ['setup', 'per'], message: 'per: user needs the closed model (open-model arrivals have no users); use per: run' });
      // Recorded like requests, so their names share one namespace.
      load.setup.requests.forEach((r, i) => {
        if (names.has(r.name)) ctx.addIssue({ code: 'custom', path: ['setup', 'requests', i, 'name'], message: `duplicate request name "${r.name}" (per-user setup requests are recorded by name)` });
        names.add(r.name);
      });
    }
    if (load.requests.every((r) => r.weight === 0)) ctx.addIssue({ code: 'custom', path: ['requests'], message: 'at least one request needs a weight above 0' });
  });

export const providerSchema = z.strictObject({
  name: z.string().meta({ description: 'Which platform scales the service: local, aws-ecs, azure-container-apps, kubernetes, cloud-run.' }),
  poll_interval: duration('How often the platform is read.').default(5000),
  settings: z.record(z.string(), z.unknown()).default({}).meta({ description: 'Provider-specific settings (see the README section of each provider).' }),
});

const latencyTargets = z
  .strictObject({
    p50: duration().optional(),
    p90: duration().optional(),
    p95: duration().optional(),
    p99: duration().optional(),
    p999: duration().optional(),
    max: duration().optional(),
  })
  .meta({ description: 'Response-time limits, measured from the intended send time.' });

const UNSERVED_RATE =
  'Max share of users not served: (dropped arrivals + failed requests) / planned arrivals. Closed model (nothing is dropped by design): failed requests / requests sent.';

const requestTargets = latencyTargets.extend({
  error_rate: fraction('Max share of failed requests (over sent requests: dropped arrivals are not in it).').optional(),
  unserved_rate: fraction(UNSERVED_RATE).optional(),
  throughput: nonNegative('Min sustained successful req/s for this request.').optional(),
});

/**
 * The two moments of a scale-down: the surplus replicas stop receiving traffic (ready falls to
 * the settled count), then they are gone (running falls to it: no longer exist, no longer billed).
 */
export const SCALE_DOWN_MOMENTS = ['traffic-stopped', 'gone'] as const;
export type ScaleDownMoment = (typeof SCALE_DOWN_MOMENTS)[number];

export const targetsSchema = z.strictObject({
  latency: latencyTargets.optional(),
  error_rate: fraction('Max share of failed requests (transport errors, 5xx and 4xx), over sent requests: dropped arrivals are not in it.').optional(),
  unserved_rate: fraction(UNSERVED_RATE).optional(),
  throughput: nonNegative('Min sustained throughput: the best 10 s average of successful req/s.').optional(),
  requests: z.record(z.string(), requestTargets).optional().meta({ description: 'Per-request targets, keyed by request name.' }),
  cpu: z
    .strictObject({
      target: fraction('The utilization the autoscaler aims for; marks the "utilization above target" phase.').optional(),
      max: fraction('Max CPU utilization any sample may show.').optional(),
    })
    .optional(),
  memory: z.strictObject({ max: fraction('Max memory utilization any sample may show.').optional() }).optional(),
  autoscaling: z
    .strictObject({
      scale_up_time: duration('Max time from a load increase until ready replicas reach the count the autoscaler settled on.').optional(),
      scale_down_time: duration('Max time from a load decrease until the replicas above the settled count are down: by default until they stopped receiving traffic (ready); see scale_down_until.').optional(),
      scale_down_until: z
        .enum(SCALE_DOWN_MOMENTS)
        .optional()
        .meta({
          description:
            'Which scale-down moment scale_down_time checks: traffic-stopped (default: ready replicas reach the settled count) or gone (running replicas reach it: the surplus no longer exists or is billed, after draining, deregistration delay or idle time).',
        }),
      min_instances: nonNegativeInt('Replicas must never drop below this.').optional(),
      max_instances: positiveInt('Replicas must never exceed this.').optional(),
      max_flaps: nonNegativeInt('Max direction changes of desired replicas within analysis.flap_window.').optional(),
    })
    .optional(),
});

export const analysisSchema = z.strictObject({
  flap_window: duration('Two opposite scaling moves closer than this count as a flap.').default(300_000),
  throughput_window: duration('Window for sustained throughput.').default(10_000),
});

export const costSchema = z.strictObject({
  instance_hour: nonNegative('Price of one instance (replica) per hour, used for the cost of the run and by `scaleproof plan`.').optional(),
  currency: z.string().min(1).max(8).optional().meta({ description: 'Label shown next to prices, e.g. USD or EUR.' }),
});

export const planSchema = z.strictObject({
  peak_users: nonNegative('Concurrent users at the peak today.').optional(),
  requests_per_user_per_minute: nonNegative('Requests one active user sends per minute.').optional(),
  monthly_growth: fraction('Growth of peak users per month, compounded, e.g. 5%.').optional(),
  months: nonNegativeInt('How many months ahead to plan (0: only now).').optional(),
  buffer: fraction('Headroom added on top of the instances needed, e.g. 20%.').optional(),
  capacity_per_instance: nonNegative('Assumed req/s one instance sustains, when no run measured it.').optional(),
  hours_per_month: nonNegative('Hours billed per month (default 730).').optional(),
});

export const profileSchema = z
  .strictObject({
    $schema: z.string().optional(),
    name: z.string().regex(/^[A-Za-z0-9_.-]+$/, { error: 'use letters, digits, _ . - (it names the run folder)' }).optional(),
    description: z.string().optional(),
    type: z.enum(TEST_TYPES).optional().meta({ description: 'The classic test type this profile is; selects its report section.' }),
    provider: providerSchema.optional().meta({ description: 'The platform that scales the service. Leave out for a plain load test.' }),
    load: loadSchema.optional().meta({ description: 'The load to apply. Leave out to only observe (an audit, or load from another tool).' }),
    observe_after: duration('Keep watching the platform this long after the load stops, to see scale-down.').default(0),
    external_load: z
      .strictObject({
        started_at: z.iso.datetime({ offset: true }).meta({ description: 'When the other tool started its load (ISO 8601); marks the load start on the timeline.' }),
      })
      .optional()
      .meta({ description: 'Observe-only profiles (no load): the load comes from another tool. With it, observe_after is how long to watch.' }),
    targets: targetsSchema.default({}),
    analysis: analysisSchema.prefault({}),
    cost: costSchema.optional().meta({ description: 'Prices, for the cost of the run and the capacity plan.' }),
    plan: planSchema.optional().meta({ description: 'Growth scenario for `scaleproof plan` (each value can be overridden on the command line).' }),
    abort_when: abortWhenSchema.optional(),
    limits: limitsSchema.prefault({}),
    distributed: distributedSchema.optional(),
  })
  .superRefine((p, ctx) => {
    if (!p.provider && !p.load) ctx.addIssue({ code: 'custom', path: [], message: 'a profile needs a load, a provider, or both' });
    if (p.distributed && !p.load) ctx.addIssue({ code: 'custom', path: ['distributed'], message: 'a distributed run needs a load: section to split over the agents' });
    if (p.load && p.external_load) ctx.addIssue({ code: 'custom', path: ['external_load'], message: 'external_load is for profiles without a load section' });
    if (p.load && !p.load.url && !p.provider) ctx.addIssue({ code: 'custom', path: ['load', 'url'], message: 'load.url is required when there is no provider to run the service' });
    // Per-user setup requests are recorded too, so they can have targets (a login's p95, say).
    const perUserSetup = p.load?.setup?.per === 'user' ? p.load.setup.requests : [];
    const names = new Set([...(p.load?.requests ?? []), ...perUserSetup].map((r) => r.name));
    for (const key of Object.keys(p.targets.requests ?? {})) {
      if (!names.has(key)) ctx.addIssue({ code: 'custom', path: ['targets', 'requests', key], message: `no request named "${key}" in load.requests${perUserSetup.length ? ' or load.setup.requests' : ''} (have: ${[...names].join(', ') || 'none'})` });
    }
    const a = p.targets.autoscaling;
    if (a?.min_instances !== undefined && a.max_instances !== undefined && a.min_instances > a.max_instances)
      ctx.addIssue({ code: 'custom', path: ['targets', 'autoscaling', 'min_instances'], message: `min_instances (${a.min_instances}) is above max_instances (${a.max_instances})` });
    if (a?.scale_down_until !== undefined && a.scale_down_time === undefined)
      ctx.addIssue({ code: 'custom', path: ['targets', 'autoscaling', 'scale_down_until'], message: 'scale_down_until says which moment scale_down_time checks: set scale_down_time too' });
    for (const issue of limitIssues(p)) ctx.addIssue({ code: 'custom', ...issue });
  });

/** A validated profile: durations in ms, percentages as fractions, defaults filled in. */
export type Profile = z.output<typeof profileSchema>;
export type LoadSpec = NonNullable<Profile['load']>;
export type StageSpec = LoadSpec['stages'][number];
export type RequestSpec = LoadSpec['requests'][number];
export type SetupRequestSpec = NonNullable<LoadSpec['setup']>['requests'][number];
export type ChecksSpec = NonNullable<RequestSpec['checks']>;
export type Targets = Profile['targets'];
export type ProviderSpec = NonNullable<Profile['provider']>;
