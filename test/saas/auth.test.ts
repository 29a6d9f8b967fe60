import { expect } from 'chai';
import { authenticate } from '../../src/saas/auth/index.ts';
import { OAuthSession, type OAuth2Configuration } from '../../src/saas/auth/oauth2.ts';
import type { IncomingResponse } from '../../src/saas/http-client.ts';
import { authStrategy } from '../../src/saas/overrides/definitions.ts';
import { OverrideRegistry } from '../../src/saas/overrides/registry.ts';
import type { PreparedRequest } from '../../src/saas/request-builder.ts';
import type { OAuthState, Secrets } from '../../src/saas/types.ts';

/** The authentication strategies, applied to a request about to be sent. */

const SECRETS: Secrets = { user: 'jane', password: 'pw', token: 't0k', key: 'k3y' };
const request = (extra: Partial<PreparedRequest> = {}): PreparedRequest => ({ method: 'GET', baseUrl: 'https://api.example.com', path: '/', query: [['q', '1']], headers: {}, ...extra });

async function applied(strategy: string, configuration: Record<string, unknown>, extra?: Partial<PreparedRequest>, registry = new OverrideRegistry()) {
  const prepared = request(extra);
  await authenticate(prepared, { strategy, configuration }, { secrets: SECRETS, registry, oauth: () => { throw new Error('no oauth'); } });
  return prepared;
}

describe('authentication strategies', () => {
  it('basic: base64 of username:password; no password is empty', async () => {
    expect((await applied('basic', { username: '<user>', password: '<password>' })).headers.authorization).to.equal(`Basic ${Buffer.from('jane:pw').toString('base64')}`);
    expect((await applied('basic', { username: '<user>' })).headers.authorization).to.equal(`Basic ${Buffer.from('jane:').toString('base64')}`);
  });

  it('bearer: the token', async () => {
    expect((await applied('bearer', { token: '<token>' })).headers.authorization).to.equal('Bearer t0k');
  });

  it('api_key: sets headers, sets or replaces query params', async () => {
    const prepared = await applied('api_key', { headers: [{ name: 'X-Key', value: 'Key <key>' }], query_params: [{ name: 'q', value: '<key>' }, { name: 'v', value: 2 }] });
    expect(prepared.headers).to.deep.equal({ 'x-key': 'Key k3y' });
    expect(prepared.query).to.deep.equal([['q', 'k3y'], ['v', '2']]);
  });

  it('api_key: merges its body into a JSON body, or makes one', async () => {
    expect((await applied('api_key', { body: '{"key": "<key>"}' }, { body: '{"email": "a@b.c"}' })).body).to.equal('{"email": "a@b.c", "key": "k3y"}');
    expect((await applied('api_key', { body: '{"key": "<key>"}' })).body).to.equal('{"key": "k3y"}');
  });

  it('fails on a value it cannot fill, naming the placeholder and never a secret', async () => {
    for (const [strategy, configuration, message] of [
      ['bearer', { token: '<missing>' }, 'the bearer token could not be filled: no value for <missing>'],
      ['api_key', { headers: [{ name: 'X-Key', value: '<nope>' }] }, "the api_key header 'X-Key' could not be filled: no value for <nope>"],
      ['api_key', { body: '{"key": <key>}x' }, 'the api_key body is not JSON'],
    ] as const) {
      try {
        await applied(strategy, configuration);
        expect.fail('expected a failure');
      } catch (err) {
        expect((err as Error).message).to.equal(message);
      }
    }
  });

  it('a registered strategy gets its configuration filled from the secrets', async () => {
    const registry = new OverrideRegistry();
    registry.register(
      authStrategy('signed', async ({ request: r, configuration }) => {
        r.headers['x-signature'] = `${configuration.key_id}:${configuration.path}`;
      }),
      'signed.ts',
    );
    expect((await applied('signed', { key_id: '<key>', path: '/v1' }, {}, registry)).headers['x-signature']).to.equal('k3y:/v1');
  });
});

