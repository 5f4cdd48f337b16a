import { readFileSync } from 'node:fs';
import { CableError, ERROR_CODES } from '../../src/errors.js';
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

describe('disconnect reason docs', () => {
  it('docs/protocol.md documents every catalogued reason', () => {
    const docs = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8');
    for (const [reason, entry] of Object.entries(DISCONNECT_REASONS)) {
      expect(docs).toContain(`| \`${reason}\` | ${entry.reconnect} | ${entry.closeCode} "${entry.closeText}" |`);
    }
  });
});
