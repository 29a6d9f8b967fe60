import { expect } from 'chai';
import { pathForLogs } from '../../src/saas/outgoing-request.ts';

/** Outgoing requests are logged and labelled by the connector's path template, never by the values it was filled with. */

describe('the path of an outgoing request, as logged and labelled', function () {
  const cases: [template: string | undefined, sent: string, logged: string][] = [
    ['/api/v1/user/<user_id>', '/api/v1/user/jane%40example.com', '/api/v1/user/<user_id>'],
    ['/api/v1/user?query=<email>', '/api/v1/user?query=jane@example.com', '/api/v1/user'],
    ['/api/<version>/profile/<id>.json', '/api/v2/profile/42.json?x=1', '/api/<version>/profile/<id>.json'],
    [undefined, '/custom/jane@example.com/v3/42', '/custom/*/v3/*'],
    [undefined, '/oauth/token?code=secret-code', '/oauth/token'],
  ];
  for (const [template, sent, logged] of cases) {
    it(`logs ${sent} ${template ? `sent from ${template}` : 'sent without a template'} as ${logged}`, function () {
      expect(pathForLogs(template, sent)).to.equal(logged);
    });
  }
});
