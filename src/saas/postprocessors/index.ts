/** The postprocessors by name, run in order on the data of an answer (after data_path, before rows are made). */
import type { Strategy } from '../types.ts';
import { filter, type FilterConfiguration, type FilterValues } from './filter.ts';
import { unwrap, type UnwrapConfiguration } from './unwrap.ts';

export type { FilterValues } from './filter.ts';

export function postprocess(data: unknown, postprocessors: Strategy[] | undefined, values: FilterValues): unknown {
  let result = data;
  for (const postprocessor of postprocessors ?? []) {
    if (postprocessor.strategy === 'unwrap') result = unwrap(result, postprocessor.configuration as unknown as UnwrapConfiguration);
    else if (postprocessor.strategy === 'filter') result = filter(result, postprocessor.configuration as unknown as FilterConfiguration, values);
    else throw new Error(`postprocessor strategy '${postprocessor.strategy}' does not exist`);
  }
  return result;
}
