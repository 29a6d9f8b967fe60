import { expect } from 'chai';
import { maskingParamMap, readParamMaps } from '../../src/saas/param-maps.ts';
import type { SaasRequest } from '../../src/saas/types.ts';

/** Fan-out: which requests a read sends for its inputs, as upstream's generate_param_value_maps. */

const ref = (field: string) => ({ dataset: 'shop', field, direction: 'from' as const });

describe('readParamMaps', () => {
  it('sends one request per combination of list inputs', () => {
    const request: SaasRequest = { param_values: [{ name: 'org', references: [ref('orgs.slug')] }, { name: 'email', identity: 'email' }] };
    expect(readParamMaps(request, { org: ['a', 'b'], email: ['jane@example.com'] }, {})).to.deep.equal([
      { org: 'a', email: 'jane@example.com' },
      { org: 'b', email: 'jane@example.com' },
    ]);
  });

  it('fans out over a list-valued (multiselect) secret', () => {
    const request: SaasRequest = { param_values: [{ name: 'type', connector_param: 'account_types' }, { name: 'id', references: [ref('customers.id')] }] };
    expect(readParamMaps(request, { id: [1] }, { account_types: ['checking', 'savings'] })).to.deep.equal([
      { type: 'checking', id: 1 },
      { type: 'savings', id: 1 },
    ]);
  });

  it('keeps a list value whole, unless unpack flattens it into a request per item', () => {
    const param = { name: 'list_id', references: [ref('users.list_ids')] };
    expect(readParamMaps({ param_values: [param] }, { list_id: [['L1', 'L2']] }, {})).to.deep.equal([{ list_id: ['L1', 'L2'] }]);
    expect(readParamMaps({ param_values: [{ ...param, unpack: true }] }, { list_id: [['L1', 'L2'], 'L3'] }, {})).to.deep.equal([
      { list_id: 'L1' },
      { list_id: 'L2' },
      { list_id: 'L3' },
    ]);
  });

  it('keeps grouped inputs together: one request per upstream row, crossed with the other inputs', () => {
    const request: SaasRequest = {
      grouped_inputs: ['org', 'project'],
      param_values: [{ name: 'org', references: [ref('projects.org')] }, { name: 'project', references: [ref('projects.slug')] }, { name: 'type', connector_param: 'types' }],
    };
    const groups = [{ org: 'acme', project: 'web' }, { org: 'beta', project: 'api' }];
    expect(readParamMaps(request, { org: ['acme', 'beta'], project: ['web', 'api'] }, { types: ['a', 'b'] }, groups)).to.deep.equal([
      { type: 'a', org: 'acme', project: 'web' },
      { type: 'b', org: 'acme', project: 'web' },
      { type: 'a', org: 'beta', project: 'api' },
      { type: 'b', org: 'beta', project: 'api' },
    ]);
  });

  it('leaves out a param that has no input, and sends nothing for an input with no values', () => {
    const request: SaasRequest = { param_values: [{ name: 'email', identity: 'email' }, { name: 'phone', identity: 'phone_number' }] };
    expect(readParamMaps(request, { email: ['jane@example.com'] }, {})).to.deep.equal([{ email: 'jane@example.com' }]);
    expect(readParamMaps(request, { email: [] }, {})).to.deep.equal([]);
  });
});

describe('maskingParamMap', () => {
  const request: SaasRequest = {
    param_values: [
      { name: 'id', references: [ref('users.id')] },
      { name: 'list', references: [ref('users.list.id')] },
      { name: 'org', references: [ref('users.org_id')] },
      { name: 'email', identity: 'email' },
      { name: 'key', connector_param: 'api_key' },
      { name: 'ext', references: ['user_ref'] },
    ],
  };

  it('reads references from the row, else the first input; identities from the request; secrets by name', () => {
    const row = { id: 7, list: { id: 'l1' }, ext_id: 'e9' };
    const secrets = { api_key: 'k', user_ref: { dataset: 'crm', field: 'users.ext_id' } };
    expect(maskingParamMap(request, 'users', row, { org: ['o1', 'o2'] }, secrets, { email: 'jane@example.com' })).to.deep.equal({
      id: 7,
      list: 'l1',
      org: 'o1',
      email: 'jane@example.com',
      key: 'k',
      ext: 'e9',
    });
  });
});
