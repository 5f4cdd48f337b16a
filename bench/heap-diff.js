/**
 * Where does a server's memory per idle connection go? Starts the server with
 * `--inspect`, takes a heap snapshot (through the inspector, after a forced GC)
 * before and after opening N welcomed sockets, and prints the per-connection
 * growth by constructor, largest first.
 *
 *   node bench/heap-diff.js [cablecar|baseline] [N=2000] [--retainers <Constructor>]
 *
 * `--retainers IncomingMessage` also prints who keeps one such object (created
 * after the first snapshot) alive: the chain of retainers up to a GC root.
 * `--owners` groups the new objects by their first retainer (`Owner.edge`), so
 * each row names the field that holds them (e.g. `Session.env -> Object`).
 */
import { runTool } from './lib/processes.js';
import { startInspected } from './lib/inspected-server.js';

const which = process.argv[2] ?? 'cablecar';
const n = Number(/^\d+$/.test(process.argv[3] ?? '') ? process.argv[3] : 2000);
/** Take a snapshot; returns {byKey: Map("type:name" -> {count, size}), snap}. */
async function snapshot(inspector) {
  let json = '';
  const onChunk = (data) => {
    const msg = JSON.parse(data.toString());
    if (msg.method === 'HeapProfiler.addHeapSnapshotChunk') json += msg.params.chunk;
  };
  inspector.ws.on('message', onChunk);
  await inspector.collectGarbage();
  await inspector.call('HeapProfiler.takeHeapSnapshot', { reportProgress: false }, 120_000);
  inspector.ws.off('message', onChunk);
  const snap = JSON.parse(json);
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const [iType, iName, iSize] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const byKey = new Map();
  for (let i = 0; i < snap.nodes.length; i += fields.length) {
    const key = `${types[snap.nodes[i + iType]]}:${snap.strings[snap.nodes[i + iName]]}`.slice(0, 90);
    const entry = byKey.get(key) ?? { count: 0, size: 0 };
    entry.count++;
    entry.size += snap.nodes[i + iSize];
    byKey.set(key, entry);
  }
  return { byKey, snap };
}

/** Per-connection bytes of new nodes grouped by (first retainer's name, edge label, node key). */
function printOwners(snap, oldIds, n) {
  const meta = snap.snapshot.meta;
  const nf = meta.node_fields.length;
  const ef = meta.edge_fields.length;
  const [iType, iName, iId, iSize, iEdges] = ['type', 'name', 'id', 'self_size', 'edge_count'].map((f) => meta.node_fields.indexOf(f));
  const [eType, eName, eTo] = ['type', 'name_or_index', 'to_node'].map((f) => meta.edge_fields.indexOf(f));
  const edgeTypes = meta.edge_types[0];
  const nodeTypes = meta.node_types[0];
  const nodeCount = snap.nodes.length / nf;
  const owner = new Array(nodeCount);
  const nameOf = (i) => snap.strings[snap.nodes[i * nf + iName]].slice(0, 40);
  let e = 0;
  for (let i = 0; i < nodeCount; i++) {
    for (let k = 0; k < snap.nodes[i * nf + iEdges]; k++, e += ef) {
      const type = edgeTypes[snap.edges[e + eType]];
      if (type === 'weak' || type === 'shortcut') continue;
      const to = snap.edges[e + eTo] / nf;
      if (owner[to] !== undefined) continue;
      const label = type === 'element' || type === 'hidden' || type === 'internal' ? `[${type === 'internal' ? snap.strings[snap.edges[e + eName]] : snap.edges[e + eName]}]` : snap.strings[snap.edges[e + eName]];
      owner[to] = `${nameOf(i)}.${label}`;
    }
  }
  const rows = new Map();
  for (let i = 0; i < nodeCount; i++) {
    if (oldIds.has(snap.nodes[i * nf + iId])) continue;
    const key = `${owner[i] ?? '(root)'} -> ${nodeTypes[snap.nodes[i * nf + iType]]}:${nameOf(i)}`;
    const row = rows.get(key) ?? { count: 0, size: 0 };
    row.count++;
    row.size += snap.nodes[i * nf + iSize];
    rows.set(key, row);
  }
  console.log('\nnew objects by first retainer (bytes/conn, objects/conn):');
  for (const [key, r] of [...rows].sort((a, b) => b[1].size - a[1].size).slice(0, 60)) {
    if (r.size / n < 4) break;
    console.log(`${(r.size / n).toFixed(0).padStart(10)}  ${(r.count / n).toFixed(2).padStart(6)}  ${key}`);
  }
}

