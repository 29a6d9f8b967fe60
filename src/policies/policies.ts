import type { DatasetField, MaskingStrategyConfig } from '../saas/types.ts';
import { maskValue, masksDataType } from './masking.ts';

/**
 * The built-in policies. A policy says which data categories an access request returns and which fields an erasure
 * masks. Categories match by dotted prefix: a rule on `user` covers `user.contact.email`.
 */
export interface Policy {
  key: string;
  name: string;
  /** Data categories whose fields the access results keep; `*` keeps every categorised field. */
  accessCategories: string[];
  /**
   * Whether the data subject gets access results. An erasure-only policy still reads what it must erase, but skips
   * reads that only poll for an access package, as upstream does.
   */
  accessResults: boolean;
  /** Data categories whose fields an erasure masks; absent for an access-only policy. */
  erasureCategories?: string[];
  /** How those fields are masked (./masking.ts); absent: null_rewrite. A field's masking_strategy_override wins. */
  masking?: MaskingStrategyConfig;
}

export const POLICIES: Record<string, Policy> = {
  default_access_policy: { key: 'default_access_policy', name: 'Default access policy', accessCategories: ['*'], accessResults: true },
  default_erasure_policy: {
    key: 'default_erasure_policy',
    name: 'Default erasure policy',
    accessCategories: ['*'],
    accessResults: true,
    erasureCategories: ['user'],
  },
  string_rewrite_erasure_policy: {
    key: 'string_rewrite_erasure_policy',
    name: 'Erasure policy rewriting strings to MASKED',
    accessCategories: ['*'],
    accessResults: true,
    erasureCategories: ['user'],
    masking: { strategy: 'string_rewrite', configuration: { rewrite_value: 'MASKED' } },
  },
  hash_erasure_policy: {
    key: 'hash_erasure_policy',
    name: 'Erasure policy hashing strings (SHA-256)',
    accessCategories: ['*'],
    accessResults: true,
    erasureCategories: ['user'],
    masking: { strategy: 'hash', configuration: { algorithm: 'SHA-256' } },
  },
  random_string_erasure_policy: {
    key: 'random_string_erasure_policy',
    name: 'Erasure policy rewriting strings to random ones',
    accessCategories: ['*'],
    accessResults: true,
    erasureCategories: ['user'],
    masking: { strategy: 'random_string_rewrite', configuration: { length: 30 } },
  },
  default_erasure_only_policy: {
    key: 'default_erasure_only_policy',
    name: 'Default erasure-only policy',
    accessCategories: ['*'],
    accessResults: false,
    erasureCategories: ['user'],
  },
};

export function findPolicy(key: string): Policy | undefined {
  return Object.hasOwn(POLICIES, key) ? POLICIES[key] : undefined;
}

function covers(targets: string[], categories: string[] | undefined): boolean {
  if (!categories || categories.length === 0) return false;
  return categories.some((category) =>
    targets.some((target) => target === '*' || category === target || category.startsWith(`${target}.`)),
  );
}

/**
 * Keeps the fields of `row` whose data categories `targets` cover; an object field whose own categories are not
 * covered keeps the covered parts of its sub-fields. Fields the dataset does not declare are dropped.
 */
export function filterRow(row: Record<string, unknown>, fields: DatasetField[], targets: string[]): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const field of fields) {
    if (!Object.hasOwn(row, field.name)) continue;
    const value = row[field.name];
    if (covers(targets, field.data_categories)) {
      kept[field.name] = value;
    } else if (field.fields && value !== null && typeof value === 'object') {
      const nested = Array.isArray(value)
        ? value.map((item) => (item && typeof item === 'object' ? filterRow(item as Record<string, unknown>, field.fields!, targets) : item))
        : filterRow(value as Record<string, unknown>, field.fields, targets);
      if (Array.isArray(nested) ? nested.length > 0 : Object.keys(nested).length > 0) kept[field.name] = nested;
    }
  }
  return kept;
}

export interface Masking {
  /** Data categories of the fields to mask. */
  targets: string[];
  strategy: MaskingStrategyConfig;
  /** Salt of the `hash` strategy. */
  salt: string;
}

function maskField(value: unknown, field: DatasetField, masking: Masking): unknown {
  const strategy = field.fides_meta?.masking_strategy_override ?? masking.strategy;
  const length = field.fides_meta?.length;
  const mask = (item: unknown) => {
    if (item === null || item === undefined) return item;
    const masked = maskValue(item, strategy, masking.salt);
    return typeof masked === 'string' && length ? masked.slice(0, length) : masked;
  };
  if (strategy.strategy === 'null_rewrite') return null;
  return Array.isArray(value) ? value.map(mask) : mask(value);
}

/**
 * The fields of `row` an erasure masks, as `{ field: masked value }`, nested as the row is. Primary keys, read_only
 * fields and fields the row lacks are never masked; a strategy other than null_rewrite skips fields whose data type
 * it cannot mask (upstream logs them and moves on).
 */
export function maskedFields(row: Record<string, unknown>, fields: DatasetField[], masking: Masking): Record<string, unknown> {
  const masked: Record<string, unknown> = {};
  for (const field of fields) {
    if (!Object.hasOwn(row, field.name) || field.fides_meta?.read_only || field.fides_meta?.primary_key) continue;
    const value = row[field.name];
    if (covers(masking.targets, field.data_categories)) {
      const strategy = field.fides_meta?.masking_strategy_override ?? masking.strategy;
      if (masksDataType(strategy, field.fides_meta?.data_type)) masked[field.name] = maskField(value, field, masking);
    } else if (field.fields && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const nested = maskedFields(value as Record<string, unknown>, field.fields, masking);
      if (Object.keys(nested).length > 0) masked[field.name] = nested;
    }
  }
  return masked;
}
