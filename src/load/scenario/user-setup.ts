/**
 * `setup.per: user`: every virtual user sends the setup requests (a login, say) before its first
 * request and keeps what they capture, so each user carries its own token as real clients do.
 * These requests are load like any other: sent on the shard's connections and recorded under
 * their own names, so a login that slows down during a spike shows in the report.
 *
 * A step succeeds on a 2xx that passes its checks and yields every capture; otherwise it counts
 * as a failed check of that step and the user starts its setup again after `retryMs`.
 * Captured values stay in memory, in the user's closure; they are never recorded.
 */
import type { LoadSpec } from '../../profile/schema.js';
import { prepareRequests, prepareSetupRequests, type PreparedRequest } from '../request-options.js';
import { captureValues } from './checks.js';

export type Vars = Readonly<Record<string, string>>;

export interface SetupStep {
  request: PreparedRequest;
  /** The values this step captured (valid once its request passed). */
  captured(): Vars;
}

/** Pause before a user whose setup failed tries again: its think time, at least a second. */
const MIN_RETRY_MS = 1000;

export class UserSetup {
  readonly #baseUrl: string;
  readonly #load: LoadSpec;
  readonly #env: Readonly<Record<string, string | undefined>>;
  readonly #steps: NonNullable<LoadSpec['setup']>['requests'];
  /** Record index of step 0 (the load's requests come first). */
  readonly firstKey: number;
  readonly retryMs: number;

  constructor(baseUrl: string, load: LoadSpec, env: Readonly<Record<string, string | undefined>>) {
    this.#baseUrl = baseUrl;
    this.#load = load;
    this.#env = env;
    this.#steps = load.setup?.requests ?? [];
    this.firstKey = load.requests.length;
    this.retryMs = Math.max(MIN_RETRY_MS, load.think_time);
  }

  get steps(): number {
    return this.#steps.length;
  }

  /** Step `k` of a user that has captured `vars` so far. */
  step(k: number, vars: Vars): SetupStep {
    const spec = this.#steps[k]!;
    const [base] = prepareSetupRequests(this.#baseUrl, this.#load, [spec], { env: this.#env, vars });
    let captured: Vars = {};
    const request: PreparedRequest = {
      ...base!,
      readBody: true,
      check: (status, body, truncated) => {
        if (status < 200 || status >= 300) return false;
        if (base!.check && !base!.check(status, body, truncated)) return false;
        const missing: string[] = [];
        captured = captureValues(spec.capture, truncated ? null : body, missing);
        return missing.length === 0;
      },
    };
    return { request, captured: () => captured };
  }

  /** The load's requests as this user sends them, with its own captured values. */
  requestsFor(vars: Vars): PreparedRequest[] {
    return prepareRequests(this.#baseUrl, this.#load, { env: this.#env, vars });
  }
}

/**
 * Stand-ins for every value the setup captures, so the load's requests can be checked for
 * problems once, before any load, when each user will capture its own values later.
 */
export function placeholderVars(load: Pick<LoadSpec, 'setup'>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const step of load.setup?.requests ?? []) for (const name of Object.keys(step.capture)) out[name] = '';
  return out;
}
