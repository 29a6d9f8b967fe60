import { existsSync, mkdirSync } from 'node:fs';
import { expect } from 'chai';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { RunningServer } from '../../src/server.ts';
import type { AsyncShopService } from '../../fixtures/third-party/async-shop-service.ts';
import { engineWithShop } from '../support/engine-with-shop.ts';
import { API_KEY, submit, waitForStatus, waitForTask } from '../support/harness.ts';

/**
 * The dashboard in a real browser (Debian's chromium, headless): what a person sees after signing in, as the example
 * shop answers, fails once, and calls back. The request page's screenshot is saved under test/artifacts/.
 */

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = new URL('../artifacts/', import.meta.url);
/** Long enough for two rounds of the page's 2-second refresh. */
const REFRESHED = { timeout: 6000 };

const node = (page: Page, name: string, status?: string) => page.locator(`a.node${status ? `.status-${status}` : ''}[aria-label^="${name}:"]`);

describe('the dashboard in a browser', function () {
  this.timeout(30_000);
  // The shop refuses the first user lookup, so the first request ends in error.
  const running = engineWithShop({ callbackDelayMs: false, failFirst: { path: '/api/v1/user', count: 1, status: 400 } });
  let engine: RunningServer;
  let shop: AsyncShopService;
  let browser: Browser;
  let page: Page;
  let failed: string;
  let erasure: string;

  before(async function () {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium), as .ci/run does`);
    ({ engine, shop } = running);
    failed = await submit(engine.url, 'jane@example.com');
    await waitForStatus(engine.url, failed, ['error']);
    erasure = await submit(engine.url, 'jane@example.com', 'default_erasure_policy');
    await waitForTask(engine.url, erasure, 'shop:user', 'access', 'awaiting_callback');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    page = await browser.newPage({ viewport: { width: 1700, height: 1000 } });
  });

  after(async function () {
    await browser?.close();
  });

  it('asks for the API key, then lists the requests with masked identities, due dates and filters', async function () {
    await page.goto(`${engine.url}/dashboard`);
    expect(await page.locator('h1').textContent()).to.equal('Sign in to the dsrflow dashboard');
    await page.getByLabel('API key').fill(API_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('table.requests').waitFor();
    const rows = page.locator('table.requests tbody tr');
    expect(await rows.count()).to.equal(2);
    const text = await page.locator('table.requests').innerText();
    expect(text).to.include('email: j***@e***.com');
    expect(text).to.not.include('jane@example.com');
    expect(text).to.include('29 days left');
    expect(await rows.first().innerText()).to.include(erasure).and.include('in processing');

    await page.getByLabel('Status').selectOption('error');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/status=error/);
    expect(await rows.count()).to.equal(1);
    expect(await rows.first().innerText()).to.include(failed).and.include('error');

    await page.getByLabel('Status').selectOption('');
    await page.getByLabel('Due within 7 days').check();
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/due=soon/);
    expect(await page.locator('#live').innerText()).to.include('Showing 0 of 0 privacy requests.');
  });

  it("draws the request's task graph: every task a node in its state, waiting nodes saying since and until when", async function () {
    await page.goto(`${engine.url}/dashboard/requests/${erasure}`);
    expect(await page.locator('svg.task-graph a.node').count()).to.equal(8);
    for (const name of ['access start', 'access end', 'erasure start', 'erasure end', 'access shop:orders', 'erasure shop:user']) {
      expect(await node(page, name).count(), name).to.equal(1);
    }
    const waiting = node(page, 'access shop:user', 'awaiting_callback');
    const label = await waiting.getAttribute('aria-label');
    expect(label).to.match(/access · awaiting callback; since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC; until \d{4}-\d\d-\d\d/);
    expect(await waiting.locator('text').allTextContents()).to.include.members(['shop:user', 'access · awaiting callback']);
    expect(await node(page, 'access start', 'complete').count()).to.equal(1);
    expect(await page.locator('ul.legend').innerText()).to.include('awaiting callback: 1').and.include('pending: 6').and.include('complete: 1');
    expect(await page.locator('svg.task-graph path.edge').count()).to.equal(8);
  });

  it("opens a task's history on click, without reloading the page", async function () {
    await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
    await node(page, 'access shop:user').click();
    await page.locator('#task-detail').waitFor();
    await page.waitForURL(/\?task=tsk_/);
    expect(await page.locator('#task-detail h2').textContent()).to.equal('access shop:user');
    const history = await page.locator('#task-detail table.history').innerText();
    for (const event of ['CREATED', 'START', 'AWAIT_CALLBACK']) expect(history).to.include(event);
    expect(await page.locator('#task-detail').innerText()).to.include('Waiting until');
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).to.equal(true);
  });

  it('follows the request by itself as the third party calls back, and shows the access results', async function () {
    await shop.sendCallbacks();
    await node(page, 'access shop:user', 'complete').waitFor(REFRESHED);
    await waitForTask(engine.url, erasure, 'shop:user', 'erasure', 'awaiting_callback');
    await node(page, 'erasure shop:user', 'awaiting_callback').waitFor(REFRESHED);
    expect(await page.locator('#task-detail table.history').innerText()).to.include('CALLBACK');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: new URL('request-page.png', ARTIFACTS).pathname, fullPage: true });
    await shop.sendCallbacks();
    await page.locator('.summary .badge.status-complete').waitFor(REFRESHED);
    expect(await page.locator('#announcer').textContent()).to.equal('The privacy request is complete now.');
    const results = await page.locator('section[aria-labelledby="results-title"]').innerText();
    expect(results).to.include('Jane Doe').and.include('ord-100');
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).to.equal(true);
  });

  it("shows a failed task's message, and retries the request from its page", async function () {
    await page.goto(`${engine.url}/dashboard/requests/${failed}`);
    expect(await page.locator('.summary .badge').textContent()).to.equal('error');
    expect(await page.locator('.failure .error-message').innerText()).to.match(/access shop:user: .*400/);
    await node(page, 'access shop:user', 'error').click();
    await page.locator('#task-detail .error-message').waitFor();
    expect(await page.locator('#task-detail .error-message').innerText()).to.match(/^Error: .*400/);
    expect(await node(page, 'access shop:orders', 'error').getAttribute('aria-label')).to.include('upstream task access shop:user failed');

    // The engine's refusal is shown as it comes.
    await page.route('**/retry', (route) =>
      route.fulfill({ status: 400, contentType: 'application/json', body: JSON.stringify({ detail: 'Nothing to retry', code: 'PRIVACY_REQUEST_NOT_RETRYABLE' }) }),
    );
    await page.getByRole('button', { name: 'Retry the failed tasks' }).click();
    await page.locator('#notice[data-code="PRIVACY_REQUEST_NOT_RETRYABLE"]').waitFor();
    expect(await page.locator('#notice').textContent()).to.equal('Retry refused: Nothing to retry');
    await page.unroute('**/retry');

    await page.getByRole('button', { name: 'Retry the failed tasks' }).click();
    await page.locator('#notice', { hasText: 'Retry started' }).waitFor();
    await node(page, 'access shop:user', 'awaiting_callback').waitFor(REFRESHED);
    await shop.sendCallbacks();
    await page.locator('.summary .badge.status-complete').waitFor(REFRESHED);
    expect(await page.locator('.failure').count()).to.equal(0);
  });

  it('signs out, back to the sign-in form', async function () {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${engine.url}/dashboard`);
    expect(await page.locator('h1').textContent()).to.equal('Sign in to the dsrflow dashboard');
  });
});
