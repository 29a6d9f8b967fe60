import pino, { type Logger } from 'pino';

/** The one root logger; modules take a child of it. Secrets, tokens and identities never reach a log line. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'dsrflow' },
    redact: {
      paths: ['secrets', '*.secrets', 'identity', '*.identity', 'token', '*.token', 'headers.authorization'],
      censor: '[redacted]',
    },
  });
}

export type { Logger };
