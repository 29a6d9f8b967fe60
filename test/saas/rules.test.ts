import { expect } from 'chai';
import { loadConnection, validateConnection } from '../../src/saas/load-connection.ts';
import { maskingOverride, readOverride } from '../../src/saas/overrides/definitions.ts';
import { OverrideRegistry } from '../../src/saas/overrides/registry.ts';
import { config, dataset, filesWith, problemsOf, secrets, SECRETS, type Changes } from './support/connection-files.ts';
import type { ValidationProblem } from '../../src/saas/load-connection.ts';

/** The rules beyond the schemas, one bad input each, with the exact problem it gets. */

const INSTANCE = 'example_instance';
const userRef = { dataset: '<instance_fides_key>', field: 'user.id', direction: 'from' };
const endpointDomain = { name: 'domain', type: 'endpoint', allowed_values: ['*.example.com'] };

const cases: Array<{ name: string; changes: Changes; expected: ValidationProblem[] }> = [
  {
    name: 'a default_value that is not one of the options',
    changes: { config: { 'connector_params[3]': { name: 'region', options: ['eu', 'us'], default_value: 'asia' } } },
    expected: [config('connector_params[3].default_value', "'asia' is not one of the options")],
  },
  {
    name: 'a list default_value without multiselect',
    changes: { config: { 'connector_params[3]': { name: 'types', options: ['a', 'b'], default_value: ['a'] } } },
    expected: [config('connector_params[3].default_value', 'a list default_value needs multiselect')],
  },
  {
    name: 'multiselect without options',
    changes: { config: { 'connector_params[3]': { name: 'types', multiselect: true, default_value: ['a'] } } },
    expected: [config('connector_params[3].multiselect', "multiselect needs 'options'")],
  },
  {
    name: 'an endpoint connector_param whose default is not an allowed host',
    changes: { config: { 'connector_params[0]': { ...endpointDomain, default_value: 'evil.com' } } },
    expected: [config('connector_params[0].default_value', "'evil.com' is not one of the allowed_values")],
  },
  {
    name: 'a literal host beside an endpoint connector_param',
    changes: { config: { 'connector_params[0]': endpointDomain, 'client_config.host': 'api.example.com' }, secrets: { ...SECRETS, domain: 'api.example.com' } },
    expected: [config('client_config.host', "host 'api.example.com' does not reference any connector_param; with an 'endpoint' connector_param, every host must")],
  },
  {
    name: 'a host made of a connector_param that is not an endpoint one',
    changes: { config: { 'connector_params[0]': endpointDomain, 'connector_params[3]': { name: 'region' }, 'client_config.host': '<domain>.<region>' }, secrets: { ...SECRETS, domain: 'a.example.com', region: 'eu' } },
    expected: [config('client_config.host', "host placeholder <region> must name a connector_param with type 'endpoint' and allowed_values")],
  },
  {
    name: 'a secret for an endpoint connector_param that is not an allowed host',
    changes: { config: { 'connector_params[0]': endpointDomain }, secrets: { ...SECRETS, domain: 'evil.com' } },
    expected: [secrets('domain', 'must be one of the allowed_values: *.example.com')],
  },
  {
    name: 'a duplicate connector_param',
    changes: { config: { 'connector_params[3]': { name: 'domain' } } },
    expected: [config('connector_params[3].name', "duplicate connector_param name 'domain'")],
  },
  {
    name: 'an external reference named like a connector_param',
    changes: { config: { external_references: [{ name: 'api_token' }] } },
    expected: [config('external_references[0].name', "duplicate connector_param or external_reference name 'api_token'")],
  },
  {
    name: 'a duplicate endpoint',
    changes: { config: { 'endpoints[2]': { name: 'user', requests: { delete: { method: 'DELETE', path: '/u' } } } } },
    expected: [config('endpoints[2].name', "duplicate endpoint name 'user'")],
  },
  {
    name: 'a request_override beside the fields of a request',
    changes: { config: { 'endpoints[1].requests.read.request_override': 'custom_read' } },
    expected: [
      config('endpoints[1].requests.read.request_override', "request_override 'custom_read' is not registered"),
      config('endpoints[1].requests.read', 'invalid properties [method, path, headers] on a request with request_override specified'),
    ],
  },
  {
    name: 'a grouped input that is not a param_value',
    changes: { config: { 'endpoints[1].requests.read.grouped_inputs': ['shop'] } },
    expected: [config('endpoints[1].requests.read.grouped_inputs[0]', "grouped input 'shop' is not a param_value of this request")],
  },
  {
    name: 'a grouped input from a connector_param',
    changes: {
      config: {
        'endpoints[1].requests.read.param_values[1]': { name: 'size', connector_param: 'page_size' },
        'endpoints[1].requests.read.grouped_inputs': ['size'],
      },
    },
    expected: [config('endpoints[1].requests.read.grouped_inputs[0]', "grouped input 'size' must be an identity or a reference")],
  },
  {
    name: 'a grouped input from an external reference',
    changes: {
      config: { 'endpoints[1].requests.read.param_values[0].references[0]': 'user_ref', 'endpoints[1].requests.read.grouped_inputs': ['user_id'] },
      secrets: { ...SECRETS, user_ref: { dataset: INSTANCE, field: 'user.id' } },
    },
    expected: [config('endpoints[1].requests.read.grouped_inputs[0]', 'grouped inputs do not currently support external dataset references')],
  },
  {
    name: 'grouped inputs referencing two collections',
    changes: {
      config: {
        'endpoints[2]': {
          name: 'invoices',
          requests: {
            read: {
              method: 'GET',
              path: '/invoices/<user_id>/<order_id>',
              grouped_inputs: ['user_id', 'order_id'],
              param_values: [
                { name: 'user_id', references: [userRef] },
                { name: 'order_id', references: [{ ...userRef, field: 'orders.id' }] },
              ],
            },
          },
        },
      },
    },
    expected: [config('endpoints[2].requests.read.grouped_inputs', 'grouped inputs must all reference the same collection, found example_instance.user, example_instance.orders')],
  },
  {
    name: 'an offset limit naming an unknown connector_param',
    changes: {
      config: {
        'endpoints[0].requests.read.query_params[1]': { name: 'offset', value: 0 },
        'endpoints[0].requests.read.pagination': { strategy: 'offset', configuration: { incremental_param: 'offset', increment_by: 10, limit: { connector_param: 'max' } } },
      },
    },
    expected: [config('endpoints[0].requests.read.pagination.configuration.limit.connector_param', "'max' is not a connector_param of this connector")],
  },
  {
    name: 'link pagination from headers without rel',
    changes: { config: { 'endpoints[0].requests.read.pagination': { strategy: 'link', configuration: { source: 'headers' } } } },
    expected: [config('endpoints[0].requests.read.pagination.configuration', "the 'rel' value must be specified when using 'headers' for the link source")],
  },
  {
    name: 'link pagination from the body without path',
    changes: { config: { 'endpoints[0].requests.read.pagination': { strategy: 'link', configuration: { source: 'body' } } } },
    expected: [config('endpoints[0].requests.read.pagination.configuration', "the 'path' value must be specified when using 'body' for the link source")],
  },
  {
    name: 'a pagination strategy that does not exist',
    changes: { config: { 'endpoints[0].requests.read.pagination': { strategy: 'page', configuration: {} } } },
    expected: [config('endpoints[0].requests.read.pagination.strategy', "pagination strategy 'page' does not exist; it is one of offset, link, cursor")],
  },
  {
    name: 'the postprocessor upstream has and dsrflow does not run',
    changes: { config: { 'endpoints[0].requests.read.postprocessors': [{ strategy: 'extract_for_execution_log', configuration: {} }] } },
    expected: [config('endpoints[0].requests.read.postprocessors[0].strategy', "postprocessor strategy 'extract_for_execution_log' is not supported yet")],
  },
  {
    name: 'a filter with both an identity and a dataset_reference',
    changes: { config: { 'endpoints[0].requests.read.postprocessors': [{ strategy: 'filter', configuration: { field: 'email', value: { identity: 'email', dataset_reference: 'a.b.c' } } }] } },
    expected: [config('endpoints[0].requests.read.postprocessors[0].configuration.value', "must be a literal, or have exactly one of 'identity' or 'dataset_reference'")],
  },
  {
    name: 'a filter dataset_reference that is not <dataset>.<collection>.<field>',
    changes: { config: { 'endpoints[0].requests.read.postprocessors': [{ strategy: 'filter', configuration: { field: 'email', value: { dataset_reference: 'user.email' } } }] } },
    expected: [config('endpoints[0].requests.read.postprocessors[0].configuration.value.dataset_reference', "must be '<dataset>.<collection>.<field>'")],
  },
  {
    name: 'a Content-Type upstream cannot send',
    changes: { config: { 'endpoints[0].requests.update.headers': [{ name: 'Content-Type', value: 'application/json; charset=utf-8' }] } },
    expected: [
      config(
        'endpoints[0].requests.update.headers[0].value',
        "Content-Type 'application/json; charset=utf-8' is not supported: use application/json, application/x-www-form-urlencoded, text/plain",
      ),
    ],
  },
  {
    name: 'a header value written as a number',
    changes: { config: { 'endpoints[0].requests.read.headers': [{ name: 'Api-Version', value: 2 }] } },
    expected: [config('endpoints[0].requests.read.headers[0].value', 'must be a string')],
  },
  {
    name: 'rate limits enabled without limits',
    changes: { config: { rate_limit_config: {} } },
    expected: [config('rate_limit_config.limits', 'is required')],
  },
  {
    name: 'rate limits disabled with limits',
    changes: { config: { rate_limit_config: { enabled: false, limits: [{ rate: 1, period: 'second' }] } } },
    expected: [config('rate_limit_config.limits', 'must be empty')],
  },
  {
    name: '`after` orderings that make a cycle',
    changes: { config: { 'endpoints[0].after': [`${INSTANCE}.orders`], 'endpoints[1].after': [`${INSTANCE}.user`] } },
    expected: [config('endpoints', 'the values for the `after` fields create a cycle: user → orders → user')],
  },
  {
    name: 'erase_after naming a collection that does not exist',
    changes: { config: { 'endpoints[0].erase_after': [`${INSTANCE}.invoices`] } },
    expected: [config('endpoints[0].erase_after[0]', "names collection 'invoices' which does not exist")],
  },
  {
    name: 'reads of one endpoint, one async and one not',
    changes: {
      config: {
        'endpoints[0].requests.read': [
          { method: 'GET', path: '/users', async_config: { strategy: 'callback' }, param_values: [{ name: 'email', identity: 'email' }] },
          { method: 'GET', path: '/people', param_values: [{ name: 'email', identity: 'email' }] },
        ],
      },
    },
    expected: [config('endpoints[0].requests.read', 'the read requests of an endpoint must all have the same async_config strategy, or none')],
  },
  {
    name: 'a test_request placeholder that is not a connector_param',
    changes: { config: { 'test_request.path': '/ping/<email>' } },
    expected: [config('test_request.path', 'placeholder <email> can never be filled: it is not a connector_param of this connector')],
  },
  {
    name: 'an OAuth2 token request placeholder that is neither a connector_param nor an OAuth2 value',
    changes: {
      config: {
        'client_config.authentication': {
          strategy: 'oauth2_client_credentials',
          configuration: { token_request: { method: 'POST', path: '/token', body: '{"secret": "<client_secret>", "code": "<code>"}' } },
        },
      },
    },
    expected: [config('client_config.authentication.configuration.token_request.body', 'placeholder <client_secret> can never be filled: it is not a connector_param of this connector')],
  },
  {
    name: '<all_object_fields> in a read path',
    changes: { config: { 'endpoints[0].requests.read.path': '/users/<all_object_fields>' } },
    expected: [config('endpoints[0].requests.read.path', "<all_object_fields> is only filled in a read's output, or an update, delete or data_protection_request")],
  },
  {
    name: 'an authentication strategy upstream has and dsrflow does not run',
    changes: { config: { 'client_config.authentication': { strategy: 'google_cloud_service_account', configuration: {} } } },
    expected: [config('client_config.authentication.strategy', "authentication strategy 'google_cloud_service_account' is not supported yet")],
  },
  {
    name: 'a string_rewrite masking override without its value',
    changes: { dataset: { 'collections[0].fields[1].fides_meta': { masking_strategy_override: { strategy: 'string_rewrite', configuration: {} } } } },
    expected: [dataset('collections[0].fields[1].fides_meta.masking_strategy_override.configuration.rewrite_value', 'is required')],
  },
  {
    name: 'a masking strategy upstream has and dsrflow does not run',
    changes: { dataset: { 'collections[0].fields[1].fides_meta': { masking_strategy_override: { strategy: 'hmac' } } } },
    expected: [dataset('collections[0].fields[1].fides_meta.masking_strategy_override.strategy', "masking strategy 'hmac' is not supported yet")],
  },
  {
    name: 'sub-fields under a field whose data type is not an object',
    changes: { dataset: { 'collections[0].fields[2].fides_meta': { data_type: 'string' } } },
    expected: [dataset('collections[0].fields[2].fides_meta.data_type', "the data type 'string' is not compatible with sub-fields")],
  },
  {
    name: 'return_all_elements on a field that is not a list',
    changes: { dataset: { 'collections[0].fields[1].fides_meta': { data_type: 'string', return_all_elements: true } } },
    expected: [dataset('collections[0].fields[1].fides_meta.return_all_elements', 'can only be set on array fields')],
  },
  {
    name: 'an ordering in the dataset, where a SaaS connection ignores it',
    changes: { dataset: { 'collections[1].fides_meta': { after: [`${INSTANCE}.user`] } } },
    expected: [dataset('collections[1].fides_meta.after', 'after has no effect in a SaaS dataset: set it on the endpoint in the SaaS config')],
  },
  {
    name: 'a custom_request_field in the dataset',
    changes: { dataset: { 'collections[0].fields[1].fides_meta': { custom_request_field: 'tenant' } } },
    expected: [dataset('collections[0].fields[1].fides_meta.custom_request_field', 'custom_request_field is not supported yet')],
  },
  {
    name: 'a secret that is not one of the options',
    changes: { config: { 'connector_params[3]': { name: 'region', options: ['eu', 'us'] } }, secrets: { ...SECRETS, region: 'asia' } },
    expected: [secrets('region', 'must be one of eu, us')],
  },
  {
    name: 'a multiselect secret that is not a list',
    changes: { config: { 'connector_params[3]': { name: 'types', options: ['a', 'b'], multiselect: true } }, secrets: { ...SECRETS, types: 'a' } },
    expected: [secrets('types', 'must be a list of strings')],
  },
  {
    name: 'an external reference secret that is not a reference',
    changes: { config: { external_references: [{ name: 'user_ref' }] }, secrets: { ...SECRETS, user_ref: 'user.id' } },
    expected: [secrets('user_ref', "must be a dataset reference: {dataset, field: '<collection>.<field>', direction: from}")],
  },
  {
    name: 'an external reference secret with a field that is not <collection>.<field>',
    changes: { config: { external_references: [{ name: 'user_ref' }] }, secrets: { ...SECRETS, user_ref: { dataset: 'crm', field: 'id' } } },
    expected: [secrets('user_ref', "field must be '<collection>.<field path>'")],
  },
];

