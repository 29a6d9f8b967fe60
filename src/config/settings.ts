import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { DsrflowError, ErrorCodes } from '../errors.ts';
import type { ConnectionFiles } from '../saas/load-connection.ts';
import { MissingVariableError, substituteEnv } from './env-substitution.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../actors/retry-policy.ts';
import { dueDaysProblem, parseDueDays, parsePolicyDueDays } from './policy-settings.ts';
import { durationProblem, parseRetryCount, parseRetryOverride, retryCountProblem, type RetryOverride } from './retry-override.ts';
import { SettingError, shownValue } from './setting-error.ts';
import { isObject } from '../is-object.ts';
import { parseDurationMs, parseDurationSeconds, parseSizeBytes } from './units.ts';

/**
 * dsrflow's configuration: defaults, then the config file (`dsrflow.yaml`), then environment variables, each
 * overriding the one before. README.md lists every setting.
 */

export interface Settings {
  host: string;
  port: number;
  /** The base URL third parties reach this engine at; `reply_to` is built from it. Default: the listening address. */
  publicUrl?: string;
  dataDir: string;
  apiKey?: string;
  callbackSecret?: string;
  callbackTokenTtlSeconds: number;
  callbackBodyLimitBytes: number;
  /** How long a task waits for its callback before it fails. */
  callbackTimeoutMs: number;
  /** When set, how long a waiting task may go without a heartbeat or its callback. */
  callbackHeartbeatTimeoutMs?: number;
  retry: RetryPolicy;
  /** How long a polling task waits between two checks, and how long it polls before it fails. */
  pollingIntervalMs: number;
  pollingTimeoutMs: number;
  /** How often the store's timer index is swept for deadlines and retries that are due. */
  timerSweepIntervalMs: number;
  /** Days from submission to a privacy request's due date, for policies that set none. */
  dueDays: number;
  /** A policy's own due days, by policy key (the config file's `policies` block). */
  policyDueDays: Record<string, number>;
  logLevel: string;
  /** The folder of request_override and authentication strategy modules (src/saas/overrides), when there is one. */
  overridesDir?: string;
  connections: ConfiguredConnection[];
}

/** A connection of the config file: its files and secrets, and its own retry policy when it has one. */
export type ConfiguredConnection = ConnectionFiles & { retry?: RetryOverride };

export const DEFAULT_SETTINGS: Settings = {
  host: '127.0.0.1',
  port: 8080,
  dataDir: './data',
  callbackTokenTtlSeconds: 7 * 86400,
  callbackBodyLimitBytes: 10 * 1024 * 1024,
  callbackTimeoutMs: 7 * 86_400_000,
  retry: DEFAULT_RETRY_POLICY,
  pollingIntervalMs: 3_600_000,
  pollingTimeoutMs: 30 * 86_400_000,
  timerSweepIntervalMs: 1000,
  dueDays: 30,
  policyDueDays: {},
  logLevel: 'info',
  connections: [],
};

const fileSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    host: { type: 'string', minLength: 1 },
    port: { type: 'integer', minimum: 0, maximum: 65535 },
    public_url: { type: 'string', pattern: '^https?://' },
    data_dir: { type: 'string', minLength: 1 },
    api_key: { type: 'string' },
    callback_secret: { type: 'string' },
    callback_token_ttl: { type: ['string', 'integer'] },
    callback_body_limit: { type: ['string', 'integer'] },
    callback_timeout: { type: ['string', 'integer'] },
    callback_heartbeat_timeout: { type: ['string', 'integer'] },
    task_retry_count: { type: 'integer', minimum: 0, maximum: 100 },
    task_retry_delay: { type: ['string', 'integer'] },
    task_retry_max_delay: { type: ['string', 'integer'] },
    timer_sweep_interval: { type: ['string', 'integer'] },
    polling_interval: { type: ['string', 'integer'] },
    polling_timeout: { type: ['string', 'integer'] },
    due_days: { type: 'integer', minimum: 1, maximum: 3650 },
    // Checked by parsePolicyDueDays, whose messages name the policy, the key and the values it takes.
    policies: {},
    log_level: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
    overrides_dir: { type: 'string', minLength: 1 },
    connections: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['key', 'saas_config', 'dataset'],
        properties: {
          key: { type: 'string' },
          saas_config: { type: 'string' },
          dataset: { type: 'string' },
          secrets: { type: 'object', additionalProperties: { type: ['string', 'number'] } },
          // Checked by parseRetryOverride, whose messages name the key and the values it takes.
          retry: {},
        },
      },
    },
  },
} as const;

const validateFile = new Ajv({ allErrors: true, allowUnionTypes: true }).compile(fileSchema);

