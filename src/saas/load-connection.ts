/**
 * Loads a connection from its SaaS config, dataset and secrets, and validates all three together: JSON Schemas
 * (./schemas), then the rules beyond shape (./rules). Every problem found is reported at once: a file that fails its
 * schema is still checked by the rules that need no valid shape (names not registered, names used twice).
 */
import { LineCounter, parseDocument } from 'yaml';
import { DsrflowError, ErrorCodes } from '../errors.ts';
import { overrideRegistry, type OverrideRegistry } from './overrides/registry.ts';
import { checkConfig, checkInvalidConfig } from './rules/config-rules.ts';
import { checkDataset, checkInvalidDataset } from './rules/dataset-rules.ts';
import { checkSecrets } from './rules/secrets-rules.ts';
import { datasetSchema } from './schemas/dataset.schema.ts';
import { saasConfigSchema } from './schemas/saas-config.schema.ts';
import type { Dataset, SaasConfig, Secrets } from './types.ts';
import { compileSchema, formatProblems, ROOT_PATH, type ValidationProblem } from './validation-problems.ts';

export type { ValidationProblem } from './validation-problems.ts';

export interface ConnectionFiles {
  /** The connection key, e.g. "async_example"; it replaces `<instance_fides_key>`. */
  key: string;
  /** YAML text, or an already-parsed object (with root key saas_config). */
  saasConfig: string | object;
  /**
   * YAML text, or a parsed object (root key dataset: a list of datasets). The one whose fides_key is the config's is
   * used, else the first, as upstream does.
   */
  dataset?: string | object;
  /** Left out, the secrets are not checked (validating the files alone). */
  secrets?: Record<string, unknown>;
  /** Name used in messages; default 'saas_config'. */
  configFile?: string;
  /** Name used in messages; default 'dataset'. */
  datasetFile?: string;
}

export interface Validation {
  saas_config?: SaasConfig;
  dataset?: Dataset;
  secrets: Secrets;
  problems: ValidationProblem[];
  /** What upstream accepts but is likely a mistake (a reference to a field the dataset does not declare). */
  warnings: ValidationProblem[];
}

const INSTANCE_KEY = '<instance_fides_key>';

const validateConfig = compileSchema(saasConfigSchema);
const validateDataset = compileSchema(datasetSchema);

type Root = Record<string, unknown>;

/**
 * Parses one file after replacing `<instance_fides_key>` in its text, as upstream does. Returns its root mapping (`{}`
 * when the root is something else, which then lacks its root key), or undefined after recording a YAML syntax error.
 */
function parseFile(content: string | object, key: string, file: string, problems: ValidationProblem[]): Root | undefined {
  let root: unknown;
  if (typeof content === 'string') {
    const lineCounter = new LineCounter();
    const document = parseDocument(content.split(INSTANCE_KEY).join(key), { lineCounter, prettyErrors: false });
    // Only the first syntax error: the ones after it are mostly its echoes.
    const [error] = document.errors;
    if (error) {
      const { line } = lineCounter.linePos(error.pos[0]);
      problems.push({ file, path: ROOT_PATH, message: `YAML syntax error at line ${line}: ${error.message}` });
      return undefined;
    }
    root = document.toJS();
  } else {
    const keyInJson = JSON.stringify(key).slice(1, -1);
    root = JSON.parse(JSON.stringify(content).split(INSTANCE_KEY).join(keyInJson));
  }
  return typeof root === 'object' && root !== null && !Array.isArray(root) ? (root as Root) : {};
}

function readConfig(files: ConnectionFiles, file: string, registry: OverrideRegistry, problems: ValidationProblem[]): SaasConfig | undefined {
  const root = parseFile(files.saasConfig, files.key, file, problems);
  if (!root) return undefined;
  if (!('saas_config' in root)) {
    problems.push({ file, path: ROOT_PATH, message: "must have a 'saas_config' key" });
    return undefined;
  }
  const schemaProblems = validateConfig(root.saas_config, file);
  problems.push(...schemaProblems);
  if (schemaProblems.length === 0) return root.saas_config as SaasConfig;
  if (isMapping(root.saas_config)) problems.push(...checkInvalidConfig(root.saas_config, file, registry));
  return undefined;
}

