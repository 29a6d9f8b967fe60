import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * The one root logger; modules take a child of it. Secrets, tokens and identities never reach a log line: log lines
 * name things by id and path template, and the fields that could carry a value are censored besides.
 * `destination` is for tests, which read the lines back; by default lines go to stdout.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'dsrflow' },
    redact: {
      paths: [
        'secrets',
        '*.secrets',
        'identity',
        '*.identity',
        'token',
        '*.token',
        'api_key',
        '*.api_key',
        'authorization',
        'headers.authorization',
        'headers.cookie',
        'headers["reply-to-token"]',
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
