/**
 * Keeps the module graph as docs/architecture.md draws it: reads every import
 * in src/ and fails on a forbidden edge (the Nest framework in the hot-path
 * folders, anyone importing the gateway, config/ importing a feature).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SRC = resolve(process.cwd(), 'src');

/** Every .ts file under `dir`. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** One import edge: the importing file and what it imports (a package name, or a path relative to src/). */
interface Edge {
  from: string;
  to: string;
}

function importsOf(file: string): Edge[] {
  const text = readFileSync(file, 'utf8');
  const from = relative(SRC, file);
  return [...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)].map(([, spec]) => ({
    from,
    to: spec.startsWith('.') ? relative(SRC, resolve(dirname(file), spec)).replace(/\.js$/, '.ts') : spec,
  }));
}

const edges = sourceFiles(SRC).flatMap(importsOf);
const folderOf = (path: string) => (path.includes('/') ? path.split('/')[0] : '(root)');
const isNest = (to: string) => to.startsWith('@nestjs/');

/** Edges that break `rule`. */
const breaking = (rule: (edge: Edge) => boolean) => edges.filter(rule).map((e) => `${e.from} -> ${e.to}`);

describe('the module graph', () => {
  it('reads imports from the source tree', () => {
    expect(edges.length).toBeGreaterThan(100);
  });

  it('protocol/ imports neither Nest nor any other folder', () => {
    expect(breaking((e) => folderOf(e.from) === 'protocol' && (isNest(e.to) || (!e.to.startsWith('node:') && !e.to.startsWith('protocol/'))))).toEqual([]);
  });

  it('hub/ and connection/ import neither Nest nor the gateway', () => {
    expect(breaking((e) => ['hub', 'connection'].includes(folderOf(e.from)) && (isNest(e.to) || e.to.startsWith('cable/')))).toEqual([]);
  });

  it('lifecycle/ and metrics/ import no Nest (plain classes the hot path can use)', () => {
    expect(breaking((e) => ['lifecycle', 'metrics'].includes(folderOf(e.from)) && isNest(e.to))).toEqual([]);
  });

  it('nothing outside cable/ imports the gateway folder, except the bootstrap that wires it', () => {
    const wiring = new Set(['bootstrap.ts', 'app.module.ts', 'main.ts']);
    expect(breaking((e) => e.to.startsWith('cable/') && folderOf(e.from) !== 'cable' && !wiring.has(e.from))).toEqual([]);
  });

  it('config/ imports no feature folder', () => {
    const allowed = new Set(['config', 'logging']);
    expect(breaking((e) => folderOf(e.from) === 'config' && e.to.endsWith('.ts') && !allowed.has(folderOf(e.to)) && e.to !== 'errors.ts')).toEqual([]);
  });
});
