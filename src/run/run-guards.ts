/**
 * Guards around a run that are not the run itself: secrets scrubbed from everything the run
 * says, a warning when the load goes to another machine with no kill switch, and the stop
 * controller that the kill switch and the duration cap share.
 */
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import { ScaleproofError } from '../errors.js';
import type { Profile } from '../profile/schema.js';
import { collectSecrets, redactUrl, secretScrubber, type Scrubber } from '../redact.js';
import { formatDuration } from '../units.js';

/** The scrubber for one run: every secret literal in the profile and environment, plus the patterns. */
export function runScrubber(profile: Profile, env: Readonly<Record<string, string | undefined>>): Scrubber {
  return secretScrubber(collectSecrets(profile, env));
}

export function scrubbedLogger(log: Logger, scrub: Scrubber): Logger {
  return { info: (m) => log.info(scrub(m)), warn: (m) => log.warn(scrub(m)), debug: (m) => log.debug(scrub(m)) };
}

/** Removes secrets from an error's message and hint before anything prints it; returns the same error. */
export function scrubError(err: unknown, scrub: Scrubber): unknown {
  if (err instanceof Error) {
    err.message = scrub(err.message);
    if (err instanceof ScaleproofError && err.hint) Object.defineProperty(err, 'hint', { value: scrub(err.hint) });
  }
  return err;
}

const LOOPBACK_HOST = /^(localhost|127(?:\.\d{1,3}){3}|\[?::1\]?|\[?::ffff:127(?:\.\d{1,3}){3}\]?)$/i;

export function isLoopbackUrl(url: string): boolean {
  try {
    return LOOPBACK_HOST.test(new URL(url).hostname);
  } catch {
    return false;
  }
}

/** A load aimed at another machine with nothing to stop it when the service starts failing. */
export function remoteTargetWarning(profile: Profile, baseUrl: string | undefined): string | null {
  if (!profile.load || !baseUrl || isLoopbackUrl(baseUrl) || profile.abort_when?.error_rate) return null;
  let host = baseUrl;
  try {
    host = new URL(redactUrl(baseUrl)).host;
  } catch {
    // keep the redacted text
  }
  return `the load goes to ${host}, not this machine, and abort_when.error_rate is not set: nothing stops the load if the service starts failing (add abort_when: { error_rate: { above: 50%, for: 30s } })`;
}

/** Why a run was stopped by scaleproof itself (not by the user). */
export interface StopReason {
  /** `abort_when.error_rate`, ..., or `limits.max_duration`. */
  condition: string;
  message: string;
}

/** One controller for every reason scaleproof stops a run on its own; the first reason wins. */
export class RunStopper {
  readonly #controller = new AbortController();
  #reason: StopReason | null = null;

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get reason(): StopReason | null {
    return this.#reason;
  }

  stop(reason: StopReason): void {
    if (this.#reason) return;
    this.#reason = reason;
    this.#controller.abort(new Error(reason.message));
  }

  /** Stops the run when it has lasted `maxDurationMs`; resolves (without stopping) when `done` aborts. */
  capDuration(clock: Clock, maxDurationMs: number, done: AbortSignal): void {
    clock.sleep(maxDurationMs, done).then(
      () => this.stop({ condition: 'limits.max_duration', message: `limits.max_duration: the run reached its ${formatDuration(maxDurationMs)} limit` }),
      () => {},
    );
  }
}
