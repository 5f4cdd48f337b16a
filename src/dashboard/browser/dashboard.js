// The dashboard page's script (bundled by scripts/build-assets.js): polls <base>/stats every
// second and renders numbers, tables, the chart and the recent disconnects; posts the form's
// broadcast to <base>/broadcast. Data goes in with textContent only, never as HTML.
const base = document.body.dataset.base;
const byId = (id) => document.getElementById(id);
const SVG = 'http://www.w3.org/2000/svg';
const COLORS = { connections: '#2b6cb0', broadcastsPerSecond: '#c05621', deliveriesPerSecond: '#2f855a' };

function setText(id, value) {
  byId(id).textContent = String(value);
}

function fillTable(id, entries) {
  const body = byId(id).tBodies[0];
  body.replaceChildren(
    ...entries.map(([name, value]) => {
      const row = document.createElement('tr');
      for (const text of [name, value]) row.appendChild(document.createElement('td')).textContent = String(text);
      return row;
    }),
  );
  if (entries.length === 0) body.appendChild(document.createElement('tr')).appendChild(document.createElement('td')).textContent = 'none';
}

function drawChart(history) {
  const svg = byId('chart');
  const lines = [];
  const scale = {};
  for (const key of Object.keys(COLORS)) {
    const max = Math.max(1, ...history.map((s) => s[key]));
    scale[key] = max;
    const points = history.map((s, i) => `${history.length < 2 ? 0 : (i / (history.length - 1)) * 600},${155 - (s[key] / max) * 145}`);
    const line = document.createElementNS(SVG, 'polyline');
    line.setAttribute('points', points.join(' '));
    line.setAttribute('fill', 'none');
    line.setAttribute('stroke', COLORS[key]);
    line.setAttribute('stroke-width', '2');
    line.setAttribute('vector-effect', 'non-scaling-stroke');
    lines.push(line);
  }
  svg.replaceChildren(...lines);
  setText('chart-scale', `peaks: ${scale.connections} connections, ${scale.broadcastsPerSecond} broadcasts/s, ${scale.deliveriesPerSecond} deliveries/s`);
}

function render(stats) {
  const subscriptions = Object.entries(stats.subscriptions).sort((a, b) => b[1] - a[1]);
  const disconnects = Object.entries(stats.disconnects).sort((a, b) => b[1] - a[1]);
  setText('connections', stats.connections);
  setText('subscriptions', subscriptions.reduce((sum, [, n]) => sum + n, 0));
  setText('streams', stats.streams);
  setText('broadcasts-rate', stats.broadcastsPerSecond);
  setText('deliveries-rate', stats.deliveriesPerSecond);
  setText('broadcasts-total', stats.broadcastsTotal);
  setText('disconnects-total', disconnects.reduce((sum, [, n]) => sum + n, 0));
  setText('rpc-calls', stats.rpc.calls);
  setText('rpc-errors', stats.rpc.errors);
  fillTable('channels', subscriptions);
  fillTable('reasons', disconnects);
  byId('recent').replaceChildren(
    ...stats.recentDisconnects.map((d) => {
      const item = document.createElement('li');
      item.textContent = `${new Date(d.at).toLocaleTimeString()}: ${d.reason}`;
      return item;
    }),
  );
  drawChart(stats.history);
}

async function refresh() {
  try {
    const res = await fetch(`${base}/stats`, { cache: 'no-store' });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    render(await res.json());
    setText('status', `live, updated ${new Date().toLocaleTimeString()}`);
  } catch (error) {
    setText('status', `offline (${error.message})`);
  }
}

byId('broadcast').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.target;
  let data;
  try {
    data = JSON.parse(form.elements.data.value);
  } catch {
    setText('broadcast-result', 'Data must be JSON (a string needs quotes).');
    return;
  }
  const res = await fetch(`${base}/broadcast`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ stream: form.elements.stream.value, data }) });
  setText('broadcast-result', res.ok ? `Sent to ${form.elements.stream.value} at ${new Date().toLocaleTimeString()}.` : `Refused: HTTP ${res.status}`);
  refresh();
});

refresh();
setInterval(refresh, 1000);