const ENV = {
  DSRFLOW_HOST: 'host',
  DSRFLOW_PORT: 'port',
  DSRFLOW_PUBLIC_URL: 'public_url',
  DSRFLOW_DATA_DIR: 'data_dir',
  DSRFLOW_API_KEY: 'api_key',
  DSRFLOW_CALLBACK_SECRET: 'callback_secret',
  DSRFLOW_CALLBACK_TOKEN_TTL: 'callback_token_ttl',
  DSRFLOW_CALLBACK_BODY_LIMIT: 'callback_body_limit',
  DSRFLOW_CALLBACK_TIMEOUT: 'callback_timeout',
  DSRFLOW_CALLBACK_HEARTBEAT_TIMEOUT: 'callback_heartbeat_timeout',
  DSRFLOW_TASK_RETRY_COUNT: 'task_retry_count',
  DSRFLOW_TASK_RETRY_DELAY: 'task_retry_delay',
  DSRFLOW_TASK_RETRY_MAX_DELAY: 'task_retry_max_delay',
  DSRFLOW_TIMER_SWEEP_INTERVAL: 'timer_sweep_interval',
  DSRFLOW_POLLING_INTERVAL: 'polling_interval',
  DSRFLOW_POLLING_TIMEOUT: 'polling_timeout',
  DSRFLOW_DUE_DAYS: 'due_days',
  DSRFLOW_LOG_LEVEL: 'log_level',
  DSRFLOW_OVERRIDES_DIR: 'overrides_dir',
} as const;

const invalid = (where: string, message: string) => new DsrflowError(ErrorCodes.CONFIG_INVALID, `${where}: ${message}`);

function readYamlFile(path: string): unknown {
  try {
    return parseYaml(readFileSync(path, 'utf8')) ?? {};
  } catch (err) {
    throw invalid(path, `cannot be read: ${(err as Error).message}`);
  }
}

function substituted(value: unknown, env: NodeJS.ProcessEnv, path: string, at?: string): unknown {
  try {
    return substituteEnv(value, env, at);
  } catch (err) {
    if (err instanceof MissingVariableError) throw invalid(`${path}: ${err.path}`, err.message);
    throw err;
  }
}

function readConfigFile(path: string, env: NodeJS.ProcessEnv): Record<string, unknown> {
  const parsed = substituted(readYamlFile(path), env, path);
  if (!validateFile(parsed)) {
    const problems = (validateFile.errors ?? []).map((e) => {
      const at = e.instancePath.replace(/^\//, '').replace(/\/(\d+)/g, '[$1]').replace(/\//g, '.') || '(root)';
      const extra = e.keyword === 'additionalProperties' ? ` '${(e.params as { additionalProperty: string }).additionalProperty}'` : '';
      return `${at}: ${e.message}${extra}`;
    });
    throw invalid(path, problems.join('; '));
  }
  return parsed as Record<string, unknown>;
}

/** Reads a block of the config file at `path`, a SettingError it throws placed in that file. */
function readBlock<T>(path: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof SettingError) throw invalid(`${path}: ${err.path}`, err.problem);
    throw err;
  }
}

function policyDueDaysFrom(file: Record<string, unknown>, path: string): Record<string, number> {
  return file.policies === undefined ? {} : readBlock(path, () => parsePolicyDueDays(file.policies));
}

