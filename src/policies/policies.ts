import type { DatasetField } from '../saas/types.ts';

/**
 * The built-in policies. A policy says which data categories an access request returns and which fields an erasure
 * masks. Categories match by dotted prefix: a rule on `user` covers `user.contact.email`.
 */
export interface Policy {
  key: string;
  name: string;
  /** Data categories whose fields the access results keep; `*` keeps every categorised field. */
  accessCategories: string[];
  /** Data categories whose fields an erasure masks to null; absent for an access-only policy. */
  erasureCategories?: string[];
}

export const POLICIES: Record<string, Policy> = {
  default_access_policy: { key: 'default_access_policy', name: 'Default access policy', accessCategories: ['*'] },
  default_erasure_policy: {
    key: 'default_erasure_policy',
    name: 'Default erasure policy',
    accessCategories: ['*'],
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

/** The fields of `row` an erasure masks, as `{ field: null }` (null_rewrite), nested as the row is. */
export function maskedFields(row: Record<string, unknown>, fields: DatasetField[], targets: string[]): Record<string, unknown> {
  const masked: Record<string, unknown> = {};
  for (const field of fields) {
    if (!Object.hasOwn(row, field.name) || field.fides_meta?.read_only || field.fides_meta?.primary_key) continue;
    const value = row[field.name];
    if (covers(targets, field.data_categories)) {
      masked[field.name] = null;
    } else if (field.fields && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const nested = maskedFields(value as Record<string, unknown>, field.fields, targets);
      if (Object.keys(nested).length > 0) masked[field.name] = nested;
    }
  }
  return masked;
}
