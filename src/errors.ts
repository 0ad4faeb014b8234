/**
 * Exit codes are part of the CLI contract that CI gates rely on.
 * 0 every target met, 1 a target failed or the run was aborted by its kill switch (`abort_when`)
 * or `limits.max_duration`, 2 bad input or configuration, 3 the run could not complete.
 * 130 / 143 are the shell conventions for SIGINT / SIGTERM.
 */
export const ExitCode = {
  ok: 0,
  targetFailed: 1,
  badInput: 2,
  runFailed: 3,
  interrupted: 130,
  terminated: 143,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Base for every error scaleproof shows to a user: the message is the whole story, no stack. */
export class ScaleproofError extends Error {
  readonly exitCode: ExitCodeValue;
  /** One line on what to do about it. */
  readonly hint: string | undefined;
  constructor(message: string, exitCode: ExitCodeValue, options?: { hint?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.hint = options?.hint;
  }
}

/** One problem found in a profile, located in the file. */
export interface ProfileIssue {
  /** Dotted path of the field, e.g. `load.stages[2].duration`. */
  path: string;
  /** 1-based line and column in the YAML file, when the field exists there. */
  line?: number;
  column?: number;
  /** What is wrong and what is allowed. */
  message: string;
}

/** The profile is not valid: exit 2 with file:line:column for each issue. */
export class ProfileError extends ScaleproofError {
  readonly file: string;
  readonly issues: readonly ProfileIssue[];
  constructor(file: string, issues: readonly ProfileIssue[]) {
    super(formatProfileIssues(file, issues), 2);
    this.file = file;
    this.issues = issues;
  }
}

export function formatProfileIssues(file: string, issues: readonly ProfileIssue[]): string {
  const lines = issues.map((i) => {
    const where = i.line === undefined ? file : `${file}:${i.line}:${i.column ?? 1}`;
    return `${where}: ${i.path ? `${i.path}: ` : ''}${i.message}`;
  });
  return `invalid profile (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines.join('\n')}`;
}

/** Bad command-line usage or an unusable input file (not a profile). Exit 2. */
export class UsageError extends ScaleproofError {
  constructor(message: string, hint?: string) {
    super(message, 2, hint === undefined ? undefined : { hint });
  }
}

/**
 * A provider could not reach or read its platform. `kind` lets the run decide between
 * "stop, the user must fix something" (exit 2) and "record a gap and carry on".
 */
export type ProviderErrorKind =
  | 'credentials' // no usable credentials; the message names the chain that was tried
  | 'access-denied' // credentials work, a permission is missing; the message names it
  | 'not-found' // cluster / service / app does not exist
  | 'throttled' // the API asked us to slow down
  | 'unavailable' // 5xx, timeout, dropped connection
  | 'bad-response' // malformed or partial response
  | 'config'; // the provider settings in the profile are unusable

export class ProviderError extends ScaleproofError {
  readonly provider: string;
  readonly kind: ProviderErrorKind;
  /** True when trying again later may succeed (throttled, unavailable). */
  readonly retryable: boolean;
  constructor(
    provider: string,
    kind: ProviderErrorKind,
    message: string,
    options?: { hint?: string; cause?: unknown; retryAfterMs?: number },
  ) {
    const retryable = kind === 'throttled' || kind === 'unavailable' || kind === 'bad-response';
    super(`${provider}: ${message}`, retryable ? 3 : 2, options);
    this.provider = provider;
    this.kind = kind;
    this.retryable = retryable;
    this.retryAfterMs = options?.retryAfterMs;
  }
  readonly retryAfterMs: number | undefined;
}

/** The run started but could not complete (target unreachable, local platform died...). Exit 3. */
export class RunError extends ScaleproofError {
  constructor(message: string, options?: { hint?: string; cause?: unknown }) {
    super(message, 3, options);
  }
}
