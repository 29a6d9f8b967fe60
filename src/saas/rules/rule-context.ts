/**
 * What the rules of a SaaS config know beside the config itself: the file name for problems, the connector_param
 * names, the registry of overrides, and the collections (with their field paths) a reference may name.
 */
import type { OverrideRegistry } from '../overrides/registry.ts';
import type { Dataset, DatasetField, SaasConfig } from '../types.ts';
import type { ValidationProblem } from '../validation-problems.ts';
import { readRequests } from './walk-config.ts';

/** Field names of a collection, each with its sub-fields when the dataset declares them. */
export type FieldTree = Map<string, FieldTree | undefined>;

export interface RuleContext {
  config: SaasConfig;
  file: string;
  connectorParams: string[];
  registry: OverrideRegistry;
  /** The collections of this connector; undefined when its dataset is invalid or not given, and so unknown. */
  collections?: Map<string, FieldTree>;
}

function tree(fields: DatasetField[]): FieldTree {
  return new Map(fields.map((field) => [field.name, field.fields ? tree(field.fields) : undefined]));
}

/**
 * The collections a reference may name: the dataset's, with their fields, merged with the endpoints' (whose
 * param_values are fields of their collection too, as upstream's graph makes them).
 */
export function collectionsOf(config: SaasConfig, dataset: Dataset): Map<string, FieldTree> {
  const collections = new Map(dataset.collections.map((collection) => [collection.name, tree(collection.fields)]));
  for (const endpoint of config.endpoints) {
    const fields = collections.get(endpoint.name) ?? new Map();
    const params = [...readRequests(endpoint), endpoint.requests.delete].flatMap((request) => request?.param_values ?? []);
    for (const param of params) if (!fields.has(param.name)) fields.set(param.name, undefined);
    collections.set(endpoint.name, fields);
  }
  return collections;
}

/** Whether `path` (dotted) names a field of the tree; below a field without declared sub-fields, anything goes. */
export function hasFieldPath(fields: FieldTree, path: string): boolean {
  const [first, ...rest] = path.split('.');
  if (!fields.has(first as string)) return false;
  const sub = fields.get(first as string);
  return rest.length === 0 || sub === undefined || hasFieldPath(sub, rest.join('.'));
}

/** What the registration rules need, which also check a config that failed its schema. */
export type RegistrationContext = Pick<RuleContext, 'file' | 'registry'>;

export function problemAt(cx: Pick<RuleContext, 'file'>, path: string, message: string): ValidationProblem {
  return { file: cx.file, path, message };
}

export function warningAt(cx: Pick<RuleContext, 'file'>, path: string, message: string): ValidationProblem {
  return { file: cx.file, path, message, warning: true };
}