describe('OAuth2 tokens', () => {
  const configuration: OAuth2Configuration = {
    authorization_request: { method: 'GET', path: '/authorize', query_params: [{ name: 'client_id', value: '<client_id>' }, { name: 'state', value: '<state>' }] },
    token_request: { method: 'POST', path: '/token', body: '{"id": "<client_id>", "code": "<code>"}' },
    refresh_request: { method: 'POST', path: '/refresh', body: '{"id": "<client_id>", "refresh": "<refresh_token>"}' },
  };

  function session(answers: Array<Record<string, unknown>>, state?: OAuthState, now = 1_000_000_000_000) {
    let stored = state;
    const sent: PreparedRequest[] = [];
    const oauth = new OAuthSession({
      connectionKey: 'crm',
      secrets: { client_id: 'cid', domain: 'crm.example.com' },
      client: { protocol: 'https', host: '<domain>' },
      tokens: { load: async () => stored, save: async (update) => void (stored = update) },
      now: () => new Date(now),
      sendTokenRequest: async (prepared): Promise<IncomingResponse> => {
        sent.push(prepared);
        const json = answers.shift() ?? {};
        return { status: json.access_token ? 200 : 400, headers: {}, contentType: 'application/json', body: JSON.stringify(json) };
      },
    });
    return { oauth, sent, stored: () => stored };
  }

  it('builds the authorization URL from the secrets and the state, on the config host when the request has none', () => {
    expect(session([]).oauth.authorizationUrl(configuration, 's1')).to.equal('https://crm.example.com/authorize?client_id=cid&state=s1');
  });

  it('exchanges a code, keeping expires_at from the answer (or the configuration)', async () => {
    const s = session([{ access_token: 'a1', refresh_token: 'r1', expires_in: 3600 }]);
    await s.oauth.exchangeCode(configuration, 'c0de');
    expect(s.sent[0]?.body).to.equal('{"id": "cid", "code": "c0de"}');
    expect(s.stored()).to.deep.equal({ access_token: 'a1', refresh_token: 'r1', expires_at: 1_000_000_000 + 3600 });
    const fixed = session([{ access_token: 'a2' }]);
    await fixed.oauth.exchangeCode({ ...configuration, expires_in: 60 }, 'c0de');
    expect(fixed.stored()).to.deep.equal({ access_token: 'a2', expires_at: 1_000_000_000 + 60 });
  });

  it("reports a token answer without access_token with the provider's error, and no secret", async () => {
    const s = session([{ error: 'invalid_grant', error_description: 'Bad code' }]);
    try {
      await s.oauth.exchangeCode(configuration, 'c0de');
      expect.fail('expected a failure');
    } catch (err) {
      expect((err as Error).message).to.equal('the OAuth2 token request answered 400 without an access_token (invalid_grant: Bad code)');
    }
  });

  it('refreshes a token within 10 minutes of expiry, keeping the refresh token when none comes back', async () => {
    const s = session([{ access_token: 'a2' }], { access_token: 'a1', refresh_token: 'r1', expires_at: 1_000_000_000 + 599 });
    expect(await s.oauth.accessToken('oauth2_authorization_code', configuration)).to.equal('a2');
    expect(s.sent[0]?.path).to.equal('/refresh');
    expect(s.sent[0]?.body).to.equal('{"id": "cid", "refresh": "r1"}');
    expect(s.stored()).to.deep.equal({ access_token: 'a2', refresh_token: 'r1' });
  });

  it('uses a token that is not near expiry as it is', async () => {
    const s = session([], { access_token: 'a1', refresh_token: 'r1', expires_at: 1_000_000_000 + 601 });
    expect(await s.oauth.accessToken('oauth2_authorization_code', configuration)).to.equal('a1');
    expect(s.sent).to.deep.equal([]);
  });
});
