import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { validateConnection } from '../../src/saas/load-connection.ts';
import { loadOverrides } from '../../src/saas/overrides/load-overrides.ts';
import { OverrideRegistry } from '../../src/saas/overrides/registry.ts';

/**
 * Every file of ../shared/fides-connectors validated, each with its expected outcome: valid, or refused with exactly
 * these problems. The overrides ported in fixtures/overrides are registered (alchemer, mailchimp_override and the
 * erasure-order no-ops); every other request_override or custom authentication strategy is refused by name.
 */

const SHARED = new URL('../../../shared/fides-connectors/', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, SHARED), 'utf8');

type Problem = [path: string, message: string];

const notRegistered = (path: string, name: string): Problem => [path, `request_override '${name}' is not registered`];
const authNotRegistered = (path: string, name: string): Problem => [path, `authentication strategy '${name}' is not registered`];

/** The real connectors that are refused; every other one of the 54 validates with its dataset. */
const REFUSED_CONNECTORS: Record<string, Problem[]> = {
  adobe_campaign: [authNotRegistered('client_config.authentication.strategy', 'adobe_campaign')],
  braze: [notRegistered('endpoints[0].requests.update.request_override', 'braze_user_update')],
  domo: [notRegistered('endpoints[0].requests.update.request_override', 'domo_user_update')],
  friendbuy_nextgen: [
    authNotRegistered('client_config.authentication.strategy', 'friendbuy_nextgen'),
    notRegistered('endpoints[0].requests.delete.request_override', 'friendbuy_nextgen_user_delete'),
  ],
  heap: [authNotRegistered('client_config.authentication.strategy', 'heap')],
  iterate: [notRegistered('endpoints[0].requests.read.request_override', 'iterate_company_read')],
  marigold_engage: [
    notRegistered('test_request.request_override', 'marigold_engage_test'),
    notRegistered('endpoints[0].requests.read.request_override', 'marigold_engage_user_read'),
    notRegistered('endpoints[0].requests.delete.request_override', 'marigold_engage_user_delete'),
  ],
  oracle_responsys: [
    authNotRegistered('client_config.authentication.strategy', 'oracle_responsys'),
    notRegistered('endpoints[1].requests.read[0].request_override', 'oracle_responsys_profile_list_recipients_read'),
    notRegistered('endpoints[1].requests.read[1].request_override', 'oracle_responsys_profile_list_recipients_read'),
    notRegistered('endpoints[1].requests.delete.request_override', 'oracle_responsys_profile_list_recipients_delete'),
    notRegistered('endpoints[2].requests.read[0].request_override', 'oracle_responsys_profile_extension_recipients_read'),
  ],
  powerreviews: [notRegistered('endpoints[0].requests.delete.request_override', 'powerreviews_user_delete')],
  snap: [notRegistered('endpoints[0].requests.delete.request_override', 'snap_user_delete')],
  twilio_conversations: [
    notRegistered('endpoints[0].requests.update.request_override', 'twilio_user_update'),
    notRegistered('endpoints[2].requests.update.request_override', 'twilio_conversation_message_update'),
  ],
  yotpo_loyalty: [authNotRegistered('data_protection_request.client_config.authentication.strategy', 'yotpo_reviews')],
};

const fieldWarning = (path: string, field: string, collection: string): Problem => [
  path,
  `references field '${field}' which collection '${collection}' does not declare; its values come only from rows that hold it`,
];

/** Valid files that reference a field their dataset does not declare: upstream accepts them, dsrflow warns. */
const WARNED: Record<string, Problem[]> = {
  iterate: [fieldWarning('endpoints[1].requests.read.param_values[0].references[0].field', 'company_id', 'company')],
  oracle_responsys: [
    fieldWarning('endpoints[1].requests.read[0].param_values[0].references[0].field', 'name', 'profile_list'),
    fieldWarning('endpoints[1].requests.read[1].param_values[0].references[0].field', 'name', 'profile_list'),
  ],
  rollbar: [fieldWarning('endpoints[2].requests.read.param_values[0].references[0].field', 'access_token', 'project_access_tokens')],
  'saas_external_example_config.yml': [
    fieldWarning('endpoints[2].requests.read.param_values[0].references[0].field', 'organization.slug', 'projects'),
    fieldWarning('endpoints[2].requests.read.param_values[1].references[0].field', 'slug', 'projects'),
  ],
  'saas_erasure_order_config.yml': [
    fieldWarning('endpoints[3].requests.read.param_values[0].references[0].field', 'orders_id', 'orders'),
    fieldWarning('endpoints[4].requests.read.param_values[0].references[0].field', 'refunds_id', 'refunds'),
  ],
};
const warningsOf = (name: string) => (WARNED[name] ?? []).map(([path, message]) => ({ file: 'config', path, message }));

