/**
 * `/ready` with the RPC and JWKS edges: a real gRPC or HTTP RPC server, and a
 * JWKS served over HTTP, each taken down and (for RPC) brought back.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { startApp, type TestApp } from '../support/app.js';
import { GrpcTestRpcServer } from '../support/grpc-rpc-server.js';
import { HttpTestRpcServer } from '../support/http-rpc-server.js';
import { eventually } from '../support/scale.js';
import { JWT_FIXTURES } from '../unit/auth/jwt-fixtures.js';

interface Edge {
  name: string;
  state: string;
  detail?: string;
  required?: boolean;
}
interface Report {
  status: number;
  body: { status: string; edges: Edge[] };
}

async function readiness(app: TestApp): Promise<Report> {
  const res = await fetch(app.httpUrl('/ready'));
  return { status: res.status, body: (await res.json()) as Report['body'] };
}
const edge = (report: Report, name: string) => report.body.edges.find((e) => e.name === name);
/** Poll `/ready` until `check` holds (the edges change state in the background). */
const readinessWhere = (app: TestApp, check: (report: Report) => boolean, what: string, timeoutMs = 12_000) =>
  eventually(async () => {
    const report = await readiness(app);
    return check(report) ? report : undefined;
  }, timeoutMs, what);

const RPC_CASES = [
  { transport: 'grpc', start: () => GrpcTestRpcServer.start(), host: (s: GrpcTestRpcServer | HttpTestRpcServer) => (s as GrpcTestRpcServer).target },
  { transport: 'http', start: () => HttpTestRpcServer.start(), host: (s: GrpcTestRpcServer | HttpTestRpcServer) => (s as HttpTestRpcServer).url },
] as const;

for (const rpc of RPC_CASES) {
  describe(`readiness with ${rpc.transport} RPC`, () => {
    let server: GrpcTestRpcServer | HttpTestRpcServer;
    let app: TestApp;
    beforeAll(async () => {
      server = await rpc.start();
      app = await startApp(['--rpc_host', rpc.host(server)]);
    });
    afterAll(async () => {
      await app.close();
      await server.stop();
    });

    it(`is ready while Rails is reachable, 503 naming rpc:${rpc.transport} while it is down, ready again when it is back`, async () => {
      const up = await readinessWhere(app, (r) => r.status === 200, 'ready with RPC up');
      expect(edge(up, `rpc:${rpc.transport}`)).toMatchObject({ state: 'up' });

      await server.stop();
      const down = await readinessWhere(app, (r) => r.status === 503, 'not ready with RPC down');
      expect(down.body.status).toBe('not_ready');
      expect(down.body.edges.filter((e) => e.state !== 'up').map((e) => e.name)).toEqual([`rpc:${rpc.transport}`]);
      expect(edge(down, `rpc:${rpc.transport}`)?.required).not.toBe(false);
      expect((await fetch(app.httpUrl('/health'))).status).toBe(200);

      await server.start();
      const back = await readinessWhere(app, (r) => r.status === 200, 'ready again');
      expect(edge(back, `rpc:${rpc.transport}`)).toMatchObject({ state: 'up' });
    }, 40_000);
  });
}

describe('readiness without RPC (--norpc)', () => {
  it('lists no rpc edge and is ready', async () => {
    const app = await startApp(['--norpc']);
    try {
      const report = await readiness(app);
      expect(report.status).toBe(200);
      expect(report.body.edges.filter((e) => e.name.startsWith('rpc:'))).toEqual([]);
    } finally {
      await app.close();
    }
  });
});

describe('readiness with a JWKS URL', () => {
  const jwks = readFileSync(join(JWT_FIXTURES, 'jwks.json'), 'utf8');
  let mode: 'serve' | 'error' = 'serve';
  let jwksServer: Server;
  let url: string;
  beforeAll(async () => {
    jwksServer = createServer((_req, res) => {
      if (mode === 'serve') res.writeHead(200, { 'Content-Type': 'application/json' }).end(jwks);
      else res.writeHead(500).end('down for maintenance');
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/.well-known/jwks.json`;
  });
  afterAll(() => new Promise((resolve) => jwksServer.close(resolve)));

  it('is up after a successful fetch; a failed refresh says down (keys kept, so still ready)', async () => {
    mode = 'serve';
    const app = await startApp(['--jwt_jwks_url', url, '--jwt_jwks_refresh', '1']);
    try {
      const up = await readiness(app);
      expect(up.status).toBe(200);
      expect(edge(up, 'jwks')).toMatchObject({ state: 'up' });
      mode = 'error';
      const down = await readinessWhere(app, (r) => edge(r, 'jwks')?.state === 'down', 'the jwks edge down', 5000);
      expect(edge(down, 'jwks')).toMatchObject({ state: 'down', required: false, detail: expect.stringMatching(/HTTP 500; serving \d+ previous keys/) });
      expect(down.status).toBe(200);
      mode = 'serve';
      await readinessWhere(app, (r) => edge(r, 'jwks')?.state === 'up', 'the jwks edge up again', 5000);
    } finally {
      mode = 'serve';
      await app.close();
    }
  }, 20_000);

  it('is down and required (503) when no key set could ever be loaded', async () => {
    mode = 'error';
    const app = await startApp(['--jwt_jwks_url', url, '--jwt_jwks_refresh', '1']);
    try {
      const report = await readiness(app);
      expect(report.status).toBe(503);
      expect(edge(report, 'jwks')).toMatchObject({ state: 'down', detail: 'HTTP 500; serving 0 previous keys' });
      expect(edge(report, 'jwks')?.required).toBeUndefined();
    } finally {
      mode = 'serve';
      await app.close();
    }
  });
});
