/**
 * Turbo in a real browser: headless Chromium (playwright-core, Debian's
 * /usr/bin/chromium) loads a page with `<turbo-cable-stream-source>` whose
 * signed name was made by Ruby (turbo-rails' verifier), connected to cablecar.
 * A Turbo Stream broadcast posted to /_broadcast, encoded the way Rails does,
 * must land in the DOM. Two client stacks: @hotwired/turbo-rails (with
 * @rails/actioncable) and @anycable/web + @anycable/turbo-stream, each bundled
 * with esbuild at test time.
 *
 * Needs Debian's chromium (guarded by `describeWith(CHROMIUM)`).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { postBroadcast, startApp, type TestApp } from '../support/app.js';
import { launchChromium, type Browser } from '../support/browser.js';
import { describeWith } from '../support/describe-with.js';
import { CHROMIUM } from '../support/requirements.js';
import { fixtureCase, vectors } from '../unit/signed-streams/fixtures.js';

const BROADCAST_KEY = 'browser-broadcast-key';
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Client stacks under test: the bundle entry and what it needs from the page. */
const STACKS = {
  'turbo-rails': `import "@hotwired/turbo-rails";`,
  'anycable-turbo-stream': [
    `import "@hotwired/turbo";`,
    `import { createCable } from "@anycable/web";`,
    `import { start } from "@anycable/turbo-stream";`,
    `start(createCable(document.querySelector("meta[name='action-cable-url']").content, { logLevel: "error" }));`,
  ].join('\n'),
} as const;
type Stack = keyof typeof STACKS;

/** Bundle one stack for the browser with esbuild's JS API. */
async function bundle(stack: Stack): Promise<string> {
  const result = await build({
    stdin: { contents: STACKS[stack], resolveDir: REPO_ROOT, loader: 'js', sourcefile: `${stack}.js` },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

/** The page a Rails view with `turbo_stream_from` renders, pointed at cablecar. */
function page(cableUrl: string, signedStreamName: string): string {
  return `<!doctype html>
<html>
  <head>
    <meta charset="utf-8">
    <meta name="action-cable-url" content="${cableUrl}">
    <script type="module" src="/bundle.js"></script>
  </head>
  <body>
    <turbo-cable-stream-source channel="Turbo::StreamsChannel" signed-stream-name="${signedStreamName}"></turbo-cable-stream-source>
    <div id="messages"></div>
  </body>
</html>`;
}

/** A tiny HTTP server for the page and its bundle. */
async function servePage(html: string, js: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.url === '/bundle.js') res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(js);
    else if (req.url === '/') res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(html);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** `ActiveSupport::JSON.encode(html)`: the broadcast `data` Rails sends for a Turbo Stream. */
const railsJsonString = (html: string): string =>
  JSON.stringify(html).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');

const describeChromium = await describeWith(CHROMIUM);

describeChromium('Turbo Streams in headless Chromium', () => {
  let app: TestApp;
  let browser: Browser;
  const turbo = fixtureCase('turbo-gid-colons');
  const stream = turbo.expect.kind === 'verified' ? turbo.expect.stream : '';

  beforeAll(async () => {
    app = await startApp(['--noauth', '--broadcast_key', BROADCAST_KEY, '--turbo_streams', '--turbo_streams_secret', vectors.keys.turbo]);
    browser = await launchChromium();
  }, 30000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it.each(Object.keys(STACKS) as Stack[])('%s: a broadcast Turbo Stream appends to the page', async (stack) => {
    const site = await servePage(page(app.wsUrl(), turbo.signed), await bundle(stack));
    const tab = await browser.context.newPage();
    const errors: string[] = [];
    tab.on('pageerror', (error) => errors.push(error.message));
    try {
      await tab.goto(site.url, { timeout: 10000 });
      await tab.waitForSelector('turbo-cable-stream-source[connected]', { state: 'attached', timeout: 10000 });
      const html = `<turbo-stream action="append" target="messages"><template><p class="msg">Hello from Rails &amp; ${stack} <b>✓</b></p></template></turbo-stream>`;
      const res = await postBroadcast(app, { stream, data: railsJsonString(html) }, { Authorization: `Bearer ${BROADCAST_KEY}` });
      expect(res.status).toBe(201);
      await tab.waitForSelector('#messages p.msg', { timeout: 10000 });
      expect(await tab.textContent('#messages')).toBe(`Hello from Rails & ${stack} ✓`);
      expect(errors).toEqual([]);
    } finally {
      await tab.close();
      await site.close();
    }
  }, 30000);
});
