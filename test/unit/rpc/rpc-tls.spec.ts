/**
 * TLS towards the RPC server over both transports: a CA given as
 * `rpc_tls_root_ca` (path or PEM), `rpc_tls_verify=false`, and the failures
 * when the chain cannot be verified. Certificates: test/fixtures/rpc/tls
 * (made by gen-tls.sh beside them).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GrpcRpcClient } from '../../../src/rpc/grpc.rpc-client.js';
import { HttpRpcClient } from '../../../src/rpc/http.rpc-client.js';
import { createRpcClient } from '../../../src/rpc/rpc-client-factory.js';
import type { RpcClient } from '../../../src/rpc/rpc-client.js';
import { resolveRpcSettings, RpcOptions } from '../../../src/rpc/rpc.options.js';
import { GrpcTestRpcServer } from '../../support/grpc-rpc-server.js';
import { HttpTestRpcServer } from '../../support/http-rpc-server.js';
import { RailsRpcApp } from '../../support/rails-rpc-app.js';
import { CapturingLog, connectRequest, grpcSettings, httpSettings, within } from '../../support/rpc-test-kit.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/rpc/tls/${name}`, import.meta.url));
const CA_PATH = fixture('ca.pem');
const CA = readFileSync(CA_PATH, 'utf8');
const SERVER_TLS = { cert: readFileSync(fixture('server.pem')), key: readFileSync(fixture('server.key')) };
const quick = { concurrency: 4, requestTimeoutMs: 2000, commandTimeoutMs: 300 };

describe('RPC over TLS', () => {
  let grpcServer: GrpcTestRpcServer;
  let httpServer: HttpTestRpcServer;
  const clients: RpcClient[] = [];
  const track = async <C extends RpcClient>(client: C): Promise<C> => {
    clients.push(client);
    await client.start();
    return client;
  };
  const connect = (client: RpcClient) => within(client.connect(connectRequest('user=ann'), { sid: 's' }), 5000);

  beforeAll(async () => {
    grpcServer = await GrpcTestRpcServer.start(new RailsRpcApp(), 0, SERVER_TLS);
    httpServer = await HttpTestRpcServer.start(new RailsRpcApp(), { tls: SERVER_TLS });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.stop()));
  });
  afterAll(async () => {
    await grpcServer.stop();
    await httpServer.stop();
  });

  it('gRPC: verifies the server against rpc_tls_root_ca', async () => {
    const client = await track(new GrpcRpcClient(grpcSettings([grpcServer.target], { tls: { enabled: true, verify: true, rootCaPem: CA } }), new CapturingLog()));
    expect(await connect(client)).toMatchObject({ kind: 'success' });
  });

  it('gRPC: fails when the chain cannot be verified, connects with rpc_tls_verify=false, and plaintext does not reach a TLS server', async () => {
    const untrusted = await track(new GrpcRpcClient(grpcSettings([grpcServer.target], { tls: { enabled: true, verify: true }, policy: quick }), new CapturingLog()));
    expect(await connect(untrusted)).toMatchObject({ kind: 'error', code: 'unavailable' });
    const unverified = await track(new GrpcRpcClient(grpcSettings([grpcServer.target], { tls: { enabled: true, verify: false } }), new CapturingLog()));
    expect(await connect(unverified)).toMatchObject({ kind: 'success' });
    const plaintext = await track(new GrpcRpcClient(grpcSettings([grpcServer.target], { policy: quick }), new CapturingLog()));
    expect(await connect(plaintext)).toMatchObject({ kind: 'error' });
  });

  it('HTTPS: verifies against the CA; an unverifiable chain is UNAUTHENTICATED and not retried; verify=false connects', async () => {
    const trusted = await track(new HttpRpcClient(httpSettings(httpServer.url, { tls: { enabled: true, verify: true, rootCaPem: CA } }), new CapturingLog()));
    expect(await connect(trusted)).toMatchObject({ kind: 'success' });
    const untrusted = await track(new HttpRpcClient(httpSettings(httpServer.url, { tls: { enabled: true, verify: true } }), new CapturingLog()));
    expect(await connect(untrusted)).toMatchObject({ kind: 'error', code: 'unauthenticated', attempts: 1 });
    const unverified = await track(new HttpRpcClient(httpSettings(httpServer.url, { tls: { enabled: true, verify: false } }), new CapturingLog()));
    expect(await connect(unverified)).toMatchObject({ kind: 'success' });
  });

  it('end to end from options: rpc_tls_root_ca as a file path turns TLS on for gRPC and HTTPS', async () => {
    for (const rpcHost of [grpcServer.target, httpServer.url]) {
      const { settings, problems } = resolveRpcSettings(Object.assign(new RpcOptions(), { rpcHost, rpcTlsRootCa: CA_PATH }), { secret: '' });
      expect(problems).toEqual([]);
      const client = createRpcClient(settings.client, new CapturingLog());
      if (!client) throw new Error('no client');
      await track(client);
      expect(await connect(client)).toMatchObject({ kind: 'success' });
    }
  });
});
