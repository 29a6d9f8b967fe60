import { createHash, randomInt } from 'node:crypto';
import type { MaskingStrategyConfig } from '../saas/types.ts';

/**
 * The masking strategies an erasure policy, or a dataset field's `masking_strategy_override`, names, as upstream's:
 * `null_rewrite` (null), `string_rewrite` (a fixed value), `hash` (SHA-256 or SHA-512 of the value and a salt, in hex)
 * and `random_string_rewrite` (random letters and digits, 30 unless a length is given). Each may append a
 * `format_preservation.suffix` (e.g. `+masked@example.com`). Only null_rewrite applies to any field; the others mask
 * string fields only, as upstream's data type check has it.
 */

export const NULL_REWRITE: MaskingStrategyConfig = { strategy: 'null_rewrite' };

interface Configuration {
  rewrite_value?: string;
  algorithm?: 'SHA-256' | 'SHA-512';
  length?: number;
  format_preservation?: { suffix: string };
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Whether the strategy can mask a field of `dataType` (a dataset data_type, `[]` for lists of it). */
export function masksDataType(strategy: MaskingStrategyConfig, dataType: string | undefined): boolean {
  return strategy.strategy === 'null_rewrite' || dataType?.replace(/\[\]$/, '') === 'string';
}

/** The masked value of one non-null scalar; `salt` keeps hashes of one erasure comparable with each other. */
export function maskValue(value: unknown, strategy: MaskingStrategyConfig, salt: string): unknown {
  const configuration = (strategy.configuration ?? {}) as Configuration;
  const suffix = configuration.format_preservation?.suffix ?? '';
  switch (strategy.strategy) {
    case 'null_rewrite':
      return null;
    case 'string_rewrite':
      return `${configuration.rewrite_value}${suffix}`;
    case 'hash': {
      const algorithm = configuration.algorithm === 'SHA-512' ? 'sha512' : 'sha256';
      return `${createHash(algorithm).update(`${String(value)}${salt}`).digest('hex')}${suffix}`;
    }
    case 'random_string_rewrite':
      return `${Array.from({ length: configuration.length ?? 30 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('')}${suffix}`;
    default:
      throw new Error(`masking strategy '${strategy.strategy}' does not exist`);
  }
}