/** The fixtures, as [config, dataset or none, expected problems (file, path, message)]. */
const FIXTURES: Array<[string, string | undefined, Array<[file: string, ...Problem]>]> = [
  ['async-integration/example_async_callback_config.yml', 'async-integration/example_async_callback_dataset.yml', []],
  [
    'async-integration/example_async_polling_config.yml',
    'async-integration/example_async_polling_dataset.yml',
    [],
  ],
  [
    'interruptible/interruptible_config.yml',
    'interruptible/interruptible_dataset.yml',
    [0, 1, 2, 3].map((i) => ['config', ...notRegistered(`endpoints[${i}].requests.read.request_override`, 'interruptible_request')]),
  ],
  ['mailchimp_override_config.yml', 'mailchimp_override_dataset.yml', []],
  [
    'planet_express/planet_express_config.yml',
    'planet_express/planet_express_dataset.yml',
    [
      ['config', 'client_config.authentication.configuration.token', 'is required'],
      ['config', 'client_config.authentication.configuration.password', "unknown property 'password'"],
      ['config', ...notRegistered('endpoints[0].requests.read.request_override', 'planet_express_user_access')],
    ],
  ],
  [
    'planet_express/planet_express_invalid_config.yml',
    'planet_express/planet_express_invalid_dataset.yml',
    [
      ['config', 'test_request', 'is required'],
      ['config', 'client_config.authentication.configuration.token', 'is required'],
      ['config', 'client_config.authentication.configuration.password', "unknown property 'password'"],
      ['config', ...notRegistered('endpoints[0].requests.read.request_override', 'planet_express_user_access')],
      ['dataset', 'collections[0].name', 'is required'],
      ['dataset', 'collections[0].names', "unknown property 'names'"],
    ],
  ],
  [
    'planet_express/replaceable_planet_express_config.yml',
    'planet_express/planet_express_dataset.yml',
    [
      ['config', 'client_config.authentication.configuration.token', 'is required'],
      ['config', 'client_config.authentication.configuration.password', "unknown property 'password'"],
      ['config', ...notRegistered('endpoints[0].requests.read.request_override', 'planet_express_user_access')],
    ],
  ],
  ['replaceable_hubspot_config.yml', 'dataset/hubspot_dataset.yml', [['config', ...notRegistered('endpoints[0].requests.update.request_override', 'hubspot_contacts_update')]]],
  ['saas_async_callback_config.yml', 'saas_async_callback_dataset.yml', []],
  [
    'saas_async_polling_config.yml',
    'saas_async_polling_dataset.yml',
    [],
  ],
  [
    'saas_consent_request_override_config.yml',
    'saas_consent_request_override_dataset.yml',
    [
      ['config', ...notRegistered('consent_requests.opt_in.request_override', 'opt_in_request_override')],
      ['config', ...notRegistered('consent_requests.opt_out.request_override', 'opt_out_request_override')],
    ],
  ],
  [
    'saas_custom_privacy_request_fields_config.yml',
    'saas_custom_privacy_request_fields_dataset.yml',
    [['config', 'client_config.authentication.configuration.token', 'placeholder <api_key> can never be filled: it is not a connector_param of this connector']],
  ],
  ['saas_erasure_order_config.yml', 'saas_erasure_order_dataset.yml', []],
  ['saas_example_config.yml', 'saas_example_dataset.yml', []],
  ['saas_example_consent_preferences_config.yml', undefined, []],
  ['saas_example_opt_out_only_config.yml', undefined, []],
  // The kitchen sink's dataset file also holds this connector's dataset: the one with its fides_key is used.
  ['saas_external_example_config.yml', 'saas_example_dataset.yml', []],
];

describe('the Fides connector corpus (../shared/fides-connectors)', () => {
  const registry = new OverrideRegistry();
  before(async () => {
    await loadOverrides(new URL('../../fixtures/overrides/', import.meta.url).pathname, registry);
  });

  const names = readdirSync(new URL('config/', SHARED)).map((file) => file.replace(/_config\.yml$/, ''));

  it('has the 54 real connectors, each with its dataset', () => {
    expect(names).to.have.length(54);
    expect(readdirSync(new URL('dataset/', SHARED)).map((file) => file.replace(/_dataset\.yml$/, ''))).to.deep.equal(names);
  });

  for (const name of names) {
    const expected = REFUSED_CONNECTORS[name] ?? [];
    it(`${name}: ${expected.length === 0 ? 'validates with its dataset' : 'is refused, naming what is not registered'}${WARNED[name] ? ', warning of fields it does not declare' : ''}`, () => {
      const { problems, warnings } = validateConnection(
        { key: name, saasConfig: read(`config/${name}_config.yml`), dataset: read(`dataset/${name}_dataset.yml`), configFile: 'config', datasetFile: 'dataset' },
        registry,
      );
      expect(problems).to.deep.equal(expected.map(([path, message]) => ({ file: 'config', path, message })));
      expect(warnings).to.deep.equal(warningsOf(name));
    });
  }

  for (const [config, dataset, expected] of FIXTURES) {
    it(`fixtures/${config}: ${expected.length === 0 ? 'validates' : 'is refused'}${WARNED[config] ? ', warning of fields it does not declare' : ''}`, () => {
      const { problems, warnings } = validateConnection(
        {
          key: 'instance',
          saasConfig: read(`fixtures/${config}`),
          ...(dataset ? { dataset: read(dataset.startsWith('dataset/') ? dataset : `fixtures/${dataset}`) } : {}),
          configFile: 'config',
          datasetFile: 'dataset',
        },
        registry,
      );
      expect(problems).to.deep.equal(expected.map(([file, path, message]) => ({ file, path, message })));
      expect(warnings).to.deep.equal(warningsOf(config));
    });
  }

  it('refuses alchemer and the override fixtures without the ported overrides, naming them', () => {
    const { problems } = validateConnection({ key: 'alchemer', saasConfig: read('config/alchemer_config.yml'), dataset: read('dataset/alchemer_dataset.yml') }, new OverrideRegistry());
    expect(problems).to.deep.equal([
      { file: 'saas_config', path: 'endpoints[0].requests.delete.request_override', message: "request_override 'alchemer_user_delete' is not registered" },
    ]);
  });
});
