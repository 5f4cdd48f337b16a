import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CableError, ERROR_CODES } from '../../src/errors.js';
import { HTTP_ERRORS, jsonErrorBody, rawJsonErrorResponse } from '../../src/http/json-error.js';
import { DISCONNECT_REASONS } from '../../src/protocol/disconnect-reasons.js';

describe('error catalogue', () => {
  it('docs/errors.md lists exactly the codes of src/errors.ts', () => {
    const docs = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    const documented = [...docs.matchAll(/^\| `(CABLE_ERR_[A-Z_]+)` \| (.+) \|$/gm)].map((m) => [m[1], m[2]]);
    expect(Object.fromEntries(documented)).toEqual(ERROR_CODES);
  });

  it('CableError carries its code in the message', () => {
    const error = new CableError('CABLE_ERR_SERVER_LISTEN', 'port in use');
    expect(error.code).toBe('CABLE_ERR_SERVER_LISTEN');
    expect(error.message).toBe('CABLE_ERR_SERVER_LISTEN: port in use');
  });
});

/** Every .ts file under `dir`. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('disconnect reason docs', () => {
  const docs = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8');

  it('docs/protocol.md has one row per catalogued reason, with its reconnect, close code and when, and no other', () => {
    const rows = [...docs.matchAll(/^\| `([a-z_]+)` \| (true|false) \| (\d{4}) "([^"]+)" \| (.+) \|$/gm)].map((m) => [m[1], { reconnect: m[2] === 'true', closeCode: Number(m[3]), closeText: m[4], when: m[5] }]);
    const catalogue = Object.entries(DISCONNECT_REASONS).map(([reason, { reconnect, closeCode, closeText, when }]) => [reason, { reconnect, closeCode, closeText, when }]);
    expect(Object.fromEntries(rows)).toEqual(Object.fromEntries(catalogue));
  });

  it('every reason not marked reserved is sent by some source file, and a reserved one by none', () => {
    const src = fileURLToPath(new URL('../../src', import.meta.url));
    const catalogueFile = join(src, 'protocol/disconnect-reasons.ts');
    const sources = sourceFiles(src).filter((file) => file !== catalogueFile).map((file) => readFileSync(file, 'utf8'));
    const sent = (reason: string) => sources.some((text) => text.includes(`'${reason}'`));
    const reserved = Object.entries(DISCONNECT_REASONS).filter(([, entry]) => 'reserved' in entry && entry.reserved).map(([reason]) => reason);
    expect(reserved).toEqual(['invalid_request']);
    for (const reason of Object.keys(DISCONNECT_REASONS)) expect({ reason, sent: sent(reason) }).toEqual({ reason, sent: !reserved.includes(reason) });
  });
});

describe('HTTP error catalogue', () => {
  it('docs/protocol.md lists exactly the codes of src/http/json-error.ts, with status and when', () => {
    const docs = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8');
    const documented = [...docs.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \| (.+) \|$/gm)].map((m) => [m[1], { status: Number(m[2]), when: m[3] }]);
    expect(Object.fromEntries(documented)).toEqual(HTTP_ERRORS);
  });

  it('builds one body shape, and a whole raw response whose Content-Length is the byte length of the body', () => {
    expect(JSON.parse(jsonErrorBody('not_found', 'nö'))).toEqual({ error: 'nö', code: 'not_found' });
    const raw = rawJsonErrorResponse('origin_not_allowed', 'origin not allowed');
    const [head, body] = raw.split('\r\n\r\n');
    expect(head.split('\r\n')).toEqual(['HTTP/1.1 403 Forbidden', 'Connection: close', 'Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`]);
    expect(JSON.parse(body)).toEqual({ error: 'origin not allowed', code: 'origin_not_allowed' });
  });
});
