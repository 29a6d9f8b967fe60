/**
 * `unwrap`: the value at `data_path` of an object; of a list, the value at `data_path` of each item, misses dropped
 * and lists flattened one level (GraphQL's `edges[].node`).
 */
import { lookupPath } from '../placeholders.ts';

export interface UnwrapConfiguration {
  data_path: string;
}

export function unwrap(data: unknown, configuration: UnwrapConfiguration): unknown {
  if (Array.isArray(data)) {
    return data.flatMap((item) => {
      const value = lookupPath(item, configuration.data_path);
      if (value === undefined || value === null) return [];
      return Array.isArray(value) ? value : [value];
    });
  }
  if (data !== null && typeof data === 'object') return lookupPath(data, configuration.data_path) ?? [];
  return data;
}
