/** Temporary directories for tests, removed when the test file (or the enclosing `describe`) is done. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Register cleanup in the current scope and return a maker of fresh empty directories
 * (`<tmpdir>/<prefix>XXXXXX`); every directory it made is removed in `afterAll`.
 * Call it at file level or inside a `describe`, not inside a test.
 */
export function tempDirMaker(prefix: string): () => string {
  const made: string[] = [];
  afterAll(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    made.push(dir);
    return dir;
  };
}
