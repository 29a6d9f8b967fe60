import { expect } from 'chai';
import { DsrflowError, ErrorCodes } from '../../../src/errors.ts';
import { loadConnection, type ConnectionFiles, type ValidationProblem } from '../../../src/saas/load-connection.ts';

/** A small valid connection (config, dataset, secrets) that tests change one path at a time to see what is refused. */

export type Json = Record<string, unknown>;

export function baseConfig(): Json {
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

export function baseDataset(): Json {
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

export const SECRETS = { domain: 'api.example.com', api_token: 'tok_SECRET_VALUE' };

/** Sets (or with undefined, deletes) the value at a problem-style path such as `endpoints[0].requests.read.method`. */
export function set(root: Json, path: string, value: unknown): void {
  const segments = path.match(/[^.[\]]+/g) ?? [];
  const last = segments.pop() as string;
  const parent = segments.reduce<Json>((node, segment) => node[segment] as Json, root);
  if (value === undefined) delete parent[last];
  else parent[last] = value;
}

export interface Changes {
  config?: Record<string, unknown>;
  dataset?: Record<string, unknown>;
  secrets?: Record<string, unknown>;
}

export function filesWith(changes: Changes): ConnectionFiles {
  const config = baseConfig();
  const dataset = baseDataset();
  for (const [path, value] of Object.entries(changes.config ?? {})) set(config.saas_config as Json, path, value);
  for (const [path, value] of Object.entries(changes.dataset ?? {})) set((dataset.dataset as Json[])[0] as Json, path, value);
  return { key: 'example_instance', saasConfig: config, dataset, secrets: changes.secrets ?? SECRETS };
}

export function refusal(files: ConnectionFiles): DsrflowError {
  try {
    loadConnection(files);
  } catch (err) {
    expect(err).to.be.instanceOf(DsrflowError);
    expect((err as DsrflowError).code).to.equal(ErrorCodes.CONNECTION_INVALID);
    return err as DsrflowError;
  }
  throw new Error('expected the connection to be refused');
}

export const problemsOf = (files: ConnectionFiles) => refusal(files).details as ValidationProblem[];

export const config = (path: string, message: string): ValidationProblem => ({ file: 'saas_config', path, message });
export const dataset = (path: string, message: string): ValidationProblem => ({ file: 'dataset', path, message });
export const secrets = (path: string, message: string): ValidationProblem => ({ file: 'secrets', path, message });