const isMapping = (value: unknown): value is Root => value !== null && typeof value === 'object' && !Array.isArray(value);

function readDataset(content: string | object, key: string, fidesKey: string | undefined, file: string, problems: ValidationProblem[]): Dataset | undefined {
  const root = parseFile(content, key, file, problems);
  if (!root) return undefined;
  if (!('dataset' in root)) {
    problems.push({ file, path: ROOT_PATH, message: "must have a 'dataset' key" });
    return undefined;
  }
  if (!Array.isArray(root.dataset) || root.dataset.length === 0) {
    problems.push({ file, path: ROOT_PATH, message: "'dataset' must be a list of datasets" });
    return undefined;
  }
  const chosen: unknown = root.dataset.find((d) => (d as Root | null)?.fides_key === fidesKey) ?? root.dataset[0];
  const schemaProblems = validateDataset(chosen, file);
  problems.push(...schemaProblems);
  if (schemaProblems.length > 0) {
    problems.push(...checkInvalidDataset(chosen, file));
    return undefined;
  }
  const dataset = normaliseDataset(chosen as Root);
  const ruleProblems = checkDataset(dataset, file);
  problems.push(...ruleProblems);
  return ruleProblems.length === 0 ? dataset : undefined;
}

/** Renames the legacy `fidesops_meta` to `fides_meta` and drops empty (null) data_categories, at every level. */
function normaliseDataset(dataset: Root): Dataset {
  const normalise = (node: Root): Root => {
    const { fidesops_meta, data_categories, fields, collections, ...rest } = node;
    return {
      ...rest,
      ...(fidesops_meta !== undefined && { fides_meta: fidesops_meta }),
      ...(data_categories !== null && data_categories !== undefined && { data_categories }),
      ...(Array.isArray(fields) && { fields: fields.map(normalise) }),
      ...(Array.isArray(collections) && { collections: collections.map(normalise) }),
    };
  };
  return normalise(dataset) as unknown as Dataset;
}

/** Validates what is given; the dataset and the secrets are checked only when given. */
export function validateConnection(files: ConnectionFiles, registry: OverrideRegistry = overrideRegistry): Validation {
  const configFile = files.configFile ?? 'saas_config';
  const datasetFile = files.datasetFile ?? 'dataset';
  const configProblems: ValidationProblem[] = [];
  const datasetProblems: ValidationProblem[] = [];
  let secretsProblems: ValidationProblem[] = [];

  const config = readConfig(files, configFile, registry, configProblems);
  const dataset = files.dataset === undefined ? undefined : readDataset(files.dataset, files.key, config?.fides_key, datasetFile, datasetProblems);
  let secrets: Secrets = {};
  if (config) {
    configProblems.push(...checkConfig(config, dataset, configFile, registry));
    if (dataset && dataset.fides_key !== config.fides_key) {
      datasetProblems.push({ file: datasetFile, path: 'fides_key', message: `must equal the saas_config fides_key '${config.fides_key}'` });
    }
    if (files.secrets) ({ secrets, problems: secretsProblems } = checkSecrets(config, files.secrets));
  }
  const found = [...configProblems, ...datasetProblems, ...secretsProblems];
  return {
    saas_config: config,
    dataset,
    secrets,
    problems: found.filter((problem) => !problem.warning),
    warnings: found.filter((problem) => problem.warning).map(({ warning: _, ...problem }) => problem),
  };
}

/** Validates a connection's files and secrets together; throws CONNECTION_INVALID listing every problem. */
export function loadConnection(
  files: ConnectionFiles,
  registry: OverrideRegistry = overrideRegistry,
): { saas_config: SaasConfig; dataset: Dataset; secrets: Secrets } {
  const validation = validateConnection({ ...files, secrets: files.secrets ?? {} }, registry);
  const problems = [...validation.problems];
  if (files.dataset === undefined) problems.push({ file: files.datasetFile ?? 'dataset', path: ROOT_PATH, message: 'a connection needs its dataset' });
  const { saas_config: config, dataset, secrets } = validation;
  if (problems.length > 0 || !config || !dataset) {
    throw new DsrflowError(ErrorCodes.CONNECTION_INVALID, formatProblems(problems), { details: problems });
  }
  return { saas_config: config, dataset, secrets };
}
