/**
 * The HTML of the dashboard, its key prompt and the development welcome page.
 * Static shells: every number arrives later from `<dashboard_path>/stats`, the
 * behaviour from the bundled scripts (no inline script, so the pages can carry
 * a strict Content-Security-Policy). Only paths are rendered, never a config value.
 */

/** Escape text for HTML content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `
  :root { font-family: system-ui, sans-serif; color: #1d2430; background: #f6f7f9; }
  body { margin: 0; }
  header { display: flex; gap: 1rem; align-items: baseline; padding: .8rem 1.5rem; background: #1d2430; color: #fff; }
  header h1 { font-size: 1.2rem; margin: 0; }
  main { padding: 1rem 1.5rem; display: grid; gap: 1.2rem; max-width: 70rem; }
  h2 { font-size: 1rem; margin: 0 0 .5rem; }
  section { background: #fff; border-radius: 8px; padding: 1rem; box-shadow: 0 1px 2px #0001; }
  .numbers { display: grid; grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr)); gap: .8rem; }
  .number { display: flex; flex-direction: column; }
  .number .value { font-size: 1.8rem; font-variant-numeric: tabular-nums; }
  .label { color: #5a6475; font-size: .85rem; }
  .tables { display: grid; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); gap: 1.2rem; }
  table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
  td { padding: .2rem .4rem; border-bottom: 1px solid #eef0f3; }
  td:last-child { text-align: right; }
  svg { width: 100%; height: 10rem; background: #fbfcfd; }
  .legend span { margin-right: 1rem; }
  .c1 { color: #2b6cb0; } .c2 { color: #c05621; } .c3 { color: #2f855a; }
  form { display: grid; gap: .5rem; max-width: 36rem; }
  label { display: grid; gap: .2rem; }
  input, textarea { font: inherit; padding: .3rem; }
  textarea { min-height: 4rem; font-family: ui-monospace, monospace; }
  pre { background: #1d2430; color: #e6e9ef; padding: .8rem; border-radius: 6px; overflow-x: auto; }
  ol { padding-left: 1.4rem; margin: 0; }
  .muted { color: #5a6475; }
`;

function shell(title: string, body: string, script?: string, bodyAttributes = ''): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
${script ? `<script type="module" src="${escapeHtml(script)}"></script>` : ''}
</head>
<body${bodyAttributes}>
${body}
</body>
</html>
`;
}

const number = (id: string, label: string) => `<div class="number"><span class="label">${label}</span><span class="value" id="${id}">–</span></div>`;

/** The dashboard page, served at `path`; it polls `<path>/stats` and posts broadcasts to `<path>/broadcast`. */
export function dashboardPage(path: string): string {
  const body = `<header><h1>cablecar dashboard</h1><span id="status" class="muted">loading…</span></header>
<main>
<section class="numbers">
${number('connections', 'Connections')}
${number('subscriptions', 'Subscriptions')}
${number('streams', 'Active streams')}
${number('broadcasts-rate', 'Broadcasts / s')}
${number('deliveries-rate', 'Deliveries / s')}
${number('broadcasts-total', 'Broadcasts')}
${number('disconnects-total', 'Disconnects')}
${number('rpc-calls', 'RPC calls')}
${number('rpc-errors', 'RPC errors')}
</section>
<section>
<h2>Last 5 minutes</h2>
<svg id="chart" viewBox="0 0 600 160" preserveAspectRatio="none" role="img" aria-label="connections, broadcasts and deliveries per second"></svg>
<p class="legend"><span class="c1">■ connections</span><span class="c2">■ broadcasts / s</span><span class="c3">■ deliveries / s</span><span class="muted" id="chart-scale"></span></p>
</section>
<div class="tables">
<section><h2>Subscriptions by channel</h2><table id="channels"><tbody></tbody></table></section>
<section><h2>Disconnects by reason</h2><table id="reasons"><tbody></tbody></table></section>
</div>
<section><h2>Recent disconnects</h2><ol id="recent"></ol></section>
<section>
<h2>Broadcast to a stream</h2>
<form id="broadcast">
<label>Stream <input name="stream" required autocomplete="off"></label>
<label>Data (any JSON value) <textarea name="data">{"text":"hello from the dashboard"}</textarea></label>
<div><button type="submit">Broadcast</button> <output id="broadcast-result" class="muted"></output></div>
</form>
</section>
</main>`;
  return shell('cablecar dashboard', body, `${path}/assets/dashboard.js`, ` data-base="${escapeHtml(path)}"`);
}

/** The key prompt a request without the dashboard key gets (401). */
export function keyPage(path: string, wrongKey: boolean): string {
  const body = `<header><h1>cablecar dashboard</h1></header>
<main><section>
<form method="get" action="${escapeHtml(path)}">
<label>Dashboard key <input type="password" name="key" required autofocus></label>
${wrongKey ? '<p class="muted">That key does not open the dashboard.</p>' : ''}
<div><button type="submit">Open</button></div>
</form>
</section></main>`;
  return shell('cablecar dashboard', body);
}

/** Where the welcome page points its client and its curl line. */
export interface WelcomePaths {
  readonly cablePath: string;
  /** The HTTP broadcast path, or undefined when the http broadcaster is off. */
  readonly broadcastPath?: string;
  readonly dashboardPath?: string;
  /** Where the bundled welcome script is served. */
  readonly script: string;
}

/** The stream the welcome page listens to. */
export const WELCOME_STREAM = 'chat';

/** The development "it works" page at `/`: connects with @anycable/web and shows broadcasts to `chat`. */
export function welcomePage(paths: WelcomePaths): string {
  const attributes = [
    ` data-cable-path="${escapeHtml(paths.cablePath)}"`,
    ` data-stream="${WELCOME_STREAM}"`,
    paths.broadcastPath ? ` data-broadcast-path="${escapeHtml(paths.broadcastPath)}"` : '',
  ].join('');
  const body = `<header><h1>cablecar works</h1><span id="status" class="muted">connecting…</span></header>
<main>
<section>
<p>This page is a client: it connected to <code>${escapeHtml(paths.cablePath)}</code> with <code>@anycable/web</code> and follows the public stream <code>${WELCOME_STREAM}</code>.
Send it a broadcast, the way Rails does:</p>
<pre id="curl">${paths.broadcastPath ? '' : 'The HTTP broadcaster is off (broadcast_adapter).'}</pre>
</section>
<section><h2>Broadcasts received</h2><ol id="messages"></ol><p id="empty" class="muted">None yet.</p></section>
${paths.dashboardPath ? `<section><a href="${escapeHtml(paths.dashboardPath)}">Live dashboard</a>: connections, streams, broadcasts per second, disconnects.</section>` : ''}
</main>`;
  return shell('cablecar works', body, paths.script, attributes);
}
