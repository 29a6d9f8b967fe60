import { expect } from 'chai';
import { connectorSuite, runRequest } from './support/engine.ts';
import type { Received } from './support/vendor.ts';

/**
 * Built-in values and missing ones in a read, end to end: `<uuid>` (a new one for every request) and
 * `<iso_8601_datetime>` (the engine's clock, to the second, labelled Z); a read whose path cannot be filled is
 * skipped with `skip_missing_param_values` (nothing sent, no rows), and fails its task without it.
 */

const NOW = new Date('2026-03-04T05:06:07.890Z');
const JANE = 'jane@example.com';

const CONFIG = `
saas_config:
  fides_key: <instance_fides_key>
  name: Team tool
  type: team_tool
  description: Reads whose values come from the privacy request
  version: 0.1.0
  connector_params:
    - name: domain
    - name: api_key
  client_config:
    protocol: https
    host: <domain>
    authentication:
      strategy: bearer
      configuration:
        token: <api_key>
  test_request:
    method: GET
    path: /ping
  endpoints:
    - name: member
      requests:
        read:
          method: GET
          path: /teams/<custom_privacy_request_fields.team>/members
          skip_missing_param_values: true
          query_params:
            - name: email
              value: <email>
            - name: request_id
              value: <uuid>
            - name: at
              value: <iso_8601_datetime>
          param_values:
            - name: email
              identity: email
    - name: audit
      requests:
        read:
          method: GET
          path: /audit/<custom_privacy_request_fields.team>
          query_params:
            - name: email
              value: <email>
            - name: request_id
              value: <uuid>
          param_values:
            - name: email
              identity: email
`;

const DATASET = `
dataset:
  - fides_key: <instance_fides_key>
    name: Team tool
    collections:
      - name: member
        fields:
          - name: id
            data_categories: [system.operations]
            fidesops_meta: { primary_key: true }
          - name: email
            data_categories: [user.contact.email]
      - name: audit
        fields:
          - name: id
            data_categories: [system.operations]
          - name: action
            data_categories: [system.operations]
`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('built-in values and skip_missing_param_values in reads, end to end', () => {
  const suite = connectorSuite({
    now: () => NOW,
    routes: (vendor) =>
      vendor.on('GET', '/teams/core/members', { json: [{ id: 'm1', email: JANE }] }).on('GET', '/audit/core', { json: [{ id: 'a1', action: 'login' }] }),
    connect: async (engine) => {
      await engine.connections.put({ key: 'team', saasConfig: CONFIG, dataset: DATASET, secrets: { domain: 'team.example.com', api_key: 'k' } });
    },
  });

  it('fills <uuid> afresh for every request and <iso_8601_datetime> from the clock', async () => {
    const run = await runRequest(suite.engine, { email: JANE }, 'default_access_policy', { custom_privacy_request_fields: { team: { label: 'Team', value: 'core' } } });
    expect(run.status, run.error).to.equal('complete');
    const byPath = (path: string) => suite.vendor.received.find((r) => r.path === path) as Received;
    const member = byPath('/teams/core/members');
    const audit = byPath('/audit/core');
    expect(member.query).to.include({ email: JANE, at: '2026-03-04T05:06:07Z' });
    expect(member.query.request_id).to.match(UUID);
    expect(audit.query.request_id).to.match(UUID);
    expect(member.query.request_id).to.not.equal(audit.query.request_id);
    expect(run.results['team:member']).to.deep.equal([{ id: 'm1', email: JANE }]);
  });

  it('skips a read it cannot fill with skip_missing_param_values, sending nothing; without it the task fails', async () => {
    const run = await runRequest(suite.engine, { email: JANE }, 'default_access_policy');
    expect(suite.vendor.received).to.deep.equal([]);
    expect(run.tasks['access|team:member']).to.deep.equal({ status: 'complete' });
    expect(run.rows['team:member']).to.deep.equal([]);
    expect(run.tasks['access|team:audit']?.status).to.equal('error');
    expect(run.error).to.equal('access team:audit: the path of the read request of team:audit could not be filled: no value for <custom_privacy_request_fields.team>');
  });
});
