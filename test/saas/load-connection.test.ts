import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { loadConnection } from '../../src/saas/load-connection.ts';
import { config, dataset, filesWith, problemsOf, refusal, secrets, SECRETS, type Changes } from './support/connection-files.ts';
import type { ValidationProblem } from '../../src/saas/load-connection.ts';

const CONNECTORS = new URL('../../../shared/fides-connectors/', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, CONNECTORS), 'utf8');

describe('loadConnection', () => {
  it('loads a valid connection, replacing <instance_fides_key> and filling default secrets', () => {
    const loaded = loadConnection(filesWith({}));
    expect(loaded.saas_config.fides_key).to.equal('example_instance');
    expect(loaded.dataset.fides_key).to.equal('example_instance');
    expect((loaded.saas_config.endpoints[1]?.requests.read as any)?.param_values?.[0]?.references?.[0]?.dataset).to.equal(
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
        expect((loaded.saas_config.endpoints[0]?.requests.read as any)?.async_config).to.deep.equal({ strategy: 'callback' });
      });
    }
  });

  describe('refuses, naming the path', () => {
    const cases: Array<{ name: string; changes: Changes; expected: ValidationProblem[] }> = [
      {
        name: 'a wrong method',
        changes: { config: { 'endpoints[0].requests.read.method': 'FETCH' } },
        expected: [config('endpoints[0].requests.read.method', 'must be one of GET, POST, PUT, PATCH, DELETE, OPTIONS, HEAD')],
      },
      {
        name: 'a read without a path or an output',
        changes: { config: { 'endpoints[1].requests.read.path': undefined } },
        expected: [config('endpoints[1].requests.read', "must have a 'path' or an 'output'")],
      },
      {
        name: 'an update without a path',
        changes: { config: { 'endpoints[0].requests.update.path': undefined } },
        expected: [config('endpoints[0].requests.update.path', 'is required')],
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
        name: 'an external reference without its secret',
        changes: { config: { 'endpoints[1].requests.read.param_values[0].references[0]': 'user_id_ref' } },
        expected: [secrets('user_id_ref', 'is required: a dataset reference this connector reads from')],
      },
      {
        name: 'an external reference secret with direction to',
        changes: {
          config: { 'endpoints[1].requests.read.param_values[0].references[0]': 'user_id_ref' },
          secrets: { ...SECRETS, user_id_ref: { dataset: 'crm', field: 'people.id', direction: 'to' } },
        },
        expected: [secrets('user_id_ref', "references can only have a direction of 'from', found 'to'")],
      },
      {
        name: 'offset pagination on a query param the request does not have',
        changes: {
          config: {
            'endpoints[0].requests.read.pagination': { strategy: 'offset', configuration: { incremental_param: 'page', increment_by: 1 } },
          },
        },
        expected: [config('endpoints[0].requests.read.pagination.configuration.incremental_param', "query param 'page' not found in the request")],
      },
      {
        name: 'a request_override that is not registered, and only that',
        changes: {
          config: {
            'endpoints[0].requests.read': { request_override: 'custom_read', param_values: [{ name: 'email', identity: 'email' }] },
          },
        },
        expected: [config('endpoints[0].requests.read.request_override', "request_override 'custom_read' is not registered")],
      },
      {
        name: 'read requests of one endpoint that disagree on grouped_inputs',
        changes: {
          config: {
            'endpoints[1].requests.read': [
              { method: 'GET', path: '/a/<user_id>', grouped_inputs: ['user_id'], param_values: [{ name: 'user_id', references: [{ dataset: '<instance_fides_key>', field: 'user.id', direction: 'from' }] }] },
              { method: 'GET', path: '/b' },
            ],
          },
        },
        expected: [config('endpoints[1].requests.read', 'the grouped_inputs of every read request must be the same')],
      },
      {
        name: 'an endpoint ordering naming a collection that does not exist',
        changes: { config: { 'endpoints[1].after': ['example_instance.customer'] } },
        expected: [config('endpoints[1].after[0]', "names collection 'customer' which does not exist")],
      },
      {
        name: 'an authentication strategy that is not registered',
        changes: { config: { 'client_config.authentication': { strategy: 'heap', configuration: { username: '<domain>' } } } },
        expected: [config('client_config.authentication.strategy', "authentication strategy 'heap' is not registered")],
      },
      {
        name: 'a built-in authentication strategy without its configuration',
        changes: { config: { 'client_config.authentication': { strategy: 'oauth2_client_credentials', configuration: {} } } },
        expected: [config('client_config.authentication.configuration.token_request', 'is required')],
      },
      {
        name: 'a polling async_config without its configuration',
        changes: { config: { 'endpoints[0].requests.read.async_config': { strategy: 'polling' } } },
        expected: [config('endpoints[0].requests.read.async_config.configuration', 'is required')],
      },
      {
        name: 'an async_config strategy that does not exist',
        changes: { config: { 'endpoints[0].requests.read.async_config': { strategy: 'webhook' } } },
        expected: [config('endpoints[0].requests.read.async_config.strategy', "async_config strategy 'webhook' does not exist; it is one of callback, polling")],
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
          config('endpoints[0].requests.read.body', '<masked_object_fields> is only filled for an update, delete or data_protection_request'),
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
        name: 'a masking strategy override that does not exist',
        changes: { dataset: { 'collections[0].fields[0].fidesops_meta.masking_strategy_override': { strategy: 'x' } } },
        expected: [
          dataset(
            'collections[0].fields[0].fidesops_meta.masking_strategy_override.strategy',
            "masking strategy 'x' does not exist; it is one of null_rewrite, string_rewrite, hash, random_string_rewrite",
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
      ...filesWith({ config: { 'endpoints[0].requests.read.method': 'FETCH', 'endpoints[0].after': ['user'] } }),
      configFile: 'saas_config.yml',
    });
    expect(err.message).to.equal(
      'saas_config.yml: endpoints[0].requests.read.method: must be one of GET, POST, PUT, PATCH, DELETE, OPTIONS, HEAD; ' +
        "saas_config.yml: endpoints[0].after[0]: must be '<dataset>.<collection>'",
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
      dataset('(root)', "'dataset' must be a list of datasets"),
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
          'endpoints[1].requests.read.grouped_inputs': 'user_id',
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
      config('endpoints[0].requests.read.method', 'must be one of GET, POST, PUT, PATCH, DELETE, OPTIONS, HEAD'),
      config('endpoints[1].requests.read.grouped_inputs', 'must be a list'),
      dataset(
        'collections[0].fields[0].fidesops_meta.data_type',
        'must be one of string, integer, float, boolean, object_id, object, string[], integer[], float[], boolean[], object_id[], object[]',
      ),
      dataset('collections[1].name', "duplicate collection name 'user'"),
    ]);
  });

  it('still reports what is not registered, and names used twice, in a config that fails its schema', () => {
    const problems = problemsOf(
      filesWith({
        config: {
          test_request: undefined,
          'endpoints[1].name': 'user',
          'endpoints[0].requests.read.request_override': 'user_lookup',
          'client_config.authentication': { strategy: 'vendor_signature', configuration: { key: '<api_token>' } },
        },
      }),
    );
    expect(problems).to.deep.equal([
      config('test_request', 'is required'),
      config('endpoints[1].name', "duplicate endpoint name 'user'"),
      config('client_config.authentication.strategy', "authentication strategy 'vendor_signature' is not registered"),
      config('endpoints[0].requests.read.request_override', "request_override 'user_lookup' is not registered"),
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