describe('connection rules beyond the schemas', () => {
  for (const { name, changes, expected } of cases) {
    it(name, () => expect(problemsOf(filesWith(changes))).to.deep.equal(expected));
  }

  it('a request_override registered for other request types', () => {
    const registry = new OverrideRegistry();
    registry.register(readOverride('custom_read', async () => []), 'custom.ts');
    registry.register(maskingOverride('custom_update', ['update'], async () => 0), 'custom.ts');
    const files = filesWith({
      config: {
        'endpoints[0].requests.update': { request_override: 'custom_read', param_values: [{ name: 'user_id', references: [userRef] }] },
        'endpoints[0].requests.delete': { request_override: 'custom_update' },
        'endpoints[1].requests.read': { request_override: 'custom_read', param_values: [{ name: 'user_id', references: [userRef] }] },
      },
    });
    expect(validateConnection(files, registry).problems).to.deep.equal([
      config('endpoints[0].requests.update.request_override', "request_override 'custom_read' is registered for read requests, not update"),
      config('endpoints[0].requests.delete.request_override', "request_override 'custom_update' is registered for update requests, not delete"),
    ]);
  });

  it('warns of a reference to a field its collection does not declare, refusing nothing; an unknown collection is refused', () => {
    const field = 'endpoints[1].requests.read.param_values[0].references[0].field';
    const warned = validateConnection(filesWith({ config: { [field]: 'user.account.id' } }));
    expect(warned.problems).to.deep.equal([]);
    expect(warned.warnings).to.deep.equal([config(field, "references field 'account.id' which collection 'user' does not declare; its values come only from rows that hold it")]);
    expect(() => loadConnection(filesWith({ config: { [field]: 'user.account.id' } }))).not.to.throw();
    expect(validateConnection(filesWith({ config: { [field]: 'account.id' } }))).to.deep.include({
      problems: [config(field, "references collection 'account' which does not exist")],
      warnings: [],
    });
  });

  it('validates a config without its dataset, leaving out what needs the dataset', () => {
    const { dataset: _, ...files } = filesWith({ config: { 'endpoints[1].requests.read.param_values[0].references[0].field': 'customer.id' } });
    expect(validateConnection({ ...files, secrets: undefined }).problems).to.deep.equal([]);
  });
});
