/**
 * TLS towards the RPC server, shared by both transports (anycable rpc/config.go
 * `TLSConfig`): on with `rpc_enable_tls` or a root CA, verification on unless
 * `rpc_tls_verify=false`, and `rpc_tls_root_ca` given as PEM text or a path.
 */
import { readFileSync } from 'node:fs';

/** TLS settings of an RPC client. */
export interface RpcTlsSettings {
  enabled: boolean;
  /** Check the certificate chain and host name. @default true */
  verify: boolean;
  /** PEM of the root CA(s) to trust instead of the system store. */
  rootCaPem?: string;
}

/** Read `rpc_tls_root_ca`: PEM text as given, otherwise the contents of the file it names. */
export function readRootCa(value: string, readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')): string {
  return value.includes('-----BEGIN') ? value : readFile(value);
}
