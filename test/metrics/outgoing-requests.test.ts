import { expect } from 'chai';
import { templatePath } from '../../src/metrics/outgoing-requests.ts';
import type { Connection } from '../../src/saas/types.ts';

/** Outgoing requests are logged and labelled by the connector's path template, never by the values it was filled with. */

const connection = {
  key: 'shop',
  saas_config: {
    test_request: { method: 'GET', path: '/ping' },
    endpoints: [
      { name: 'user', requests: { read: { method: 'GET', path: '/api/v1/user?query=<email>' }, delete: { method: 'DELETE', path: '/api/v1/user/<user_id>' } } },
      { name: 'me', requests: { read: [{ method: 'GET', path: '/api/v1/user/me' }, { method: 'GET', path: '/api/<version>/profile/<id>.json' }] } },
      { name: 'override', requests: { update: { request_override: 'custom_update' } } },
    ],
  },
} as unknown as Connection;

describe('the path of an outgoing request, as logged and labelled', function () {
  const cases: [string, string][] = [
    ['/api/v1/user/jane%40example.com', '/api/v1/user/<user_id>'],
    ['/api/v1/user?query=jane@example.com', '/api/v1/user'],
    ['/api/v1/user/me', '/api/v1/user/me'],
    ['/api/v2/profile/42.json?x=1', '/api/<version>/profile/<id>.json'],
    ['/ping', '/ping'],
    ['/custom/jane@example.com/v3/42', '/custom/*/v3/*'],
  ];
  for (const [sent, logged] of cases) {
    it(`logs ${sent} as ${logged}`, function () {
      expect(templatePath(connection, sent)).to.equal(logged);
    });
  }
});
