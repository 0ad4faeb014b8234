/** A tiny logger interface so providers and the run can log without knowing where it goes. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
}

/** Writes to stderr so stdout stays clean for reports; debug only with SCALEPROOF_DEBUG=1. */
export function stderrLogger(env: Readonly<Record<string, string | undefined>> = process.env): Logger {
  const debug = env.SCALEPROOF_DEBUG === '1';
  return {
    info: (m) => process.stderr.write(`${m}\n`),
    warn: (m) => process.stderr.write(`warning: ${m}\n`),
    debug: (m) => {
      if (debug) process.stderr.write(`debug: ${m}\n`);
    },
  };
}

export const silentLogger: Logger = { info: () => {}, warn: () => {}, debug: () => {} };
