/**
 * The Docker image without Docker: the runtime stage of the Dockerfile read
 * and assembled in a temp directory as it copies files (a stand-in for the
 * build stage holds dist/ from `npm run build` and the lockfile's production
 * dependencies), its CMD started with its ENV as an unprivileged user, and its
 * HEALTHCHECK command run against it.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { npmFromCache } from '../support/commands.js';
import { buildExample } from '../support/examples.js';
import { readRuntimeStage, type DockerCopy } from '../support/dockerfile.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const stage = readRuntimeStage(join(REPO_ROOT, 'Dockerfile'));
/** Docker runs the image as USER; as root here, the closest stand-in is nobody. */
const unprivileged = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};

/** The build stage's /app: package.json, lockfile, production dependencies, dist/. */
function buildStage(dir: string): void {
  mkdirSync(dir);
  for (const file of ['package.json', 'package-lock.json']) cpSync(join(REPO_ROOT, file), join(dir, file));
  npmFromCache(['ci', '--omit=dev', '--no-audit', '--no-fund'], dir);
  cpSync(join(REPO_ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
}

/** Apply one COPY: from the build stage stand-in or from the repository (the build context), with Docker's destination rules. */
function applyCopy(copy: DockerCopy, build: string, app: string): void {
  if (copy.from !== undefined && copy.from !== 'build') throw new Error(`COPY --from=${copy.from}: unknown stage`);
  const intoDirectory = copy.destination.endsWith('/') || copy.sources.length > 1;
  for (const source of copy.sources) {
    const from = copy.from === 'build' ? join(build, posix.relative('/app', source)) : join(REPO_ROOT, source);
    const to = join(app, copy.destination);
    const target = intoDirectory && !statSync(from).isDirectory() ? join(to, basename(from)) : to;
    cpSync(from, target, { recursive: true, verbatimSymlinks: true });
  }
}

/** A port nobody listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('the Docker image (runtime stage assembled without Docker)', () => {
  let root: string;
  let app: string;
  let server: ServerProcess;
  let port: number;
  const imageEnv = (extra: Record<string, string>) => ({ PATH: process.env.PATH ?? '', ...stage.env, ...extra });

  /** Run the HEALTHCHECK command as Docker would, in WORKDIR; returns its exit code and output. */
  const healthcheck = (env: Record<string, string>) => {
    const [command, ...args] = stage.healthcheck;
    const result = spawnSync(command, args, { cwd: app, env: imageEnv(env), encoding: 'utf8', timeout: 10_000, ...unprivileged });
    return { code: result.status, output: `${result.stdout}${result.stderr}` };
  };

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'cablecar-image-'));
    chmodSync(root, 0o755);
    app = join(root, 'app');
    mkdirSync(app);
    buildStage(join(root, 'build'));
    for (const copy of stage.copies) applyCopy(copy, join(root, 'build'), app);
    port = await freePort();
    const [command, ...args] = stage.cmd;
    server = await startServerProcess(command, args, { cwd: app, env: imageEnv({ PORT: String(port), ANYCABLE_HEALTH_PATH: '/up' }), ...unprivileged });
  }, 240_000);

  afterAll(async () => {
    await server?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('runs as a named non-root user', () => {
    expect(stage.user).toMatch(/^(?!root$|0$)\w+/);
  });

  it('listens on all interfaces, as ANYCABLE_HOST in its ENV says', () => {
    expect(server.output()).toMatch(new RegExp(`cablecar listening .*host=0\\.0\\.0\\.0 .*port=${port}`));
  });

  it('passes its HEALTHCHECK on the port and health path configured by env', () => {
    expect(healthcheck({ PORT: String(port), ANYCABLE_HEALTH_PATH: '/up' })).toEqual({ code: 0, output: expect.stringContaining(`:${port}/up answered 200`) });
  });

  it('runs an extension copied under /app, named by ANYCABLE_EXTENSIONS (cablecar resolves to the image\'s own copy)', async () => {
    cpSync(buildExample('chat'), join(app, 'extensions'), { recursive: true });
    const [command, ...args] = stage.cmd;
    const env = imageEnv({ PORT: String(await freePort()), ANYCABLE_EXTENSIONS: 'extensions/chat.module.js', ANYCABLE_JWT_SECRET: 'image-secret' });
    const withChat = await startServerProcess(command, args, { cwd: app, env, ...unprivileged });
    try {
      expect(withChat.output()).toMatch(/channels=[^ ]*ChatChannel/);
      expect(withChat.output()).toContain('extensions loaded extensions=chat');
    } finally {
      await withChat.stop();
    }
  }, 120_000);

  it('fails its HEALTHCHECK when the health path answers 404 or nothing listens', async () => {
    expect(healthcheck({ ANYCABLE_PORT: String(port) })).toEqual({ code: 1, output: expect.stringContaining(`:${port}/health answered 404`) });
    expect(healthcheck({ ANYCABLE_PORT: String(await freePort()), ANYCABLE_HEALTH_PATH: '/up' })).toEqual({ code: 1, output: expect.stringContaining('ECONNREFUSED') });
  });
});
