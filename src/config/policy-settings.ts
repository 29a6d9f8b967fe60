import { POLICIES } from '../policies/policies.ts';
import { SettingError, shownValue } from './setting-error.ts';
import { isObject } from '../is-object.ts';
import { parseWholeNumber } from './units.ts';

/**
 * The config file's `policies` block: settings of the built-in policies by policy key, for now only their due days,
 * `policies: {default_erasure_policy: {due_days: 45}}`. A policy left out keeps the engine's `due_days`.
 */

const SETTINGS = ['due_days'];

/** Days to a due date: a whole number from 1 to 3650, as a number or (from an environment variable) as text. */
export const parseDueDays = (value: unknown): number | undefined => parseWholeNumber(value, 1, 3650);

export function dueDaysProblem(value: unknown): string {
  return `${shownValue(value)} is not a whole number of days from 1 to 3650`;
}

/** Reads the `policies` block into due days by policy key; throws a SettingError naming the first key that is wrong. */
export function parsePolicyDueDays(value: unknown, path = 'policies'): Record<string, number> {
  if (!isObject(value)) throw new SettingError(path, 'must be an object with a block per policy key, e.g. {default_erasure_policy: {due_days: 45}}');
  const dueDays: Record<string, number> = {};
  for (const [key, block] of Object.entries(value)) {
    const at = `${path}.${key}`;
    if (!Object.hasOwn(POLICIES, key)) throw new SettingError(at, `is not a policy; they are ${Object.keys(POLICIES).join(', ')}`);
    if (!isObject(block)) throw new SettingError(at, `must be an object with any of ${SETTINGS.join(', ')}`);
    const unknown = Object.keys(block).find((name) => !SETTINGS.includes(name));
    if (unknown !== undefined) throw new SettingError(`${at}.${unknown}`, `is not a policy setting; they are ${SETTINGS.join(', ')}`);
    if (block.due_days === undefined) continue;
    // Text is for environment variables only: in the file, days are a number.
    const days = typeof block.due_days === 'number' ? parseDueDays(block.due_days) : undefined;
    if (days === undefined) throw new SettingError(`${at}.due_days`, dueDaysProblem(block.due_days));
    dueDays[key] = days;
  }
  return dueDays;
}