function connectionsFrom(file: Record<string, unknown>, path: string): ConfiguredConnection[] {
  const base = dirname(path);
  const entries = (file.connections ?? []) as { key: string; saas_config: string; dataset: string; secrets?: Record<string, unknown>; retry?: unknown }[];
  return entries.map((entry, i) => {
    const read = (what: 'saas_config' | 'dataset') => {
      const filePath = resolve(base, entry[what]);
      try {
        return { filePath, text: readFileSync(filePath, 'utf8') };
      } catch (err) {
        throw invalid(`${path}: connections[${i}].${what}`, `cannot read ${filePath}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
    };
    const config = read('saas_config');
    const dataset = read('dataset');
    const retry = entry.retry === undefined ? undefined : readBlock(path, () => parseRetryOverride(entry.retry, `connections[${i}].retry`));
    return {
      key: entry.key,
      saasConfig: config.text,
      dataset: dataset.text,
      secrets: entry.secrets ?? {},
      configFile: entry.saas_config,
      datasetFile: entry.dataset,
      ...(retry ? { retry } : {}),
    };
  });
}

/**
 * The config file: the one named on the command line or in DSRFLOW_CONFIG, which must exist; without one,
 * `./dsrflow.yaml`, read when it exists.
 */
function configFileOf(env: NodeJS.ProcessEnv, configPath: string | undefined, cwd: string): { path: string; exists: boolean } {
  const explicit = configPath ?? env.DSRFLOW_CONFIG;
  const path = explicit ? resolve(cwd, explicit) : resolve(cwd, 'dsrflow.yaml');
  const exists = existsSync(path);
  if (explicit && !exists) throw invalid(path, 'config file not found');
  return { path, exists };
}

/** A folder setting given in the config file is relative to that file; one given in an environment variable, to `cwd`. */
function folderOf(value: unknown, inFile: boolean, path: string, cwd: string): string {
  return resolve(inFile ? dirname(path) : cwd, String(value));
}

/**
 * The overrides folder alone, as `loadSettings` finds it, for `dsrflow validate`: a connection or a `${VAR}` of the
 * config file that has nothing to do with it must not stop a connector file from being checked.
 */
export function loadOverridesDir(env: NodeJS.ProcessEnv, configPath?: string, cwd = process.cwd()): string | undefined {
  const { path, exists } = configFileOf(env, configPath, cwd);
  if (env.DSRFLOW_OVERRIDES_DIR) return folderOf(env.DSRFLOW_OVERRIDES_DIR, false, path, cwd);
  const file = exists ? readYamlFile(path) : undefined;
  const raw = isObject(file) ? file.overrides_dir : undefined;
  if (raw === undefined) return undefined;
  const dir = substituted(raw, env, path, 'overrides_dir');
  if (typeof dir !== 'string' || dir === '') throw invalid(`${path}: overrides_dir`, `${shownValue(dir)} is not a folder`);
  return folderOf(dir, true, path, cwd);
}

/**
 * `configPath` is the file named on the command line or in DSRFLOW_CONFIG; without one, `./dsrflow.yaml` is read
 * when it exists.
 */
export function loadSettings(env: NodeJS.ProcessEnv, configPath?: string, cwd = process.cwd()): Settings {
  const { path, exists } = configFileOf(env, configPath, cwd);
  const file = exists ? readConfigFile(path, env) : {};
  const merged: Record<string, unknown> = { ...file };
  for (const [variable, key] of Object.entries(ENV)) if (env[variable] !== undefined && env[variable] !== '') merged[key] = env[variable];

  const settings: Settings = {
    ...DEFAULT_SETTINGS,
    policyDueDays: policyDueDaysFrom(file, path),
    connections: exists ? connectionsFrom(file, path) : [],
  };
  if (merged.host !== undefined) settings.host = String(merged.host);
  if (merged.port !== undefined) {
    const port = Number(merged.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw invalid('port', `'${merged.port}' is not a port number`);
    settings.port = port;
  }
  if (merged.public_url !== undefined) {
    const url = String(merged.public_url).replace(/\/+$/, '');
    if (!/^https?:\/\/[^/]+/.test(url)) throw invalid('public_url', `'${url}' must be an http(s) URL`);
    settings.publicUrl = url;
  }
  if (merged.data_dir !== undefined) settings.dataDir = String(merged.data_dir);
  settings.dataDir = folderOf(settings.dataDir, exists && !env.DSRFLOW_DATA_DIR, path, cwd);
  if (merged.api_key) settings.apiKey = String(merged.api_key);
  if (merged.callback_secret) {
    settings.callbackSecret = String(merged.callback_secret);
    if (settings.callbackSecret.length < 32) throw invalid('callback_secret', 'must be at least 32 characters');
  }
  if (merged.callback_token_ttl !== undefined) {
    const ttl = parseDurationSeconds(merged.callback_token_ttl as string);
    if (ttl === undefined) throw invalid('callback_token_ttl', `'${merged.callback_token_ttl}' is not a duration such as 7d, 12h, 30m or 3600`);
    settings.callbackTokenTtlSeconds = ttl;
  }
  if (merged.callback_body_limit !== undefined) {
    const limit = parseSizeBytes(merged.callback_body_limit as string);
    if (limit === undefined) throw invalid('callback_body_limit', `'${merged.callback_body_limit}' is not a size such as 10mb, 512kb or 1048576`);
    settings.callbackBodyLimitBytes = limit;
  }
  const duration = (key: string) => {
    if (merged[key] === undefined) return undefined;
    const ms = parseDurationMs(merged[key] as string);
    if (ms === undefined) throw invalid(key, durationProblem(merged[key]));
    return ms;
  };
  settings.callbackTimeoutMs = duration('callback_timeout') ?? settings.callbackTimeoutMs;
  const heartbeat = duration('callback_heartbeat_timeout');
  if (heartbeat !== undefined) settings.callbackHeartbeatTimeoutMs = heartbeat;
  settings.timerSweepIntervalMs = duration('timer_sweep_interval') ?? settings.timerSweepIntervalMs;
  settings.pollingIntervalMs = duration('polling_interval') ?? settings.pollingIntervalMs;
  settings.pollingTimeoutMs = duration('polling_timeout') ?? settings.pollingTimeoutMs;
  if (merged.task_retry_count !== undefined) {
    const count = parseRetryCount(merged.task_retry_count);
    if (count === undefined) throw invalid('task_retry_count', retryCountProblem(merged.task_retry_count));
    settings.retry = { ...settings.retry, count };
  }
  settings.retry = {
    ...settings.retry,
    firstDelayMs: duration('task_retry_delay') ?? settings.retry.firstDelayMs,
    maxDelayMs: duration('task_retry_max_delay') ?? settings.retry.maxDelayMs,
  };
  if (merged.due_days !== undefined) {
    const days = parseDueDays(merged.due_days);
    if (days === undefined) throw invalid('due_days', dueDaysProblem(merged.due_days));
    settings.dueDays = days;
  }
  if (merged.log_level !== undefined) settings.logLevel = String(merged.log_level);
  if (merged.overrides_dir !== undefined) settings.overridesDir = folderOf(merged.overrides_dir, exists && !env.DSRFLOW_OVERRIDES_DIR, path, cwd);
  return settings;
}
