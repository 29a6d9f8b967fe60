/**
 * `filter`: keeps the rows whose `field` (a dotted path; lists of objects along it are searched item by item) matches
 * `value`: a literal, an identity of the privacy request, or a value of another collection's access rows
 * (`dataset_reference: <dataset>.<collection>.<field>`). Strings match equal, or contain it when `exact` is false,
 * ignoring case when `case_sensitive` is false; numbers match equal. A missing identity or reference keeps no row.
 */
import { valuesAt } from '../../graph/task-inputs.ts';

export interface FilterConfiguration {
  field: string;
  value: string | number | boolean | { identity: string } | { dataset_reference: string };
  exact?: boolean;
  case_sensitive?: boolean;
}

export interface FilterValues {
  identity: Record<string, string>;
  /** Values of a field of another collection's access rows, by `<dataset>.<collection>.<field>`. */
  reference: (reference: string) => unknown[];
}

export class FilterError extends Error {
  override readonly name = 'FilterError';
}

function wanted(configuration: FilterConfiguration, values: FilterValues): unknown[] {
  const { value } = configuration;
  if (typeof value !== 'object') return [value];
  if ('identity' in value) return values.identity[value.identity] === undefined ? [] : [values.identity[value.identity]];
  return values.reference(value.dataset_reference);
}

function matches(found: unknown, target: unknown, configuration: FilterConfiguration): boolean {
  if (typeof found === 'string' && typeof target === 'string') {
    const fold = (text: string) => (configuration.case_sensitive === false ? text.toLowerCase() : text);
    return configuration.exact === false ? fold(found).includes(fold(target)) : fold(found) === fold(target);
  }
  return found === target;
}

function keeps(item: unknown, targets: unknown[], configuration: FilterConfiguration): boolean {
  const found = valuesAt(item, configuration.field).flatMap((value) => (Array.isArray(value) ? value : [value]));
  const kinds = new Set(found.map((value) => typeof value));
  if (kinds.has('string') && kinds.has('number')) {
    throw new FilterError(`the values at '${configuration.field}' mix strings and numbers`);
  }
  return found.some((value) => targets.some((target) => matches(value, target, configuration)));
}

export function filter(data: unknown, configuration: FilterConfiguration, values: FilterValues): unknown {
  const targets = wanted(configuration, values);
  if (targets.length === 0) return [];
  if (Array.isArray(data)) return data.filter((item) => keeps(item, targets, configuration));
  return keeps(data, targets, configuration) ? data : [];
}
