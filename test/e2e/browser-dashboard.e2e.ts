/**
 * The live dashboard and the development welcome page in headless Chromium
 * (playwright-core + Debian's chromium, as browser-turbo.e2e.ts): the pages
 * load, their numbers follow real clients and broadcasts, the dashboard form's
 * broadcast reaches a subscribed client, the welcome page's @anycable/web
 * client shows a broadcast sent the way its curl line says, and behind a key no
 * secret reaches the browser. Screenshots go to test-results/ (git-ignored).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { deriveSecret } from '../../src/config/app.options.js';
import { sessionToken } from '../../src/dashboard/dashboard-auth.js';
import { postBroadcast, startApp, type TestApp } from '../support/app.js';
import { launchChromium, type Browser } from '../support/browser.js';
import { describeWith } from '../support/describe-with.js';
import { REPO_ROOT } from '../support/examples.js';
import { RawClient, pubsubIdentifier } from '../support/raw-client.js';
import { CHROMIUM } from '../support/requirements.js';

/** Where the run leaves its screenshots for people to look at. */
const SCREENSHOTS = join(REPO_ROOT, 'test-results');

/** Wait until the text of `selector` satisfies `ok` (polled from Node: the tests compile without the DOM types). */
async function pageText(tab: Page, selector: string, ok: (text: string) => boolean, what: string): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const text = (await tab.textContent(selector)) ?? '';
    if (ok(text)) return text;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${selector} to show ${what} (shows ${JSON.stringify(text.slice(0, 200))})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Wait until the element `#id` shows a number for which `ok` holds; returns it. */
async function pageNumber(tab: Page, id: string, ok: (n: number) => boolean, what: string): Promise<number> {
  const isNumber = (text: string) => text.trim() !== '' && !Number.isNaN(Number(text));
  return Number(await pageText(tab, `#${id}`, (text) => isNumber(text) && ok(Number(text)), what));
}

const describeChromium = await describeWith(CHROMIUM);

