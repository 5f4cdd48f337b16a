// The development welcome page's script (bundled with @anycable/web by scripts/build-assets.js):
// connects to this server, follows the public stream named on the page, lists what arrives,
// and fills in the curl line that sends a broadcast.
import { createCable } from '@anycable/web';

const { cablePath, stream, broadcastPath } = document.body.dataset;
const byId = (id) => document.getElementById(id);
const wsUrl = `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${cablePath}`;

if (broadcastPath) {
  const data = JSON.stringify({ text: 'hello from curl' });
  byId('curl').textContent = `curl -X POST ${location.origin}${broadcastPath} -H 'Content-Type: application/json' -d '${JSON.stringify({ stream, data })}'`;
}

const cable = createCable(wsUrl, { logLevel: 'warn' });
cable.on('connect', () => (byId('status').textContent = 'connected'));
cable.on('disconnect', () => (byId('status').textContent = 'disconnected, reconnecting…'));

const channel = cable.streamFrom(stream);
channel.on('message', (message) => {
  byId('empty').hidden = true;
  const item = document.createElement('li');
  item.textContent = `${new Date().toLocaleTimeString()}: ${typeof message === 'string' ? message : JSON.stringify(message)}`;
  byId('messages').prepend(item);
});