/** Print retainer chains (depth-limited) of one node named `name` whose id is not in `oldIds`. */
function printRetainers(snap, name, oldIds) {
  const meta = snap.snapshot.meta;
  const nf = meta.node_fields.length;
  const ef = meta.edge_fields.length;
  const [iName, iId, iEdges] = ['name', 'id', 'edge_count'].map((f) => meta.node_fields.indexOf(f));
  const [eType, eName, eTo] = ['type', 'name_or_index', 'to_node'].map((f) => meta.edge_fields.indexOf(f));
  const edgeTypes = meta.edge_types[0];
  const nodeCount = snap.nodes.length / nf;
  const retainers = Array.from({ length: nodeCount }, () => []);
  let e = 0;
  for (let n = 0; n < nodeCount; n++) {
    for (let k = 0; k < snap.nodes[n * nf + iEdges]; k++, e += ef) {
      const type = edgeTypes[snap.edges[e + eType]];
      if (type === 'weak') continue;
      const label = type === 'element' || type === 'hidden' ? `[${snap.edges[e + eName]}]` : snap.strings[snap.edges[e + eName]];
      retainers[snap.edges[e + eTo] / nf].push({ from: n, label });
    }
  }
  const nameOf = (n) => snap.strings[snap.nodes[n * nf + iName]].slice(0, 60);
  let target = -1;
  for (let n = 0; n < nodeCount && target < 0; n++) if (nameOf(n) === name && !oldIds.has(snap.nodes[n * nf + iId])) target = n;
  if (target < 0) return console.log(`no new ${name} found`);
  console.log(`\nretainers of one new ${name} (depth 6, first 3 per level):`);
  const walk = (n, depth, indent) => {
    if (depth === 0) return;
    for (const r of retainers[n].slice(0, 3)) {
      console.log(`${indent}<- .${r.label} of ${nameOf(r.from)}`);
      walk(r.from, depth - 1, indent + '   ');
    }
  };
  walk(target, 6, '  ');
}

async function main() {
  const { server, inspector, load } = await startInspected(which);
  try {
    await load.open({ url: server.wsUrl, n: 100, concurrency: 100 });
    await load.closeAll();
    const { byKey: before, snap: snapBefore } = await snapshot(inspector);
    const iId = snapBefore.snapshot.meta.node_fields.indexOf('id');
    const oldIds = new Set();
    for (let i = iId; i < snapBefore.nodes.length; i += snapBefore.snapshot.meta.node_fields.length) oldIds.add(snapBefore.nodes[i]);
    const opened = await load.open({ url: server.wsUrl, n, concurrency: 100 });
    if (opened.failed) throw new Error(`${opened.failed} connections failed`);
    const { byKey: after, snap: snapAfter } = await snapshot(inspector);
    const rows = [];
    let total = 0;
    for (const [key, a] of after) {
      const b = before.get(key) ?? { count: 0, size: 0 };
      const size = a.size - b.size;
      total += size;
      if (Math.abs(size) / n >= 8) rows.push({ key, perConn: size / n, objectsPerConn: (a.count - b.count) / n });
    }
    rows.sort((x, y) => y.perConn - x.perConn);
    console.log(`${which}: JS heap growth per idle connection = ${(total / n).toFixed(0)} bytes (N=${n})`);
    console.log('bytes/conn  objects/conn  type:constructor');
    for (const r of rows.slice(0, 40)) console.log(`${r.perConn.toFixed(0).padStart(10)}  ${r.objectsPerConn.toFixed(2).padStart(12)}  ${r.key}`);
    const at = process.argv.indexOf('--retainers');
    if (at > 0) printRetainers(snapAfter, process.argv[at + 1], oldIds);
    if (process.argv.includes('--owners')) printOwners(snapAfter, oldIds, n);
  } finally {
    inspector.close();
    await load.closeAll();
    await load.stop();
    await server.stop();
  }
}

runTool(main);
