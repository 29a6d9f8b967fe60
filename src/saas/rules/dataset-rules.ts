/**
 * The rules of a schema-valid dataset beyond its schema, as fideslang has them: unique collection names, unique field
 * names within their parent, sub-fields only on object fields, return_all_elements only on array fields.
 */
import type { Dataset, DatasetField } from '../types.ts';
import type { ValidationProblem } from '../validation-problems.ts';
import { duplicateNames } from './duplicate-names.ts';

function fieldProblems(field: DatasetField, at: string, file: string): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const type = field.fides_meta?.data_type;
  if (field.fields && type !== undefined && !['object', 'object[]'].includes(type)) {
    problems.push({ file, path: `${at}.fides_meta.data_type`, message: `the data type '${type}' is not compatible with sub-fields` });
  }
  if (field.fides_meta?.return_all_elements !== undefined && !type?.endsWith('[]')) {
    problems.push({ file, path: `${at}.fides_meta.return_all_elements`, message: 'can only be set on array fields' });
  }
  return problems;
}

function checkFields(fields: DatasetField[], at: string, file: string): ValidationProblem[] {
  return [
    ...duplicateNames(fields, at, 'field', file),
    ...fields.flatMap((field, i) => [
      ...fieldProblems(field, `${at}[${i}]`, file),
      ...(field.fields ? checkFields(field.fields, `${at}[${i}].fields`, file) : []),
    ]),
  ];
}

/** What can still be checked of a dataset that failed its schema: collections named twice. */
export function checkInvalidDataset(dataset: unknown, file: string): ValidationProblem[] {
  const collections = (dataset as { collections?: unknown } | null)?.collections;
  return Array.isArray(collections) ? duplicateNames(collections, 'collections', 'collection', file) : [];
}

export function checkDataset(dataset: Dataset, file: string): ValidationProblem[] {
  return [
    ...duplicateNames(dataset.collections, 'collections', 'collection', file),
    ...dataset.collections.flatMap((collection, i) => checkFields(collection.fields, `collections[${i}].fields`, file)),
  ];
}
