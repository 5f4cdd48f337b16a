/**
 * Keeps the module graph as docs/architecture.md draws it: reads every import
 * in src/ and fails on a forbidden edge (the Nest framework in the hot-path
 * folders, anyone importing the gateway, config/ importing a feature).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SRC = resolve(process.cwd(), 'src');
const EXAMPLES = resolve(process.cwd(), 'examples');

/** Every .ts file under `dir`. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'dist' || name === 'node_modules' ? [] : sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Every import specifier of a file, as written. */
const specifiersOf = (file: string): string[] => [...readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'|^\s*import\s+'([^']+)'/gms)].map((m) => m[1] ?? m[2]);

/** Packages an example may import: cablecar's public entries and what any Nest app uses. */
const EXAMPLE_PACKAGES = /^(cablecar|cablecar\/publisher|@nestjs\/(common|core)|class-validator|reflect-metadata|node:.+)$/;

/** Why an import of `file` (under examples/<name>/) is not allowed, or undefined when it is. */
export function exampleImportProblem(file: string, spec: string): string | undefined {
  if (spec.startsWith('.')) {
    const exampleRoot = join(EXAMPLES, relative(EXAMPLES, file).split('/')[0]);
    const target = resolve(dirname(file), spec);
    return target.startsWith(exampleRoot + '/') ? undefined : `${spec} leaves the example (use the package entry 'cablecar')`;
  }
  return EXAMPLE_PACKAGES.test(spec) ? undefined : `${spec} is not a public entry of cablecar nor a package an app would use`;
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

  it('examples/ import cablecar only through its public entries', () => {
    const files = sourceFiles(EXAMPLES);
    expect(files.length).toBeGreaterThan(3);
    const problems = files.flatMap((file) => specifiersOf(file).map((spec) => exampleImportProblem(file, spec)).filter((p) => p !== undefined).map((p) => `${relative(EXAMPLES, file)}: ${p}`));
    expect(problems).toEqual([]);
  });

  it('the examples rule refuses internal paths and deep imports', () => {
    const file = join(EXAMPLES, 'chat/src/chat.module.ts');
    expect(exampleImportProblem(file, '../../../src/channels/channel.js')).toMatch(/leaves the example/);
    expect(exampleImportProblem(file, 'cablecar/dist/channels/channel.js')).toMatch(/not a public entry/);
    expect(exampleImportProblem(file, './chat.channel.js')).toBeUndefined();
    expect(exampleImportProblem(file, 'cablecar')).toBeUndefined();
  });

  it('config/ imports no feature folder', () => {
    const allowed = new Set(['config', 'logging']);
    expect(breaking((e) => folderOf(e.from) === 'config' && e.to.endsWith('.ts') && !allowed.has(folderOf(e.to)) && e.to !== 'errors.ts')).toEqual([]);
  });
});
