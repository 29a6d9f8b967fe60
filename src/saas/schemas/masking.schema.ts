/**
 * JSON Schema of a masking strategy, as a dataset field's `masking_strategy_override` names it. The strategies are
 * run by ../../policies/masking.ts.
 */
import type { SchemaObject } from 'ajv';
import { fail } from '../validation-problems.ts';
import { byStrategy, noConfiguration, record, string } from './common.ts';

const formatPreservation = record({ suffix: string }, ['suffix']);

export const maskingStrategySchema: SchemaObject = byStrategy(
  'masking',
  {
    null_rewrite: noConfiguration,
    string_rewrite: record({ rewrite_value: string, format_preservation: formatPreservation }, ['rewrite_value']),
    hash: record({ algorithm: { enum: ['SHA-256', 'SHA-512'] }, format_preservation: formatPreservation }),
    random_string_rewrite: record({ length: { type: 'integer', minimum: 1 }, format_preservation: formatPreservation }),
  },
  {
    properties: {
      strategy: {
        if: { enum: ['hmac', 'aes_encrypt'] },
        then: fail("masking strategy '{value}' is not supported yet"),
        else: fail("masking strategy '{value}' does not exist; it is one of null_rewrite, string_rewrite, hash, random_string_rewrite"),
      },
    },
  },
);
