import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { DsrflowError, ErrorCodes } from '../../src/errors.ts';
import { loadConnection, type ConnectionFiles, type ValidationProblem } from '../../src/saas/load-connection.ts';

const CONNECTORS = new URL('../../../shared/fides-connectors/', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, CONNECTORS), 'utf8');

type Json = Record<string, unknown>;

function baseConfig(): Json {
  const userRef = () => ({ dataset: '<instance_fides_key>', field: 'user.id', direction: 'from' });
  return {
    saas_config: {
      fides_key: '<instance_fides_key>',
      name: 'Example',
      type: 'example',
      description: 'An example connector',
      version: '0.0.1',
      connector_params: [{ name: 'domain' }, { name: 'api_token', sensitive: true }, { name: 'page_size', default_value: 50 }],
      client_config: {
        protocol: 'https',
        host: '<domain>',
        authentication: { strategy: 'bearer', configuration: { token: '<api_token>' } },
      },
      test_request: { method: 'GET', path: '/ping', query_params: [{ name: 'limit', value: '<page_size>' }] },
      endpoints: [
        {
          name: 'user',
          requests: {
            read: {
              method: 'GET',
              path: '/users',
              query_params: [{ name: 'email', value: '<email>' }],
              param_values: [{ name: 'email', identity: 'email' }],
            },
            // Read from the row being erased: a reference to its own collection is fine here.
            update: {
              method: 'PUT',
              path: '/users/<user_id>',
              body: '{ <masked_object_fields> }',
              param_values: [{ name: 'user_id', references: [userRef()] }],
            },
          },
        },
        {
          name: 'orders',
          requests: {
            read: {
              method: 'GET',
              path: '/users/<user_id>/orders',
              headers: [{ name: 'X-Request', value: '<privacy_request_id>' }],
              param_values: [{ name: 'user_id', references: [userRef()] }],
            },
          },
        },
      ],
    },
  };
}

function baseDataset(): Json {
  return {
    dataset: [
      {
        fides_key: '<instance_fides_key>',
        name: 'Example',
        collections: [
          {
            name: 'user',
            fields: [
              { name: 'id', data_categories: ['user.unique_id'], fidesops_meta: { primary_key: true, data_type: 'string' } },
              { name: 'email', data_categories: ['user.contact.email'] },
              { name: 'address', fields: [{ name: 'city', fides_meta: { data_type: 'string' } }] },
            ],
          },
          { name: 'orders', fields: [{ name: 'id', fides_meta: { primary_key: true } }] },
        ],
      },
    ],
  };
}

const SECRETS = { domain: 'api.example.com', api_token: 'tok_SECRET_VALUE' };

/** Sets (or with undefined, deletes) the value at a problem-style path such as `endpoints[0].requests.read.method`. */
function set(root: Json, path: string, value: unknown): void {
  const segments = path.match(/[^.[\]]+/g) ?? [];
  const last = segments.pop() as string;
  const parent = segments.reduce<Json>((node, segment) => node[segment] as Json, root);
  if (value === undefined) delete parent[last];
  else parent[last] = value;
}

interface Changes {
  config?: Record<string, unknown>;
  dataset?: Record<string, unknown>;
  secrets?: Record<string, unknown>;
}

function filesWith(changes: Changes): ConnectionFiles {
  const config = baseConfig();
  const dataset = baseDataset();
  for (const [path, value] of Object.entries(changes.config ?? {})) set(config.saas_config as Json, path, value);
  for (const [path, value] of Object.entries(changes.dataset ?? {})) set((dataset.dataset as Json[])[0] as Json, path, value);
  return { key: 'example_instance', saasConfig: config, dataset, secrets: changes.secrets ?? SECRETS };
}

function refusal(files: ConnectionFiles): DsrflowError {
  try {
    loadConnection(files);
  } catch (err) {
    expect(err).to.be.instanceOf(DsrflowError);
    expect((err as DsrflowError).code).to.equal(ErrorCodes.CONNECTION_INVALID);
    return err as DsrflowError;
  }
  throw new Error('expected the connection to be refused');
}

