/**
 * `provider.settings` for `cloud-run`: which service (project, region, name), and how to reach
 * the APIs: Application Default Credentials by default, or an emulator/fake endpoint. zod only:
 * importing this file must never load a Google SDK.
 */
import { z } from 'zod';
import { duration } from '../../src/profile/fields.js';

const HOST_PORT = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-fA-F:]+\](:\d{1,5})?$/;

export const cloudRunSettingsSchema = z
  .strictObject({
    project: z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$|^[a-z0-9.:-]+$/, { error: 'expected a Google Cloud project id, like my-project-123' }).meta({ description: 'Google Cloud project id.' }),
    region: z.string().regex(/^[a-z]+-[a-z]+\d+$/, { error: 'expected a Cloud Run region, like us-central1' }).meta({ description: 'Region of the service, e.g. us-central1.' }),
    service: z.string().regex(/^[a-z]([-a-z0-9]{0,47}[a-z0-9])?$/, { error: 'expected a Cloud Run service name: lowercase letters, digits and -' }).meta({ description: 'Cloud Run service name.' }),
    endpoint: z.string().regex(HOST_PORT, { error: 'expected host or host:port, without a scheme' }).optional().meta({
      description: 'Admin API endpoint (host:port). Default run.googleapis.com. Also used for Cloud Monitoring and Cloud Logging unless monitoring_endpoint / logging_endpoint is set.',
    }),
    logging_endpoint: z.string().regex(HOST_PORT, { error: 'expected host or host:port, without a scheme' }).optional().meta({ description: 'Cloud Logging endpoint (host:port). Default logging.googleapis.com, or `endpoint` when that is set.' }),
    logs: z.boolean().default(true).meta({
      description: "Read Cloud Run's system log (Cloud Logging) for each instance's start and STARTUP-probe success: scale-up times to the instance instead of the minute. Needs logging.logEntries.list (roles/logging.viewer).",
    }),
    log_interval: duration(
      "Least time between two reads of the system log. Cloud Logging's entries.list read quota is per project per minute (60 by default) and shared with every console user: reading at every poll would spend it.",
    ).default(15_000),
    monitoring_endpoint: z.string().regex(HOST_PORT, { error: 'expected host or host:port, without a scheme' }).optional().meta({ description: 'Cloud Monitoring endpoint (host:port). Default monitoring.googleapis.com.' }),
    insecure: z.boolean().default(false).meta({
      description: 'Emulator/fake mode: plaintext gRPC to `endpoint` and no Google credentials at all (never for real Google endpoints).',
    }),
    credentials_file: z.string().min(1).optional().meta({ description: 'Service-account key file to use instead of Application Default Credentials.' }),
    lookback: duration('How far back each read re-reads Cloud Monitoring (late points are picked up).').default(600_000),
    metric_delay: duration('How long after sampling Cloud Monitoring points may still appear; the run keeps observing this long after the load.').default(240_000),
    alignment_period: duration('Alignment period of the Monitoring queries (Cloud Run metrics are sampled every 60s).').default(60_000),
  })
  .refine((s) => !s.insecure || s.endpoint !== undefined, { error: 'insecure mode needs an endpoint (the emulator or fake)', path: ['insecure'] })
  .refine((s) => !s.insecure || !/googleapis\.com/.test(`${s.endpoint ?? ''} ${s.monitoring_endpoint ?? ''} ${s.logging_endpoint ?? ''}`), {
    error: 'insecure mode is for a local emulator or fake, never for googleapis.com',
    path: ['insecure'],
  });

export type CloudRunSettingsInput = z.input<typeof cloudRunSettingsSchema>;
export type CloudRunSettings = z.output<typeof cloudRunSettingsSchema>;
