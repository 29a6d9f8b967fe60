/**
 * Loads a connection from its SaaS config, dataset and secrets, and validates all three together. Every problem
 * found is reported at once, in one CONNECTION_INVALID error whose `details` lists them.
 */
import { LineCounter, parseDocument } from 'yaml';
import { DsrflowError, ErrorCodes } from '../errors.ts';
import { checkConfig, checkDataset, checkSecrets } from './connection-rules.ts';
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
  /** YAML text, or a parsed object (root key dataset: a list holding exactly one dataset). */
  dataset: string | object;
  secrets?: Record<string, unknown>;
  /** Name used in messages; default 'saas_config'. */
  configFile?: string;
  /** Name used in messages; default 'dataset'. */
  datasetFile?: string;
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

function readConfig(files: ConnectionFiles, file: string, problems: ValidationProblem[]): SaasConfig | undefined {
  const root = parseFile(files.saasConfig, files.key, file, problems);
  if (!root) return undefined;
  if (!('saas_config' in root)) {
    problems.push({ file, path: ROOT_PATH, message: "must have a 'saas_config' key" });
    return undefined;
  }
  const schemaProblems = validateConfig(root.saas_config, file);
  problems.push(...schemaProblems);
  return schemaProblems.length === 0 ? (root.saas_config as SaasConfig) : undefined;
}

function readDataset(files: ConnectionFiles, file: string, problems: ValidationProblem[]): Dataset | undefined {
  const root = parseFile(files.dataset, files.key, file, problems);
  if (!root) return undefined;
  if (!('dataset' in root)) {
    problems.push({ file, path: ROOT_PATH, message: "must have a 'dataset' key" });
    return undefined;
  }
  if (!Array.isArray(root.dataset) || root.dataset.length !== 1) {
    problems.push({ file, path: ROOT_PATH, message: "'dataset' must be a list holding exactly one dataset" });
    return undefined;
  }
  const schemaProblems = validateDataset(root.dataset[0], file);
  problems.push(...schemaProblems);
  if (schemaProblems.length > 0) return undefined;
  const dataset = normaliseDataset(root.dataset[0]);
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

export function loadConnection(files: ConnectionFiles): { saas_config: SaasConfig; dataset: Dataset; secrets: Secrets } {
  const configFile = files.configFile ?? 'saas_config';
  const datasetFile = files.datasetFile ?? 'dataset';
  const configProblems: ValidationProblem[] = [];
  const datasetProblems: ValidationProblem[] = [];
  let secretsProblems: ValidationProblem[] = [];

  const config = readConfig(files, configFile, configProblems);
  const dataset = readDataset(files, datasetFile, datasetProblems);
  let secrets: Secrets = {};
  if (config) {
    const collections = dataset?.collections.map((collection) => collection.name);
    configProblems.push(...checkConfig(config, collections, configFile));
    if (dataset && dataset.fides_key !== config.fides_key) {
      datasetProblems.push({
        file: datasetFile,
        path: 'fides_key',
        message: `must equal the saas_config fides_key '${config.fides_key}'`,
      });
    }
    ({ secrets, problems: secretsProblems } = checkSecrets(config.connector_params, files.secrets ?? {}));
  }

  const problems = [...configProblems, ...datasetProblems, ...secretsProblems];
  if (problems.length > 0 || !config || !dataset) {
    throw new DsrflowError(ErrorCodes.CONNECTION_INVALID, formatProblems(problems), { details: problems });
  }
  return { saas_config: config, dataset, secrets };
}
