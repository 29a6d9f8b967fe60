import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { loadSettings } from '../../src/config/settings.ts';
import { daysLeft } from '../../src/policies/due-dates.ts';
import type { AsyncShopService } from '../../fixtures/third-party/async-shop-service.ts';
import { EXAMPLE_ORDERS, EXAMPLE_USERS } from '../../fixtures/third-party/example-data.ts';
import { api, putShopConnection, startShop, submit, tempDir, waitForStatus, waitForTask, type ApiResponse } from '../support/harness.ts';
import { startClockedEngine, type ClockedEngine } from './clocked-engine.ts';

/**
 * Due dates (`due_date`, `days_left`) and GET /api/v1/privacy-request with its filters, on an engine whose clock the
 * test moves: a month passes in a line.
 */

const T0 = new Date('2026-03-01T12:00:00.000Z');
const DAY = 86_400_000;
const at = (days: number) => new Date(T0.getTime() + days * DAY).toISOString();
const LIST = '/api/v1/privacy-request';

describe('due dates and the privacy request list', function () {
  let clocked: ClockedEngine;
  let shop: AsyncShopService;
  /** Submitted at day 0 and answered: complete. */
  let complete: string;
  /** Submitted at day 1, still waiting for its callback at day 35: overdue. */
  let overdue: string;
  /** Submitted at day 10, waiting at day 35: due in 5 days. */
  let dueSoon: string;

  before(async function () {
    clocked = await startClockedEngine(T0);
    shop = await startShop({ users: EXAMPLE_USERS, orders: EXAMPLE_ORDERS, callbackDelayMs: false });
    await putShopConnection(clocked.url, shop);
    complete = await submit(clocked.url, 'jane@example.com');
    await waitForTask(clocked.url, complete, 'shop:user', 'access', 'awaiting_callback');
    await shop.sendCallbacks();
    await waitForStatus(clocked.url, complete, ['complete']);
    clocked.advanceDays(1);
    overdue = await submit(clocked.url, 'jane@example.com');
    clocked.advanceDays(9);
    dueSoon = await submit(clocked.url, 'jane@example.com', 'default_erasure_policy');
    await waitForTask(clocked.url, dueSoon, 'shop:user', 'access', 'awaiting_callback');
    clocked.advanceDays(25);
  });

  after(async function () {
    await clocked?.close();
    await shop?.close();
  });

  const list = (query = '') => api(clocked.url, 'GET', `${LIST}${query}`);
  const ids = (res: ApiResponse) => res.body.items.map((r: { id: string }) => r.id);

  it('gives each request a due date 30 days after submission, and the whole days left until it while it is open', async function () {
    const view = async (id: string) => (await api(clocked.url, 'GET', `${LIST}/${id}`)).body;
    expect(await view(overdue)).to.include({ created_at: at(1), due_date: at(31), days_left: -4 });
    expect(await view(dueSoon)).to.include({ created_at: at(10), due_date: at(40), days_left: 5 });
    expect(await view(complete)).to.include({ due_date: at(30), days_left: null });
  });

  it('lists every request, newest first, with the total', async function () {
    const res = await list();
    expect(res.status).to.equal(200);
    expect(res.body.total).to.equal(3);
    expect(ids(res)).to.deep.equal([dueSoon, overdue, complete]);
    expect(res.body.items[0]).to.include({ id: dueSoon, status: 'in_processing', policy_key: 'default_erasure_policy', due_date: at(40), days_left: 5 });
    expect(res.body.items[0]).to.not.have.property('identity');
  });

  it('filters by overdue, by due within N days, by status (repeated or comma-separated), and limits', async function () {
    expect(ids(await list('?overdue=true'))).to.deep.equal([overdue]);
    expect(ids(await list('?overdue=false'))).to.deep.equal([dueSoon, complete]);
    expect(ids(await list('?due_within_days=7'))).to.deep.equal([dueSoon]);
    expect(ids(await list('?due_within_days=5'))).to.deep.equal([]);
    expect(ids(await list('?status=complete'))).to.deep.equal([complete]);
    expect(ids(await list('?status=complete,in_processing'))).to.deep.equal([dueSoon, overdue, complete]);
    expect(ids(await list('?status=error&status=complete'))).to.deep.equal([complete]);
    expect(ids(await list('?status=in_processing&overdue=false'))).to.deep.equal([dueSoon]);
    expect(ids(await list('?status=&overdue='))).to.have.length(3);
    const limited = await list('?limit=1');
    expect(limited.body).to.deep.include({ total: 3 });
    expect(ids(limited)).to.deep.equal([dueSoon]);
  });

  const refusals: [string, string][] = [
    ['?status=done', "status 'done' is not one of pending, in_processing, complete, error"],
    ['?overdue=yes', "overdue must be true or false, not 'yes'"],
    ['?overdue=true&overdue=false', 'overdue is given 2 times; give it once'],
    ['?due_within_days=0', "due_within_days must be a whole number from 1 to 3650, not '0'"],
    ['?due_within_days=1.5', "due_within_days must be a whole number from 1 to 3650, not '1.5'"],
    ['?limit=5000', "limit must be a whole number from 1 to 1000, not '5000'"],
    ['?sort=due_date', "unknown query parameter 'sort': the list takes status, overdue, due_within_days, limit"],
  ];
  for (const [query, detail] of refusals) {
    it(`answers 400 QUERY_INVALID for ${query}, naming the problem, changing nothing`, async function () {
      const before = await list();
      const res = await list(query);
      expect(res.status).to.equal(400);
      expect(res.body).to.deep.equal({ code: 'QUERY_INVALID', detail });
      expect(await list()).to.deep.equal(before);
    });
  }

  it('needs the API key like every other route', async function () {
    const res = await api(clocked.url, 'GET', LIST, { auth: null });
    expect(res.status).to.equal(401);
    expect(res.body.code).to.equal('AUTH_MISSING');
  });

  it('takes the due days from the due_days setting', async function () {
    const short = await startClockedEngine(T0, { dueDays: 10 });
    try {
      const id = await submit(short.url, 'jane@example.com');
      expect((await api(short.url, 'GET', `${LIST}/${id}`)).body).to.include({ due_date: at(10) });
    } finally {
      await short.close();
    }
  });

  it("gives a policy of dsrflow.yaml's policies block its own due days; the other policies keep due_days", async function () {
    const dir = tempDir();
    writeFileSync(join(dir.path, 'dsrflow.yaml'), 'due_days: 20\npolicies:\n  default_erasure_policy: { due_days: 45 }\n');
    const { dueDays, policyDueDays } = loadSettings({}, join(dir.path, 'dsrflow.yaml'));
    dir.remove();
    const engine = await startClockedEngine(T0, { dueDays, policyDueDays });
    try {
      const view = async (policy: string) => (await api(engine.url, 'GET', `${LIST}/${await submit(engine.url, 'jane@example.com', policy)}`)).body;
      expect(await view('default_erasure_policy')).to.include({ created_at: at(0), due_date: at(45) });
      expect(await view('default_access_policy')).to.include({ created_at: at(0), due_date: at(20) });
      expect(await view('default_erasure_only_policy')).to.include({ created_at: at(0), due_date: at(20) });
    } finally {
      await engine.close();
    }
  });

  it('counts days left down to the minute the due date passes; a request stored before due dates has none', function () {
    const open = { id: 'p', status: 'in_processing' as const, policy_key: 'x', identity: {}, created_at: at(0), due_date: at(30) };
    expect(daysLeft(open, new Date(T0.getTime() + 29.99 * DAY))).to.equal(0);
    expect(daysLeft(open, new Date(T0.getTime() + 30.01 * DAY))).to.equal(-1);
    expect(daysLeft({ ...open, status: 'error' }, new Date(T0.getTime() + 31 * DAY))).to.equal(-1);
    expect(daysLeft({ ...open, due_date: undefined }, T0)).to.equal(null);
  });

  it('reads due_days from the config file or DSRFLOW_DUE_DAYS, refusing what is not a number of days', function () {
    expect(loadSettings({}, undefined, '/nonexistent').dueDays).to.equal(30);
    expect(loadSettings({ DSRFLOW_DUE_DAYS: '45' }, undefined, '/nonexistent').dueDays).to.equal(45);
    for (const bad of ['0', 'thirty', '3651', '1.5']) {
      expect(() => loadSettings({ DSRFLOW_DUE_DAYS: bad }, undefined, '/nonexistent'))
        .to.throw(`due_days: '${bad}' is not a whole number of days from 1 to 3650`)
        .with.property('code', 'CONFIG_INVALID');
    }
  });
});