describeChromium('the dashboard and the welcome page in headless Chromium', () => {
  let browser: Browser | undefined;

  /** Start the browser for one group of tests. */
  async function launch(): Promise<void> {
    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await launchChromium({ width: 1200, height: 1100 });
  }

  /** Close the browser first: its idle keep-alive connections would hold the server's close open. */
  async function closeAll(app: TestApp | undefined): Promise<void> {
    await browser?.close();
    browser = undefined;
    await app?.close();
  }

  /** A new tab that records page errors; closed by the test. */
  async function tab(): Promise<{ page: Page; errors: string[] }> {
    const page = await browser!.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    return { page, errors };
  }

  describe('in public (development) mode', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startApp(['--public']);
      await launch();
    }, 30000);
    afterAll(() => closeAll(app));

    it('the welcome page connects with @anycable/web and shows a broadcast sent as its curl line says', async () => {
      const { page, errors } = await tab();
      try {
        await page.goto(app.httpUrl('/'), { timeout: 10000 });
        await pageText(page, '#status', (text) => text === 'connected', 'connected');
        const curl = (await page.textContent('#curl')) ?? '';
        expect(curl).toBe(`curl -X POST ${app.httpUrl('/_broadcast')} -H 'Content-Type: application/json' -d '{"stream":"chat","data":"{\\"text\\":\\"hello from curl\\"}"}'`);
        const body = curl.slice(curl.indexOf("-d '") + 4, -1);
        expect((await postBroadcast(app, body)).status).toBe(201);
        await page.waitForSelector('#messages li', { timeout: 10000 });
        expect(await page.textContent('#messages li')).toContain('{"text":"hello from curl"}');
        await page.screenshot({ path: join(SCREENSHOTS, 'welcome.png'), fullPage: true });
        expect(errors).toEqual([]);
      } finally {
        await page.close();
      }
    }, 30000);

    it('the dashboard follows clients and broadcasts, and its form broadcasts to subscribed clients', async () => {
      const { page, errors } = await tab();
      const clients: RawClient[] = [];
      try {
        await page.goto(app.httpUrl('/_dashboard'), { timeout: 10000 });
        const connections = await pageNumber(page, 'connections', () => true, 'a number');
        const broadcasts = await pageNumber(page, 'broadcasts-total', () => true, 'a number');
        for (let i = 0; i < 3; i++) {
          const client = await RawClient.welcomed(app.wsUrl());
          await client.subscribe(pubsubIdentifier('dashboard-room'));
          clients.push(client);
        }
        await pageNumber(page, 'connections', (n) => n >= connections + 3, `${connections + 3} connections`);
        await pageNumber(page, 'streams', (n) => n >= 1, 'an active stream');
        await pageText(page, '#channels', (text) => text.includes('$pubsub'), 'the $pubsub channel');

        await page.fill('input[name=stream]', 'dashboard-room');
        await page.fill('textarea[name=data]', '{"text":"from the dashboard form"}');
        await page.click('button[type=submit]');
        for (const client of clients) expect(await client.next((f) => f.identifier !== undefined && f.message !== undefined, 5000)).toEqual({ identifier: pubsubIdentifier('dashboard-room'), message: { text: 'from the dashboard form' } });
        await pageNumber(page, 'broadcasts-total', (n) => n > broadcasts, 'one more broadcast');
        await pageNumber(page, 'deliveries-rate', (n) => n > 0, 'deliveries per second');

        clients.pop()!.close();
        await pageText(page, '#recent', (text) => text.includes('closed by client'), 'a client disconnect');
        await page.screenshot({ path: join(SCREENSHOTS, 'dashboard.png'), fullPage: true });
        expect(errors).toEqual([]);
      } finally {
        for (const client of clients) client.close();
        await page.close();
      }
    }, 30000);
  });

  describe('behind dashboard_key', () => {
    const secrets = { dashboardKey: 'dash-key-4815', secret: 'app-secret-1623', jwtSecret: 'jwt-secret-4242', broadcastKey: 'bcast-key-0815', streamsSecret: 'streams-secret-77' };
    let app: TestApp;
    beforeAll(async () => {
      app = await startApp([
        '--noauth',
        '--dashboard',
        '--dashboard_key', secrets.dashboardKey,
        '--secret', secrets.secret,
        '--jwt_secret', secrets.jwtSecret,
        '--broadcast_key', secrets.broadcastKey,
        '--streams_secret', secrets.streamsSecret,
      ]);
      await launch();
    }, 30000);
    afterAll(() => closeAll(app));

    it('asks for the key, takes it once from ?key= and drops it from the address, and shows no secret anywhere', async () => {
      const { page, errors } = await tab();
      try {
        expect((await page.goto(app.httpUrl('/_dashboard')))?.status()).toBe(401);
        expect((await page.goto(app.httpUrl('/_dashboard?key=wrong')))?.status()).toBe(401);
        await page.fill('input[name=key]', secrets.dashboardKey);
        await page.click('button[type=submit]');
        await page.waitForURL(app.httpUrl('/_dashboard'), { timeout: 10000 });
        await pageNumber(page, 'connections', () => true, 'a number');
        expect(await page.evaluate('document.cookie')).toBe('');
        const fetched = (path: string) => page.evaluate(`fetch(${JSON.stringify(path)}).then((res) => res.text())`) as Promise<string>;
        const seen = [await page.content(), await fetched('/_dashboard/stats'), await fetched('/_dashboard/assets/dashboard.js')].join('\n');
        const derived = [deriveSecret(secrets.secret, 'broadcast-cable'), sessionToken(secrets.dashboardKey)];
        expect([...Object.values(secrets), ...derived].filter((secret) => seen.includes(secret))).toEqual([]);
        expect(errors).toEqual([]);
      } finally {
        await page.close();
      }
    }, 30000);

    it('refuses the stats and the form without the key, and accepts Authorization: Bearer', async () => {
      expect((await fetch(app.httpUrl('/_dashboard/stats'))).status).toBe(401);
      const form = await fetch(app.httpUrl('/_dashboard/broadcast'), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"stream":"s","data":1}' });
      expect(form.status).toBe(401);
      expect((await fetch(app.httpUrl('/_dashboard/stats'), { headers: { Authorization: `Bearer ${secrets.dashboardKey}` } })).status).toBe(200);
      expect((await fetch(app.httpUrl('/'))).status).toBe(404);
    });
  });
});

describe('the dashboard outside public mode', () => {
  it('is off unless enabled, and so is the welcome page', async () => {
    const app = await startApp(['--noauth']);
    try {
      expect((await fetch(app.httpUrl('/_dashboard'))).status).toBe(404);
      expect((await fetch(app.httpUrl('/'))).status).toBe(404);
    } finally {
      await app.close();
    }
  });
});