const problemsOf = (files: ConnectionFiles) => refusal(files).details as ValidationProblem[];

const config = (path: string, message: string): ValidationProblem => ({ file: 'saas_config', path, message });
const dataset = (path: string, message: string): ValidationProblem => ({ file: 'dataset', path, message });
const secrets = (path: string, message: string): ValidationProblem => ({ file: 'secrets', path, message });

describe('loadConnection', () => {
  it('loads a valid connection, replacing <instance_fides_key> and filling default secrets', () => {
    const loaded = loadConnection(filesWith({}));
    expect(loaded.saas_config.fides_key).to.equal('example_instance');
    expect(loaded.dataset.fides_key).to.equal('example_instance');
    expect(loaded.saas_config.endpoints[1]?.requests.read?.param_values?.[0]?.references?.[0]?.dataset).to.equal(
      'example_instance',
    );
    expect(loaded.secrets).to.deep.equal({ ...SECRETS, page_size: 50 });
    expect(loaded.dataset.collections[0]?.fields[0]).to.deep.equal({
      name: 'id',
      data_categories: ['user.unique_id'],
      fides_meta: { primary_key: true, data_type: 'string' },
    });
  });

  it('loads the same connection from YAML text', () => {
    const files = filesWith({});
    const loaded = loadConnection({
      ...files,
      saasConfig: stringify(files.saasConfig),
      dataset: stringify(files.dataset),
    });
    expect(loaded.dataset.collections.map((c) => c.name)).to.deep.equal(['user', 'orders']);
  });

  describe('the async callback fixtures', () => {
    const pairs = [
      ['fixtures/saas_async_callback_config.yml', 'fixtures/saas_async_callback_dataset.yml'],
      [
        'fixtures/async-integration/example_async_callback_config.yml',
        'fixtures/async-integration/example_async_callback_dataset.yml',
      ],
    ];
    for (const [configPath, datasetPath] of pairs as Array<[string, string]>) {
      it(`loads ${configPath}`, () => {
        const loaded = loadConnection({
          key: 'async_example',
          saasConfig: read(configPath),
          dataset: read(datasetPath),
          secrets: { domain: 'localhost:8080', api_token: 'token' },
        });
        const text = JSON.stringify(loaded.dataset);
        expect(text).to.include('"fides_meta"');
        expect(text).not.to.include('fidesops_meta');
        expect(loaded.saas_config.endpoints[0]?.requests.read?.async_config).to.deep.equal({ strategy: 'callback' });
      });
    }
  });

  it('refuses the 54 real connectors only for unsupported features or missing secrets', () => {
    const names = readdirSync(new URL('config/', CONNECTORS)).map((file) => file.replace(/_config\.yml$/, ''));
    expect(names).to.have.length(54);
    const otherProblems = names.flatMap((name) => {
      const files: ConnectionFiles = {
        key: name,
        saasConfig: read(`config/${name}_config.yml`),
        dataset: read(`dataset/${name}_dataset.yml`),
        secrets: {},
        configFile: `${name}_config.yml`,
        datasetFile: `${name}_dataset.yml`,
      };
      try {
        loadConnection(files);
        return [];
      } catch (err) {
        const problems = (err as DsrflowError).details as ValidationProblem[];
        return problems.filter((p) => p.file !== 'secrets' && !/ (is|are) not supported yet$/.test(p.message));
      }
    });
    expect(otherProblems).to.deep.equal([]);
  });

  describe('refuses, naming the path', () => {
    const cases: Array<{ name: string; changes: Changes; expected: ValidationProblem[] }> = [
      {
        name: 'a wrong method',
        changes: { config: { 'endpoints[0].requests.read.method': 'FETCH' } },
        expected: [config('endpoints[0].requests.read.method', 'must be one of GET, POST, PUT, PATCH, DELETE')],
      },
      {
        name: 'a missing path',
        changes: { config: { 'endpoints[1].requests.read.path': undefined } },
        expected: [config('endpoints[1].requests.read.path', 'is required')],
      },
      {
        name: 'a path not starting with /',
        changes: { config: { 'test_request.path': 'ping' } },
        expected: [config('test_request.path', "must start with '/'")],
      },
      {
        name: 'a wrong type',
        changes: { config: { version: 1 } },
        expected: [config('version', 'must be a string')],
      },
      {
        name: 'a param_value with two kinds',
        changes: { config: { 'endpoints[0].requests.read.param_values[0].connector_param': 'domain' } },
        expected: [
          config(
            'endpoints[0].requests.read.param_values[0]',
            "must have exactly one of 'identity', 'references', or 'connector_param'",
          ),
        ],
      },
      {
        name: 'a reference with direction to',
        changes: { config: { 'endpoints[1].requests.read.param_values[0].references[0].direction': 'to' } },
        expected: [
          config(
            'endpoints[1].requests.read.param_values[0].references[0].direction',
            "references can only have a direction of 'from', found 'to'",
          ),
        ],
      },
      {
        name: 'a reference without direction',
        changes: { config: { 'endpoints[1].requests.read.param_values[0].references[0].direction': undefined } },
        expected: [
          config(
            'endpoints[1].requests.read.param_values[0].references[0]',
            "references without direction 'from' are not supported yet",
          ),
        ],
      },
      {
        name: 'an external reference',
        changes: { config: { 'endpoints[1].requests.read.param_values[0].references[0]': 'user_id_ref' } },
        expected: [
          config('endpoints[1].requests.read.param_values[0].references[0]', 'external_references are not supported yet'),
        ],
      },
      {
        name: 'pagination',
        changes: {
          config: {
            'endpoints[0].requests.read.pagination': { strategy: 'offset', configuration: { incremental_param: 'page' } },
          },
        },
        expected: [config('endpoints[0].requests.read.pagination', 'pagination is not supported yet')],
      },
      {
        name: 'a request_override, and only that',
        changes: {
          config: {
            'endpoints[0].requests.read': { request_override: 'custom_read', param_values: [{ name: 'email', identity: 'email' }] },
          },
        },
        expected: [config('endpoints[0].requests.read.request_override', 'request_override is not supported yet')],
      },
      {
        name: 'a list of read requests',
        changes: { config: { 'endpoints[1].requests.read': [{ method: 'GET', path: '/a' }] } },
        expected: [config('endpoints[1].requests.read', 'multiple read requests are not supported yet')],
      },
      {
        name: 'an endpoint ordering',
        changes: { config: { 'endpoints[1].after': ['example_instance.user'] } },
        expected: [config('endpoints[1].after', 'after is not supported yet')],
      },
      {
        name: 'an authentication strategy other than bearer or basic',
        changes: {
          config: { 'client_config.authentication': { strategy: 'oauth2_client_credentials', configuration: {} } },
        },
        expected: [
          config(
            'client_config.authentication.strategy',
            "authentication strategy 'oauth2_client_credentials' is not supported yet",
          ),
        ],
      },
      {
        name: 'an async_config strategy other than callback',
        changes: { config: { 'endpoints[0].requests.read.async_config': { strategy: 'polling' } } },
        expected: [
          config('endpoints[0].requests.read.async_config.strategy', "async_config strategy 'polling' is not supported yet"),
        ],
      },
      {
        name: 'an unknown property',
        changes: { config: { 'endpoints[0].requests.read.timeout': 30 } },
        expected: [config('endpoints[0].requests.read.timeout', "unknown property 'timeout'")],
      },
      {
        name: 'an endpoint without requests',
        changes: { config: { 'endpoints[1].requests': {} } },
        expected: [config('endpoints[1].requests', 'must have at least one of read, update, or delete')],
      },
      {
        name: 'a placeholder that can never be filled',
        changes: { config: { 'endpoints[1].requests.read.path': '/users/<user_id>/orders/<order_id>' } },
        expected: [
          config(
            'endpoints[1].requests.read.path',
            'placeholder <order_id> can never be filled: it is not a param_value of this request nor a built-in',
          ),
        ],
      },
      {
        name: 'a host placeholder that is not a connector_param',
        changes: { config: { 'client_config.host': '<subdomain>.example.com' } },
        expected: [
          config(
            'client_config.host',
            'placeholder <subdomain> can never be filled: it is not a connector_param of this connector',
          ),
        ],
      },
      {
        name: '<reply_to> in a request without async_config',
        changes: { config: { 'endpoints[0].requests.read.headers': [{ name: 'reply-to', value: '<reply_to>' }] } },
        expected: [
          config(
            'endpoints[0].requests.read.headers[0].value',
            '<reply_to> is only filled for a request with async_config strategy callback',
          ),
        ],
      },
      {
        name: '<masked_object_fields> in a read',
        changes: { config: { 'endpoints[0].requests.read.body': '{ <masked_object_fields> }' } },
        expected: [
          config('endpoints[0].requests.read.body', '<masked_object_fields> is only filled for an update or delete request'),
        ],
      },
      {
        name: 'a connector_param that is not declared',
        changes: { config: { 'endpoints[0].requests.read.param_values[1]': { name: 'region', connector_param: 'region' } } },
        expected: [
          config(
            'endpoints[0].requests.read.param_values[1].connector_param',
            "'region' is not a connector_param of this connector",
          ),
        ],
      },
      {
        name: 'a reference to a missing collection',
        changes: { config: { 'endpoints[1].requests.read.param_values[0].references[0].field': 'customer.id' } },
        expected: [
          config(
            'endpoints[1].requests.read.param_values[0].references[0].field',
            "references collection 'customer' which does not exist",
          ),
        ],
      },
      {
        name: 'a reference from a collection to itself',
        changes: { config: { 'endpoints[1].requests.read.param_values[0].references[0].field': 'orders.id' } },
        expected: [
          config('endpoints[1].requests.read.param_values[0].references[0].field', 'a collection may not reference itself'),
        ],
      },
      {
        name: 'a reference to another dataset',
        changes: { config: { 'endpoints[1].requests.read.param_values[0].references[0].dataset': 'other_shop' } },
        expected: [
          config(
            'endpoints[1].requests.read.param_values[0].references[0].dataset',
            "references to another dataset ('other_shop') are not supported yet",
          ),
        ],
      },
      {
        name: 'a fides_key mismatch',
        changes: { dataset: { fides_key: 'another_key' } },
        expected: [dataset('fides_key', "must equal the saas_config fides_key 'example_instance'")],
      },
      {
        name: 'identity in the dataset',
        changes: { dataset: { 'collections[0].fields[1].fides_meta': { identity: 'email' } } },
        expected: [
          dataset(
            'collections[0].fields[1].fides_meta.identity',
            'a SaaS dataset may not have identity or references; they belong in the SaaS config',
          ),
        ],
      },
      {
        name: 'a masking strategy override in the dataset',
        changes: { dataset: { 'collections[0].fields[0].fidesops_meta.masking_strategy_override': { strategy: 'x' } } },
        expected: [
          dataset(
            'collections[0].fields[0].fidesops_meta.masking_strategy_override',
            'masking_strategy_override is not supported yet',
          ),
        ],
      },
      {
        name: 'fides_meta and fidesops_meta on one field',
        changes: { dataset: { 'collections[0].fields[0].fides_meta': { primary_key: true } } },
        expected: [dataset('collections[0].fields[0].fidesops_meta', "must not be given together with 'fides_meta'")],
      },
      {
        name: 'a duplicate field name',
        changes: { dataset: { 'collections[0].fields[2].fields[1]': { name: 'city' } } },
        expected: [dataset('collections[0].fields[2].fields[1].name', "duplicate field name 'city'")],
      },
      {
        name: 'a missing secret',
        changes: { secrets: { domain: 'api.example.com', api_token: '' } },
        expected: [secrets('api_token', 'is required')],
      },
      {
        name: 'an unknown secret',
        changes: { secrets: { ...SECRETS, password: 'hunter2' } },
        expected: [secrets('password', "'password' is not a connector_param of this connector")],
      },
    ];

    for (const { name, changes, expected } of cases) {
      it(name, () => expect(problemsOf(filesWith(changes))).to.deep.equal(expected));
    }
  });

  it('formats the message as <file>: <path>: <message>, one per "; "', () => {
    const err = refusal({
      ...filesWith({ config: { 'endpoints[0].requests.read.method': 'FETCH', 'endpoints[0].after': [] } }),
      configFile: 'saas_config.yml',
    });
    expect(err.message).to.equal(
      'saas_config.yml: endpoints[0].requests.read.method: must be one of GET, POST, PUT, PATCH, DELETE; ' +
        'saas_config.yml: endpoints[0].after: after is not supported yet',
    );
  });

  it('reports a YAML syntax error with its file and line', () => {
    const text = 'saas_config:\n  fides_key: example\n  name: [Example\n  type: example\n';
    expect(problemsOf({ ...filesWith({}), saasConfig: text, configFile: 'example_config.yml' })).to.deep.equal([
      { file: 'example_config.yml', path: '(root)', message: 'YAML syntax error at line 4: Flow sequence in block collection must be sufficiently indented and end with a ]' },
    ]);
  });

  it('reports a missing root key', () => {
    const files = filesWith({});
    expect(problemsOf({ ...files, saasConfig: { config: {} }, dataset: { dataset: [] } })).to.deep.equal([
      config('(root)', "must have a 'saas_config' key"),
      dataset('(root)', "'dataset' must be a list holding exactly one dataset"),
    ]);
  });

  it('never puts a secret value in a message', () => {
    const err = refusal(
      filesWith({ secrets: { domain: { host: 'SECRET_HOST' }, api_token: ['SECRET_TOKEN'], pin: 'SECRET_PIN' } }),
    );
    expect(err.details).to.deep.equal([
      secrets('domain', 'must be a string or a number'),
      secrets('api_token', 'must be a string or a number'),
      secrets('pin', "'pin' is not a connector_param of this connector"),
    ]);
    expect(err.message).not.to.match(/SECRET_/);
  });

  it('reports several problems at once, across the files', () => {
    const problems = problemsOf(
      filesWith({
        config: {
          'endpoints[0].requests.read.method': 'FETCH',
          'endpoints[1].requests.read.grouped_inputs': ['user_id'],
          'client_config.protocol': 'ftp',
        },
        dataset: {
          'collections[1].name': 'user',
          'collections[0].fields[0].fidesops_meta.data_type': 'text',
        },
      }),
    );
    expect(problems).to.deep.equal([
      config('client_config.protocol', 'must be one of http, https'),
      config('endpoints[0].requests.read.method', 'must be one of GET, POST, PUT, PATCH, DELETE'),
      config('endpoints[1].requests.read.grouped_inputs', 'grouped_inputs is not supported yet'),
      dataset(
        'collections[0].fields[0].fidesops_meta.data_type',
        'must be one of string, integer, float, boolean, object_id, object, string[], integer[], float[], boolean[], object_id[], object[]',
      ),
    ]);
  });

  it('reports the rules of a valid config, the dataset and the secrets together', () => {
    const problems = problemsOf(
      filesWith({
        config: { 'endpoints[1].requests.read.path': '/orders/<order_id>' },
        dataset: { 'collections[1].name': 'user' },
        secrets: {},
      }),
    );
    expect(problems).to.deep.equal([
      config(
        'endpoints[1].requests.read.path',
        'placeholder <order_id> can never be filled: it is not a param_value of this request nor a built-in',
      ),
      dataset('collections[1].name', "duplicate collection name 'user'"),
      secrets('domain', 'is required'),
      secrets('api_token', 'is required'),
    ]);
  });
});
